package releases

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

func TestFindPlaceholder(t *testing.T) {
	long := strings.Repeat("x", 100<<10) // longer than the reader's buffer
	tests := []struct {
		name  string
		text  string
		found bool
		pos   Pos
		quote string
		more  int
	}{
		{name: "none", text: "Write-Output 'fill in'\nFILL-IN\nFILL  IN\n"},
		{name: "empty", text: ""},
		{name: "first line", text: "FILL IN: x", found: true, pos: Pos{1, 1}, quote: "FILL IN: x"},
		{name: "indented", text: "<#\n.DESCRIPTION\n    FILL IN: what it sets up.\n#>\n", found: true, pos: Pos{3, 5}, quote: "FILL IN: what it sets up."},
		{name: "columns are characters", text: "# é€😀 FILL IN\r\n", found: true, pos: Pos{1, 7}, quote: "FILL IN"},
		{name: "restart after a broken match", text: "FILLFILL IN", found: true, pos: Pos{1, 5}, quote: "FILL IN"},
		{name: "two on a line count once", text: "a\nFILL IN FILL IN\nb FILL IN\n", found: true, pos: Pos{2, 1}, quote: "FILL IN FILL IN", more: 1},
		{name: "after a long line", text: long + "\n" + long + "FILL IN " + long, found: true, pos: Pos{2, len(long) + 1}, quote: "FILL IN " + strings.Repeat("x", 52) + "…"},
		{name: "not UTF-8", text: "x FILL IN \xff\xfe", found: true, pos: Pos{1, 3}, quote: "FILL IN \uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, quote, more, found, err := findPlaceholder(strings.NewReader(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			if found != tt.found || p != tt.pos || quote != tt.quote || more != tt.more {
				t.Errorf("findPlaceholder = %v %q %d %v, want %v %q %d %v", p, quote, more, found, tt.pos, tt.quote, tt.more, tt.found)
			}
		})
	}
}

// FuzzFindPlaceholder checks the streaming search against the plain one: it
// finds the first placeholder, at its line and character column.
func FuzzFindPlaceholder(f *testing.F) {
	for _, s := range []string{"", "FILL IN", "a\nFFILL IN\n", "é\nFILL\nIN FILL IN"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, quote, _, found, err := findPlaceholder(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(b, []byte(placeholder))
		if found != (i >= 0) {
			t.Fatalf("found = %v, want %v", found, i >= 0)
		}
		if !found {
			return
		}
		before := b[:i]
		line := bytes.Count(before, []byte("\n")) + 1
		lineStart := bytes.LastIndexByte(before, '\n') + 1
		col := 1
		for _, c := range before[lineStart:] {
			if c&0xC0 != 0x80 {
				col++
			}
		}
		if p != (Pos{line, col}) {
			t.Fatalf("position %v, want %d:%d", p, line, col)
		}
		if !strings.HasPrefix(quote, placeholder) || !utf8.ValidString(quote) {
			t.Fatalf("quote %q", quote)
		}
	})
}

// TestValidateScriptPlaceholder: a FILL IN in a script a step runs is an
// error on the script, once however many steps run it; one in a script no
// step runs is not the release's.
func TestValidateScriptPlaceholder(t *testing.T) {
	const script = "scripts/Deploy-AtlasPackage.ps1"
	tests := []struct {
		name  string
		edit  func(fstest.MapFS)
		diags []string
	}{
		{name: "none", edit: func(fstest.MapFS) {}},
		{name: "in a script a step runs", edit: func(fsys fstest.MapFS) {
			fsys[script] = &fstest.MapFile{Data: append(fsys[script].Data, "\t# FILL IN: the rest\n"...)}
		}, diags: []string{script + ":LINE:4: error AR0108: the script still holds the placeholder \"FILL IN: the rest\": write the script, then remove it"}},
		{name: "in a script no step runs", edit: func(fsys fstest.MapFS) {
			fsys["scripts/Unused.ps1"] = &fstest.MapFile{Data: []byte("# FILL IN\n")}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := exampleFS(t)
			want := strings.ReplaceAll(strings.Join(tt.diags, "\n"), "LINE", strconv.Itoa(strings.Count(string(fsys[script].Data), "\n")+1))
			tt.edit(fsys)
			var got []string
			for _, d := range mustLoad(t, fsys).Validate() {
				if d.Code == "AR0108" || strings.HasPrefix(d.File, ScriptsDir+"/") {
					got = append(got, d.String())
				}
			}
			if strings.Join(got, "\n") != want {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
			}
		})
	}
}

// TestProposeRefusesUnloaded: a release is never proposed while a manifest
// does not load; the error names the file and its first error, and is a
// *ValidationError (invalid input).
func TestProposeRefusesUnloaded(t *testing.T) {
	tests := []struct {
		name, file, text, want string
	}{
		{"not YAML", "releases/4.1.0.yaml", "summary: [unclosed\n", "releases/4.1.0.yaml does not load"},
		{"no steps", "releases/4.1.0.yaml", "", "releases/4.1.0.yaml does not load"},
		{"an invalid version", "releases/9.9.yaml", "schemaVersion: 1\nversion: 9.9\n", "releases/9.9.yaml does not load"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := exampleFS(t)
			data := tt.text
			if data == "" {
				data = strings.Replace(string(fsys[tt.file].Data), "\nsteps:", "\nstepz:", 1)
			}
			fsys[tt.file] = &fstest.MapFile{Data: []byte(data)}
			ws := mustLoad(t, fsys)
			v, _ := ParseVersion("5.0.0")
			_, err := ws.Propose(v, NewDate(2026, 12, 1))
			var ve *ValidationError
			if !errors.As(err, &ve) || !strings.HasPrefix(err.Error(), tt.want) || !strings.Contains(err.Error(), "\n  "+tt.file+":") {
				t.Fatalf("Propose: %v", err)
			}
		})
	}
	// Loaded, the same workspace gets its proposal.
	if _, err := mustLoad(t, exampleFS(t)).Propose(nil, NewDate(2026, 12, 1)); err != nil {
		t.Fatal(err)
	}
}
