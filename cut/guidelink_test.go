package cut_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/cut"
)

// TestNotesLinkToTheGuideBeside: in the cut, the notes of every locale, in
// Markdown and HTML, link to the same release's upgrade guide in their locale,
// by a file name that is in the same folder: the link works in dist/ and in a
// verified bundle folder as it is.
func TestNotesLinkToTheGuideBeside(t *testing.T) {
	ws := t.TempDir()
	copyExample(t, ws, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))
	_, dir, err := cut.Run(t.Context(), options(t, ws, filepath.Join(ws, "dist")))
	if err != nil {
		t.Fatal(err)
	}
	links := map[string]*regexp.Regexp{
		"md":   regexp.MustCompile(`\]\((upgrade-guide[^)]*)\)`),
		"html": regexp.MustCompile(`href="(upgrade-guide[^"]*)"`),
	}
	for _, tc := range []struct{ locale, guide string }{{"en-us", "upgrade-guide.html"}, {"de", "upgrade-guide.de.html"}} {
		for _, ext := range []string{"md", "html"} {
			notes := cut.DocumentFile(cut.KindNotes, tc.locale, "en-us", ext)
			b, err := os.ReadFile(filepath.Join(dir, notes))
			if err != nil {
				t.Fatal(err)
			}
			got := links[ext].FindAllStringSubmatch(string(b), -1)
			if len(got) != 1 || got[0][1] != tc.guide {
				t.Errorf("%s links to %v, want the guide %s once", notes, got, tc.guide)
				continue
			}
			if _, err := os.Stat(filepath.Join(dir, got[0][1])); err != nil {
				t.Errorf("%s links to %s, which is not beside it: %v", notes, got[0][1], err)
			}
		}
	}
}
