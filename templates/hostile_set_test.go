package templates_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/atlas-release/atlas-release/templates"
)

// forbiddenInTemplates are texts a terminal, Markdown or ZenDesk must never be
// handed, each with how the error names it.
var forbiddenInTemplates = []struct {
	text, name string
	col        int // of the character, after "Text "
}{
	{"\x1b[2J", "U+001B ESCAPE", 6},
	{"\x1b]8;;https://evil.example\x07link", "U+001B ESCAPE", 6},
	{"ding\x07", "U+0007 BELL", 10},
	{"\u009b31m", "U+009B CONTROL SEQUENCE INTRODUCER", 6},
	{"invoice\u202efdp.exe", "U+202E RIGHT-TO-LEFT OVERRIDE", 13},
	{"a\u2066b", "U+2066 LEFT-TO-RIGHT ISOLATE", 7},
	{"zero\u200bwidth", "U+200B ZERO WIDTH SPACE", 10},
	{"a\u200db", "U+200D ZERO WIDTH JOINER", 7},
	{"\U000E0041", "U+E0041", 6},
	{"blank\u2800", "U+2800 BRAILLE PATTERN BLANK", 11},
}

// TestTemplateFilesWithForbiddenCharacters writes each forbidden text raw into
// an override and into a locale's template, on line 2, and expects the load to
// fail on the file, line and column, without the character in the message.
func TestTemplateFilesWithForbiddenCharacters(t *testing.T) {
	ws, _ := example(t)
	tr := ws.Translation("de")
	for _, f := range forbiddenInTemplates {
		src := []byte("# {{.Title}}\nText " + f.text + "\n")
		for _, file := range []string{"templates/notes.md.tmpl", "locales/de/templates/notes.md.tmpl", "templates/VERIFY.txt.tmpl"} {
			t.Run(file+"/"+f.name, func(t *testing.T) {
				fsys := fstest.MapFS{file: {Data: src}}
				var err error
				if strings.HasPrefix(file, "locales/") {
					_, err = templates.LoadLocale(fsys, tr)
				} else {
					_, err = templates.Load(fsys)
				}
				want := fmt.Sprintf("%s:2:%d: the file holds %s", file, f.col, f.name)
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("error %v, want %q", err, want)
				}
				if !errors.Is(err, templates.ErrUnsafeText) {
					t.Errorf("error %v does not wrap ErrUnsafeText", err)
				}
				if strings.ContainsAny(err.Error(), "\x1b\x07\u009b\u202e\u2066\u200b\u200d\U000E0041\u2800") {
					t.Fatalf("the error carries the character: %q", err)
				}
			})
		}
	}
	// Invalid UTF-8 too.
	_, err := templates.Load(fstest.MapFS{"templates/notes.md.tmpl": {Data: []byte("ok\n\xff\n")}})
	if err == nil || !strings.Contains(err.Error(), "templates/notes.md.tmpl:2:1: the file holds invalid UTF-8 byte 0xff") {
		t.Fatalf("error %v", err)
	}
}

