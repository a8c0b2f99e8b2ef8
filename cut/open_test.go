package cut_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/bundle"
	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/signing"
	"github.com/atlas-release/atlas-release/templates"
)

// TestOpenGivesEachLocalesDocuments cuts the example and reads it back: every
// locale's notes and guide, with the metadata naming their locale, the HTML
// the article body a help center gets, and a document changed after the cut
// refused.
func TestOpenGivesEachLocalesDocuments(t *testing.T) {
	ws := t.TempDir()
	copyExample(t, ws, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))
	opts := options(t, ws, filepath.Join(ws, "dist"))
	meta, dir, err := cut.Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range meta.Files {
		if (a.Kind == cut.KindNotes || a.Kind == cut.KindGuide) && a.Locale == "" {
			t.Errorf("metadata.json gives %s no locale", a.Name)
		}
	}
	c, err := cut.Open(dir, opts.Workspace, opts.Version)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Locales(); !slices.Equal(got, []string{"en-us", "de"}) {
		t.Errorf("locales %v, want [en-us de]", got)
	}
	de, ok, err := c.Document(cut.KindGuide, "de")
	if err != nil || !ok {
		t.Fatalf("the German guide: %v %v", ok, err)
	}
	file, err := os.ReadFile(filepath.Join(dir, "upgrade-guide.de.html"))
	if err != nil {
		t.Fatal(err)
	}
	if string(de.HTML) != string(file) || de.Title == "" || !strings.Contains(string(de.HTML), meta.PublicKey) {
		t.Errorf("the German guide: title %q, %d bytes of HTML (the file has %d), key in it: %v", de.Title, len(de.HTML), len(file),
			strings.Contains(string(de.HTML), meta.PublicKey))
	}
	// The cut's HTML is the article a help center publishes, byte for byte.
	docs, err := cut.Documents(opts.Workspace, opts.Templates, opts.Version, templates.Signing{PublicKey: meta.PublicKey, KeyID: meta.KeyID}, opts.Generator)
	if err != nil {
		t.Fatal(err)
	}
	set, err := templates.Load(opts.Workspace.FS)
	if err != nil {
		t.Fatal(err)
	}
	notes, err := templates.NewNotes(opts.Workspace, opts.Version, opts.Generator)
	if err != nil {
		t.Fatal(err)
	}
	notes.GuideFile = cut.DocumentFile(cut.KindGuide, "en-us", "en-us", "html") // as the cut renders them
	article, err := set.NotesArticle(notes)
	if err != nil {
		t.Fatal(err)
	}
	en, _, _ := c.Document(cut.KindNotes, "en-us")
	if string(en.HTML) != article.Body || en.Title != article.Title || string(docs[0].HTML) != article.Body {
		t.Error("the cut's release-notes.html is not the article body")
	}
	if _, ok, err := c.Document(cut.KindNotes, "fr"); ok || err != nil {
		t.Errorf("a locale the cut lacks: %v %v", ok, err)
	}
	// A document changed after the cut was opened is not published.
	if err := os.WriteFile(filepath.Join(dir, "release-notes.de.html"), []byte("<p>changed</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Document(cut.KindNotes, "de"); !errors.Is(err, signing.ErrVerification) {
		t.Errorf("a changed document: %v", err)
	}
	if _, err := cut.Open(dir, opts.Workspace, opts.Version); !errors.Is(err, bundle.ErrInvalid) {
		t.Errorf("opening a cut with a changed document: %v", err)
	}
	if _, err := cut.Open(filepath.Join(t.TempDir(), "4.3.0"), opts.Workspace, opts.Version); !errors.Is(err, cut.ErrNoCut) {
		t.Errorf("no cut: %v", err)
	}
}
