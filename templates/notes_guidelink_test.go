package templates_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/internal/golden"
	"github.com/atlas-release/atlas-release/templates"
)

// TestNotesInCutGolden renders the 4.3.0 notes as a cut writes them, in every
// locale with its own templates: they end their upgrade part with a link to
// the same release's upgrade guide beside them, in their locale.
func TestNotesInCutGolden(t *testing.T) {
	ws, set := example(t)
	v := mustVersion(t, "4.3.0")
	docs, err := cut.Documents(ws, set, v, templates.Signing{Snapshot: true}, "atlas-release test")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, d := range docs {
		if d.Kind != cut.KindNotes {
			continue
		}
		seen++
		guide := cut.DocumentFile(cut.KindGuide, d.Locale, ws.Config.DefaultLocale(), "html")
		for ext, b := range map[string][]byte{"md": d.Markdown, "html": d.HTML} {
			name := cut.DocumentFile(d.Kind, d.Locale, ws.Config.DefaultLocale(), ext)
			golden.Check(t, filepath.Join("testdata", "golden", fmt.Sprintf("notes-%s-cut-%s", v, name)), b)
			link := map[string]string{"md": "](" + guide + ")", "html": `href="` + guide + `"`}[ext]
			if n := bytes.Count(b, []byte(link)); n != 1 {
				t.Errorf("%s has %d links %s to its guide, want 1", name, n, link)
			}
		}
	}
	if seen != 2 {
		t.Errorf("%d notes, want 2 (en-us, de)", seen)
	}
}
