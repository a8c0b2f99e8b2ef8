package templates

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestBuiltInTemplatesParse: the built-in templates are parsed when first
// used, so a broken one would only fail the command that renders it; every one
// must parse, in the default set and in a locale's.
func TestBuiltInTemplatesParse(t *testing.T) {
	s, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.templates) != len(Names()) {
		t.Fatalf("the set holds %d templates, the built-ins are %d", len(s.templates), len(Names()))
	}
	for _, name := range Names() {
		if _, err := s.templates[name](); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestWorkspaceTemplateErrorsAtLoad: a workspace's own template is parsed
// when the set is loaded, so that its error is reported before anything is
// rendered, naming the file.
func TestWorkspaceTemplateErrorsAtLoad(t *testing.T) {
	ws := fstest.MapFS{OverrideDir + "/notes.md.tmpl": {Data: []byte("{{ .Version ")}}
	_, err := Load(ws)
	if err == nil {
		t.Fatal("a broken workspace template loaded")
	}
	if want := OverrideDir + "/notes.md.tmpl"; !strings.Contains(err.Error(), want) {
		t.Errorf("the error %q does not name %s", err, want)
	}
}
