package templates_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

const testKey = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"

func TestArticles(t *testing.T) {
	ws, set := example(t)
	v := mustVersion(t, "4.3.0")
	notes, err := templates.NewNotes(ws, v, "test")
	if err != nil {
		t.Fatal(err)
	}
	a, err := set.NotesArticle(notes)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Atlas 4.3.0 release notes" || strings.Contains(a.Body, "<h1") || !strings.Contains(a.Body, "<h2") {
		t.Errorf("notes article: title %q, body starts %.80q", a.Title, a.Body)
	}
	// The first release has no upgrade into it: the guide says so instead of
	// failing on an empty table, and sends new deployments to the install
	// bundle, with the instructions to check it.
	first := mustVersion(t, "4.0.0")
	guide, err := templates.NewGuide(ws, first, nil, templates.Signing{PublicKey: testKey, KeyID: "0123456789ABCDEF"}, "test", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	g, err := set.GuideArticle(guide)
	if err != nil {
		t.Fatal(err)
	}
	if g.Title != "Deploying Atlas 4.0.0" || !strings.Contains(g.Body, "no earlier self-service version") ||
		!strings.Contains(g.Body, "<strong>New deployments:</strong> take <code>atlas-4.0.0-install.tar.gz</code>") ||
		!strings.Contains(g.Body, "minisign -H -Vm atlas-4.0.0-install.tar.gz") {
		t.Errorf("guide of the first release: %s", g.Body)
	}
}

func TestArticleNeedsATitle(t *testing.T) {
	ws, _ := example(t)
	fsys := fstest.MapFS{"templates/notes.md.tmpl": {Data: []byte("No heading here.\n")}}
	set, err := templates.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	notes, err := templates.NewNotes(ws, mustVersion(t, "4.3.0"), "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := set.NotesArticle(notes); err == nil || !strings.Contains(err.Error(), "# Title") {
		t.Errorf("a template without a title: %v", err)
	}
}

func TestLocaleTemplates(t *testing.T) {
	ws, _ := example(t)
	tr := ws.Translation("de")
	if tr == nil {
		t.Fatal("the example has no de translation")
	}
	set, err := templates.LoadLocale(ws.FS, tr)
	if err != nil {
		t.Fatal(err)
	}
	de, err := ws.Localized("de")
	if err != nil {
		t.Fatal(err)
	}
	notes, err := templates.NewNotes(de, mustVersion(t, "4.3.0"), "test")
	if err != nil {
		t.Fatal(err)
	}
	a, err := set.NotesArticle(notes)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"15. Mai 2023", "Vorlagengalerie", "Globaler Administrator", "Bekannte Probleme"} {
		if !strings.Contains(a.Body, want) {
			t.Errorf("German notes lack %q:\n%s", want, a.Body)
		}
	}
	if a.Title != "Atlas 4.3.0: Versionshinweise" {
		t.Errorf("title %q", a.Title)
	}
	// The default locale's text is left alone.
	en, _ := templates.NewNotes(ws, mustVersion(t, "4.3.0"), "test")
	if strings.Contains(en.Summary, "Vorlagengalerie") || ws.Config.Roles[0].Name != "Global Administrator" {
		t.Error("localizing changed the workspace")
	}
	if _, err := templates.LoadLocale(ws.FS, &releases.Translation{Locale: "fr"}); err == nil {
		t.Error("a locale without language settings loaded")
	}
}