// TestTemplateOutputWithForbiddenCharacters makes templates whose files are
// clean produce each forbidden text, through escapes, functions and data, and
// expects the render to fail naming the template and the character, with
// nothing of it written.
func TestTemplateOutputWithForbiddenCharacters(t *testing.T) {
	ws, _ := example(t)
	tests := []struct{ tmpl, name string }{
		{`{{printf "%c" 27}}[2J`, "U+001B ESCAPE"},
		{`{{printf "%c]8;;https://evil.example%c" 27 7}}`, "U+001B ESCAPE"},
		{`{{printf "%c" 7}}`, "U+0007 BELL"},
		{`{{"\u202e"}}txt.exe`, "U+202E RIGHT-TO-LEFT OVERRIDE"},
		{`{{"\x1b"}}`, "U+001B ESCAPE"},
		{`{{"\xff"}}`, "the invalid UTF-8 byte 0xff"},
		{`{{printf "%s" "\xc2"}}`, "the invalid UTF-8 byte 0xc2"},
		{`{{"\u009b"}}31m`, "U+009B CONTROL SEQUENCE INTRODUCER"},
		{`a{{"\u200d"}}b`, "U+200D ZERO WIDTH JOINER"},
		{`{{"\ufeff"}}`, "U+FEFF"},
		{`{{.Title}}{{"\U000E0020"}}`, "U+E0020"},
	}
	for _, tt := range tests {
		t.Run(tt.tmpl, func(t *testing.T) {
			set, err := templates.Load(fstest.MapFS{"templates/notes.md.tmpl": {Data: []byte("# Notes\n" + tt.tmpl + "\n")}})
			if err != nil {
				t.Fatal(err)
			}
			n, err := templates.NewNotes(ws, mustVersion(t, "4.3.0"), "test")
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []templates.Format{templates.Markdown, templates.HTML} {
				var out bytes.Buffer
				err := set.RenderNotes(&out, n, f)
				if err == nil || !strings.Contains(err.Error(), "render notes.md.tmpl: the template wrote "+tt.name) {
					t.Fatalf("%v: error %v, want one naming %s", f, err, tt.name)
				}
				if !errors.Is(err, templates.ErrUnsafeText) {
					t.Errorf("error %v does not wrap ErrUnsafeText", err)
				}
				if bytes.ContainsAny(out.Bytes(), "\x1b\x07\u202e\u009b\ufeff") || bytes.Contains(out.Bytes(), []byte("\xff")) {
					t.Fatalf("%v: wrote %q", f, out.Bytes())
				}
			}
		})
	}
}

// TestTemplateOutputFromData renders the built-in notes of a release whose
// codename holds an escape sequence the loader never saw (data made in code):
// the output check refuses it whatever the data's origin.
func TestTemplateOutputFromData(t *testing.T) {
	ws, set := example(t)
	n, err := templates.NewNotes(ws, mustVersion(t, "4.3.0"), "test")
	if err != nil {
		t.Fatal(err)
	}
	n.Codename = "Atlas \x1b]0;pwned\x07"
	var out bytes.Buffer
	if err := set.RenderNotes(&out, n, templates.Markdown); err == nil || !strings.Contains(err.Error(), "U+001B ESCAPE") {
		t.Fatalf("error %v, output %q", err, out.Bytes())
	}
}

// TestTemplateOutputKeepsRealText renders text that needs tabs, line breaks,
// carriage returns, joiners and presentation selectors.
func TestTemplateOutputKeepsRealText(t *testing.T) {
	ws, _ := example(t)
	const text = "# Notes\r\n\tindented\n👩\u200d💻 ❤\ufe0f\u200d🔥 1\ufe0f\u20e3 می\u200cخواهم café 中文 \u00a0\n"
	set, err := templates.Load(fstest.MapFS{"templates/notes.md.tmpl": {Data: []byte(text + `{{"\t"}}{{printf "%c" 10}}`)}})
	if err != nil {
		t.Fatal(err)
	}
	n, _ := templates.NewNotes(ws, mustVersion(t, "4.3.0"), "test")
	var out bytes.Buffer
	if err := set.RenderNotes(&out, n, templates.Markdown); err != nil {
		t.Fatal(err)
	}
	if out.String() != text+"\t\n" {
		t.Fatalf("wrote %q", out.String())
	}
}

// TestTemplateFileNamesAreEscaped checks that a file name that would spoof the
// terminal is shown escaped.
func TestTemplateFileNamesAreEscaped(t *testing.T) {
	for _, name := range []string{"notes\u202egpj.md.tmpl", "notes\x1b[2J.md.tmpl", "notes\n.md.tmpl", "notes\xff.tmpl"} {
		_, err := templates.Load(fstest.MapFS{"templates/" + name: {Data: []byte("x")}})
		if err == nil || !strings.Contains(err.Error(), `"templates/notes`) {
			t.Errorf("%q: error %v, want the name quoted", name, err)
			continue
		}
		if strings.ContainsAny(err.Error(), "\u202e\x1b\n") || strings.Contains(err.Error(), "\xff") {
			t.Errorf("%q: the error carries the name raw: %q", name, err)
		}
	}
}
