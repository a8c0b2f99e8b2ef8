package publish_test

import (
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

// TestStaleTranslationsAreNamed: once the English text of a release changes,
// publish still finds the German articles' text unchanged, and says which of
// their items are out of date rather than leaving them "unchanged" alone.
func TestStaleTranslationsAreNamed(t *testing.T) {
	for _, tt := range []struct {
		name       string
		from, to   string
		notes      string // the stale item the German notes name
		guideStale bool   // the German guide shows the changed text too
	}{
		{name: "the summary", from: "files Teams meeting notes into the\n  right hub", to: "files Teams meeting notes and whiteboards into the\n  right hub",
			notes: "the summary (releases/4.3.0.yaml:"},
		{name: "the content-freeze reason", from: "reason: >-\n    ", to: "reason: >-\n    Really: ",
			notes: "the content-freeze reason (releases/4.3.0.yaml:", guideStale: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, zendesktest.Config{})
			first := e.mustPublish("4.3.0")
			for _, a := range first.Articles {
				for _, tr := range a.Translations {
					if len(tr.Stale) > 0 {
						t.Fatalf("%s %s is stale before any change: %v", a.Kind, tr.Locale, tr.Stale)
					}
				}
			}
			f := e.fsys["releases/4.3.0.yaml"]
			changed := strings.Replace(string(f.Data), tt.from, tt.to, 1)
			if changed == string(f.Data) {
				t.Fatalf("the example's 4.3.0 has no %q", tt.from)
			}
			f.Data = []byte(changed)
			res := e.mustPublish("4.3.0")
			for _, a := range res.Articles {
				for _, tr := range a.Translations {
					want := tr.Locale == "de" && (a.Kind == "release-notes" || tt.guideStale)
					got := strings.Join(tr.Stale, "; ")
					switch {
					case want && !strings.Contains(got, tt.notes):
						t.Errorf("%s %s: stale %q, want %q", a.Kind, tr.Locale, got, tt.notes)
					case !want && got != "":
						t.Errorf("%s %s: stale %q, want none", a.Kind, tr.Locale, got)
					}
				}
			}
		})
	}
}
