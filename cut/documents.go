package cut

import (
	"bytes"
	"fmt"
	"io"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// Document is the release notes or the upgrade guide of a release in one
// locale: its Markdown form, and the HTML fragment that is both the cut's .html
// file and, byte for byte, the body of the help center article.
type Document struct {
	// Kind is KindNotes or KindGuide.
	Kind   string
	Locale string
	// Title is the Markdown form's "# Title" heading, the article's title; empty
	// when a workspace template has none (such a document cannot be published as
	// an article).
	Title    string
	Markdown []byte
	HTML     []byte
}

// DocumentKinds lists the documents of every release, in order.
var DocumentKinds = []string{KindNotes, KindGuide}

// DocumentFile is the name of a form ("md" or "html") of a document in the
// cut: release-notes.md in the workspace's default locale, release-notes.de.md
// in another. The names are flat because a GitHub release asset's name cannot
// hold a "/", and every file of the cut is uploaded under its own name.
func DocumentFile(kind, locale, defaultLocale, ext string) string {
	if locale == defaultLocale {
		return kind + "." + ext
	}
	return kind + "." + locale + "." + ext
}

// Documents renders the release notes and the upgrade guide of v in the
// workspace's default locale, then in every other locale of the workspace
// (in its order) that translates v, each with that locale's templates: what a
// cut writes, and what publish compares a cut with. s says how the downloads
// are signed; the guide links to them on GitHub when the workspace publishes
// there and s is not a snapshot.
func Documents(ws *releases.Workspace, set *templates.Set, v *semver.Version, s templates.Signing, generator string) ([]Document, error) {
	if _, err := ws.Release(v); err != nil {
		return nil, err
	}
	def := ws.Config.DefaultLocale()
	locales := []string{def}
	sets := map[string]*templates.Set{def: set}
	for _, l := range ws.Config.Locales {
		if l == def {
			continue
		}
		t := ws.Translation(l)
		if t == nil || t.Release(v) == nil {
			continue // nothing to render in this locale
		}
		ls, err := templates.LoadLocale(ws.FS, t)
		if err != nil {
			return nil, err
		}
		locales, sets[l] = append(locales, l), ls
	}
	var out []Document
	for _, l := range locales {
		docs, err := render(ws, sets[l], l, v, s, generator)
		if err != nil {
			return nil, fmt.Errorf("%s in %s: %w", v, l, err)
		}
		out = append(out, docs...)
	}
	return out, nil
}

// render renders the two documents of v in one locale; the notes link to the
// guide by its file name (publish points the link at the guide's article).
func render(ws *releases.Workspace, set *templates.Set, locale string, v *semver.Version, s templates.Signing, generator string) ([]Document, error) {
	lws, err := ws.Localized(locale)
	if err != nil {
		return nil, err
	}
	notes, err := templates.NewNotes(lws, v, generator)
	if err != nil {
		return nil, err
	}
	// The notes link to the guide beside them, in their locale.
	notes.GuideFile = DocumentFile(KindGuide, locale, ws.Config.DefaultLocale(), "html")
	paths, err := lws.BundlePaths(v)
	if err != nil {
		return nil, err
	}
	guide, err := templates.NewGuide(lws, v, paths, s, generator, downloadURL(lws.Config.GitHub, v, s.Snapshot))
	if err != nil {
		return nil, err
	}
	var out []Document
	for _, d := range []struct {
		kind   string
		render func(io.Writer, templates.Format) error
	}{
		{KindNotes, func(w io.Writer, f templates.Format) error { return set.RenderNotes(w, notes, f) }},
		{KindGuide, func(w io.Writer, f templates.Format) error { return set.RenderGuide(w, guide, f) }},
	} {
		var md, html bytes.Buffer
		if err := d.render(&md, templates.Markdown); err != nil {
			return nil, err
		}
		if err := d.render(&html, templates.HTML); err != nil {
			return nil, err
		}
		title, _, _ := templates.SplitTitle(md.Bytes())
		out = append(out, Document{Kind: d.kind, Locale: locale, Title: title, Markdown: md.Bytes(), HTML: html.Bytes()})
	}
	return out, nil
}

// downloadURL returns where a file of release v is downloaded from when the
// workspace publishes to GitHub: the release's asset URL; "" for a snapshot,
// which is never published.
func downloadURL(gh *releases.GitHubSettings, v *semver.Version, snapshot bool) func(file string) string {
	if gh == nil || snapshot {
		return func(string) string { return "" }
	}
	return func(file string) string { return gh.DownloadURL(v.String(), file) }
}
