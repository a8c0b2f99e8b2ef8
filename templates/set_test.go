package templates_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/atlas-release/atlas-release/internal/wsfs"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

func TestWorkspaceOverridesTemplates(t *testing.T) {
	ws, _ := example(t)
	fsys := fstest.MapFS{
		"templates/notes.md.tmpl": {Data: []byte("# {{.Title}}\n\nOur own notes for {{.Product.Name}} {{.Version}}.\n")},
		"templates/README.md":     {Data: []byte("People may document their overrides here.\n")},
	}
	set, err := templates.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(set.Overridden, ",") != "notes.md.tmpl" {
		t.Fatalf("overridden %v", set.Overridden)
	}
	n, err := templates.NewNotes(ws, mustVersion(t, "4.3.0"), "test")
	if err != nil {
		t.Fatal(err)
	}
	var md, html bytes.Buffer
	if err := set.RenderNotes(&md, n, templates.Markdown); err != nil {
		t.Fatal(err)
	}
	if md.String() != "# Atlas 4.3.0 release notes\n\nOur own notes for Atlas 4.3.0.\n" {
		t.Fatalf("override not used: %q", md.String())
	}
	// The HTML form follows the overridden Markdown.
	if err := set.RenderNotes(&html, n, templates.HTML); err != nil {
		t.Fatal(err)
	}
	if html.String() != "<p>Our own notes for Atlas 4.3.0.</p>\n" {
		t.Fatalf("HTML does not follow the override: %q", html.String())
	}
}

func TestTemplateOverrideMistakes(t *testing.T) {
	tests := map[string]struct {
		files fstest.MapFS
		want  string
	}{
		"misspelt name": {fstest.MapFS{"templates/notes.tmpl": {Data: []byte("x")}}, "templates/notes.tmpl does not override a built-in template"},
		"syntax error":  {fstest.MapFS{"templates/notes.md.tmpl": {Data: []byte("{{.Version")}}, "template: templates/notes.md.tmpl:1: unclosed action"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := templates.Load(tc.files)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestUnknownFieldInTemplateFails(t *testing.T) {
	ws, _ := example(t)
	set, err := templates.Load(fstest.MapFS{"templates/notes.md.tmpl": {Data: []byte("{{.NoSuchField}}")}})
	if err != nil {
		t.Fatal(err)
	}
	n, _ := templates.NewNotes(ws, mustVersion(t, "4.3.0"), "test")
	var b bytes.Buffer
	if err := set.RenderNotes(&b, n, templates.Markdown); err == nil || !strings.Contains(err.Error(), "NoSuchField") {
		t.Fatalf("error %v, want one naming the field", err)
	}
}

func TestCommandLineQuoting(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-Version", "4.3.0"}, "./scripts/x.ps1 -Version 4.3.0"},
		{[]string{"-Tenant", "<tenant>"}, "./scripts/x.ps1 -Tenant '<tenant>'"},
		{[]string{"-Name", "it's here"}, "./scripts/x.ps1 -Name 'it''s here'"},
		{[]string{"-Path", "$env:TEMP"}, "./scripts/x.ps1 -Path '$env:TEMP'"},
	}
	for _, tc := range tests {
		if got := templates.CommandLine("scripts/x.ps1", tc.args); got != tc.want {
			t.Errorf("CommandLine(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
}

// TestRunbookCSS brands the runbook page with the workspace's runbook.css, which
// cannot close the style element early.
func TestRunbookCSS(t *testing.T) {
	ws, _ := example(t)
	set, err := templates.Load(fstest.MapFS{"templates/runbook.css": {Data: []byte(":root { --accent: #c2185b; } /* </style><script>alert(1)</script> */")}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := ws.Plan(mustVersion(t, "4.2.0"), mustVersion(t, "4.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := set.RenderRunbook(&b, templates.NewRunbook(ws, p, "test"), templates.HTML); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, ":root { --accent: #c2185b; }") {
		t.Error("the workspace's rules are missing")
	}
	if strings.Count(out, "</style>") != 1 {
		t.Error("runbook.css closed the style element")
	}
}

// An override that is not a regular file inside the workspace is an error on
// its path, never followed, never waited for and never skipped.
func TestTemplateOverrideMustBeARegularFile(t *testing.T) {
	tests := map[string]struct {
		files fstest.MapFS
		want  string
	}{
		"named pipe": {fstest.MapFS{"templates/notes.md.tmpl": {Mode: fs.ModeNamedPipe}}, "templates/notes.md.tmpl: a named pipe (FIFO), not a regular file"},
		"socket":     {fstest.MapFS{"templates/runbook.css": {Mode: fs.ModeSocket}}, "templates/runbook.css: a socket, not a regular file"},
		"device":     {fstest.MapFS{"templates/notes.md.tmpl": {Mode: fs.ModeDevice | fs.ModeCharDevice}}, "templates/notes.md.tmpl: a character device"},
		"link": {fstest.MapFS{
			"templates/notes.md.tmpl": {Mode: fs.ModeSymlink, Data: []byte("../elsewhere/notes.md.tmpl")},
			"elsewhere/notes.md.tmpl": {Data: []byte("followed")},
		}, "templates/notes.md.tmpl: a symbolic link"},
		"oversized": {fstest.MapFS{"templates/runbook.css": {Data: make([]byte, releases.MaxFileSize+1)}}, "templates/runbook.css: file is 1048577 bytes"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := templates.Load(tc.files)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if name != "oversized" && !errors.Is(err, releases.ErrNotRegular) {
				t.Errorf("error %v does not wrap releases.ErrNotRegular", err)
			}
		})
	}
}

// On disk, through the workspace's file system, a link among the overrides or
// a templates/ folder linked elsewhere is refused, never followed out of the
// workspace. (Named pipes on disk: internal/wsfs and the command line's tests.)
func TestTemplateOverridesOnDisk(t *testing.T) {
	for name, tc := range map[string]struct {
		link, to, want string
	}{
		"link out":          {"templates/notes.md.tmpl", "notes.md.tmpl", "templates/notes.md.tmpl: a symbolic link"},
		"folder linked out": {"templates", "", "templates: a symbolic link"},
	} {
		t.Run(name, func(t *testing.T) {
			base := t.TempDir()
			ws, outside := filepath.Join(base, "ws"), filepath.Join(base, "outside")
			for _, d := range []string{filepath.Join(ws, "templates"), outside} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(outside, "notes.md.tmpl"), []byte("not the workspace's"), 0o644); err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(ws, filepath.FromSlash(tc.link))
			if err := os.RemoveAll(link); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(filepath.Join(outside, tc.to), link); err != nil {
				t.Skipf("no symbolic links here: %v", err)
			}
			fsys, err := wsfs.New(ws)
			if err != nil {
				t.Fatal(err)
			}
			defer fsys.Close()
			_, err = templates.Load(fsys)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if !errors.Is(err, wsfs.ErrRefused) && !errors.Is(err, releases.ErrNotRegular) {
				t.Errorf("error %v is not classified as a refused file", err)
			}
		})
	}
}
