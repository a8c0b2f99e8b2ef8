package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/atlas-release/atlas-release/templates"
)

// TestOutFormat: the extension of --out names the format unless it names
// none; an explicit --format must agree with it.
func TestOutFormat(t *testing.T) {
	for _, tc := range []struct {
		format string
		given  bool
		out    string
		want   templates.Format
		usage  bool
	}{
		{"md", false, "", templates.Markdown, false},
		{"md", false, "-", templates.Markdown, false},
		{"md", false, "runbook.html", templates.HTML, false},
		{"md", false, "RUNBOOK.HTM", templates.HTML, false},
		{"md", false, "dir.json/runbook.md", templates.Markdown, false},
		{"md", false, "x.json", templates.JSON, false},
		{"md", false, ".json", templates.JSON, false},
		{"md", false, "notes.txt", templates.Markdown, false},
		{"md", false, "notes", templates.Markdown, false},
		{"json", true, "notes.txt", templates.JSON, false},
		{"html", true, "notes.html", templates.HTML, false},
		{"markdown", true, "notes.markdown", templates.Markdown, false},
		{"MD", true, "notes.md", templates.Markdown, false},
		{"md", true, "notes.html", "", true},
		{"html", true, "notes.json", "", true},
		{"json", true, "-", templates.JSON, false},
		{"pdf", true, "notes.pdf", "", true},
		{"pdf", false, "notes.html", "", true},
		{"", true, "notes.md", "", true},
		// The default of --format is empty, so that cobra prints none beside
		// the help's own: Markdown, unless --out names another format.
		{"", false, "", templates.Markdown, false},
		{"", false, "notes.txt", templates.Markdown, false},
		{"", false, "notes.html", templates.HTML, false},
		{"", true, "-", "", true},
	} {
		got, err := outFormat(tc.format, tc.given, tc.out)
		var usage *usageError
		if tc.usage != (err != nil) || (err != nil && !errors.As(err, &usage)) || got != tc.want {
			t.Errorf("outFormat(%q, %v, %q) = %q, %v; want %q (usage error: %v)", tc.format, tc.given, tc.out, got, err, tc.want, tc.usage)
		}
	}
}

// FuzzOutFormat: whatever the flags, the result is a known format or a usage
// error, and a file named for a format is never written in another one.
func FuzzOutFormat(f *testing.F) {
	f.Add("md", true, "a.html")
	f.Add("html", false, "a.JSON")
	f.Add("json", true, "-")
	f.Add("", false, "")
	f.Add("md\x00", true, "dir.html/\u00e9.md")
	f.Fuzz(func(t *testing.T, format string, given bool, out string) {
		got, err := outFormat(format, given, out)
		if err != nil {
			var usage *usageError
			if !errors.As(err, &usage) {
				t.Fatalf("not a usage error: %v", err)
			}
			return
		}
		switch got {
		case templates.Markdown, templates.HTML, templates.JSON:
		default:
			t.Fatalf("format %q", got)
		}
		if want, ok := formatOfFile(out); ok && got != want {
			t.Fatalf("--out %q written as %s", out, got)
		}
	})
}

// TestRenderLeavesNothingHalfWritten: render streams into a temporary file
// beside --out and renames it only when the whole output was produced; a
// failure part-way leaves the previous file as it was and no temporary file.
func TestRenderLeavesNothingHalfWritten(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "runbook.md")
	if err := os.WriteFile(out, []byte("previous\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ios, _, _, _ := TestIO()
	f := &Factory{IO: ios}
	boom := errors.New("the template failed")
	err := render(f, out, func(w io.Writer) error {
		if _, err := w.Write(bytes.Repeat([]byte("x"), 200<<10)); err != nil { // past the buffer: bytes reach the file
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("render: %v, want the template's error", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("the folder holds %d files after a failed render, want only the previous one", len(entries))
	}
	if b, _ := os.ReadFile(out); string(b) != "previous\n" {
		t.Fatalf("the previous file became %.20q", b)
	}
	if err := render(f, out, func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); string(b) != "new\n" {
		t.Fatalf("the file is %q, want the new output", b)
	}
	if info, _ := os.Stat(out); info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", info.Mode().Perm())
	}
}
