package releases

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// LocalesDir holds the translations of a workspace, one folder per locale:
//
//	locales/<locale>/language.yaml              names of roles and features, month names, date format
//	locales/<locale>/templates/<template>       the documents' wording (notes.md.tmpl, upgrade-guide.md.tmpl)
//	locales/<locale>/releases/<version>.yaml    the customer-facing text of one release
//
// The first locale of atlas-release.yaml is the default: the manifests are
// written in it. Every other listed locale needs a language file and its own
// templates; a release is published in a locale when it has a translation there,
// and that translation must cover every customer-facing text of the release.
// Numbers, dates and durations are never translated: they come from the
// manifests, so they cannot drift.
const LocalesDir = "locales"

// LanguageFile is the name of a locale's language settings.
const LanguageFile = "language.yaml"

// DefaultLocale is the locale of a workspace that lists none.
const DefaultLocale = "en-us"

// DefaultLocale is the locale the manifests are written in: the first listed.
func (c *Config) DefaultLocale() string {
	if len(c.Locales) == 0 {
		return DefaultLocale
	}
	return c.Locales[0]
}

// Language is locales/<locale>/language.yaml: what a locale's documents need
// besides the release text.
type Language struct {
	Loc `json:"-"`
	// SchemaVersion is the version of this file's format. This build reads 1.
	SchemaVersion int `json:"schemaVersion" jsonschema:"required,minimum=1"`
	// Locale is the locale of the folder, e.g. "de".
	Locale string `json:"locale" jsonschema:"required,pattern=^[a-z][a-z][a-z]?(-[a-z0-9]+)*$"`
	// Months are the names of the months, January first.
	Months []string `json:"months" jsonschema:"required,minItems=12,maxItems=12"`
	// DateFormat writes a date with {day}, {month} and {year}, e.g.
	// "{day}. {month} {year}".
	DateFormat string `json:"dateFormat" jsonschema:"required,minLength=1"`
	// Roles translate the names of every role of the catalogue.
	Roles []NameText `json:"roles,omitempty"`
	// Features translate the names of every feature of the catalogue.
	Features []NameText `json:"features,omitempty"`
	// Words are the counted words of the locale's templates in every plural
	// form the language needs ({{plural .GlobalAdminBlocks "block"}}).
	Words []Word `json:"words,omitempty"`
}

// NameText is the translated name of a catalogue entry.
type NameText struct {
	Loc `json:"-"`
	// ID is the entry's id in atlas-release.yaml.
	ID string `json:"id" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// Name is the translated name.
	Name string `json:"name" jsonschema:"required,minLength=1"`
	// Description is the translated description, for entries that have one.
	Description string `json:"description,omitempty"`
}

// ReleaseTranslation is locales/<locale>/releases/<version>.yaml: the
// customer-facing text of one release in one locale, item by item with the ids of
// the manifest.
type ReleaseTranslation struct {
	Loc `json:"-"`
	// SchemaVersion is the version of this file's format. This build reads 1.
	SchemaVersion int `json:"schemaVersion" jsonschema:"required,minimum=1"`
	// Version is the version of the release translated.
	Version string `json:"version" jsonschema:"required"`
	// Fingerprint is the fingerprint of the summary and codename this translates, as
	// atlas-release translations confirm wrote it: validate warns (AR1408)
	// when the source text has changed since.
	Fingerprint string `json:"fingerprint,omitempty" jsonschema:"pattern=^[0-9a-f]{12}$"`
	// Codename replaces the release's codename; omit it to keep the original.
	Codename string `json:"codename,omitempty"`
	// Summary is the translated summary (Markdown).
	Summary string `json:"summary" jsonschema:"required,minLength=1"`
	// ContentFreeze translates the reason of the content-freeze decision.
	ContentFreeze *ReasonText `json:"contentFreeze,omitempty"`
	// Features translate every customer-facing feature.
	Features []FeatureText `json:"features,omitempty"`
	// Outages translate every outage's message to users.
	Outages []OutageText `json:"outages,omitempty"`
	// Prerequisites translate every prerequisite.
	Prerequisites []PrerequisiteText `json:"prerequisites,omitempty"`
	// KnownIssues translate every known issue.
	KnownIssues []KnownIssueText `json:"knownIssues,omitempty"`

	file    string
	version *semver.Version
}

// ReasonText is a translated reason.
type ReasonText struct {
	Loc `json:"-"`
	// Reason is the translated reason.
	Reason string `json:"reason" jsonschema:"required,minLength=1"`
	// Fingerprint is the fingerprint of the source text this translates, as
	// atlas-release translations confirm wrote it: validate warns (AR1408)
	// when the source text has changed since.
	Fingerprint string `json:"fingerprint,omitempty" jsonschema:"pattern=^[0-9a-f]{12}$"`
}

// FeatureText translates a feature.
type FeatureText struct {
	Loc `json:"-"`
	// ID is the feature's id in the manifest.
	ID string `json:"id" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// Title is the translated title.
	Title string `json:"title" jsonschema:"required,minLength=1"`
	// Area is the translated area, required when the feature has one.
	Area string `json:"area,omitempty"`
	// Summary is the translated summary (Markdown).
	Summary string `json:"summary" jsonschema:"required,minLength=1"`
	// Links translate the titles of the feature's links, in the same order.
	Links []LinkText `json:"links,omitempty"`
	// Fingerprint is the fingerprint of the source text this translates, as
	// atlas-release translations confirm wrote it: validate warns (AR1408)
	// when the source text has changed since.
	Fingerprint string `json:"fingerprint,omitempty" jsonschema:"pattern=^[0-9a-f]{12}$"`
}

// LinkText is a link's translated title; the URL stays the manifest's.
type LinkText struct {
	Loc `json:"-"`
	// Title is the translated title.
	Title string `json:"title" jsonschema:"required,minLength=1"`
}

// OutageText translates an outage.
type OutageText struct {
	Loc `json:"-"`
	// ID is the outage's id in the manifest.
	ID string `json:"id" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// UserMessage is the translated message to users.
	UserMessage string `json:"userMessage" jsonschema:"required,minLength=1"`
	// Fingerprint is the fingerprint of the source text this translates, as
	// atlas-release translations confirm wrote it: validate warns (AR1408)
	// when the source text has changed since.
	Fingerprint string `json:"fingerprint,omitempty" jsonschema:"pattern=^[0-9a-f]{12}$"`
}

// PrerequisiteText translates a prerequisite.
type PrerequisiteText struct {
	Loc `json:"-"`
	// ID is the prerequisite's id in the manifest.
	ID string `json:"id" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// Title is the translated title.
	Title string `json:"title" jsonschema:"required,minLength=1"`
	// Details are the translated details (Markdown).
	Details string `json:"details" jsonschema:"required,minLength=1"`
	// Verify is the translated check (Markdown).
	Verify string `json:"verify" jsonschema:"required,minLength=1"`
	// Fingerprint is the fingerprint of the source text this translates, as
	// atlas-release translations confirm wrote it: validate warns (AR1408)
	// when the source text has changed since.
	Fingerprint string `json:"fingerprint,omitempty" jsonschema:"pattern=^[0-9a-f]{12}$"`
}

// KnownIssueText translates a known issue.
type KnownIssueText struct {
	Loc `json:"-"`
	// ID is the known issue's id in the manifest.
	ID string `json:"id" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// Title is the translated title.
	Title string `json:"title" jsonschema:"required,minLength=1"`
	// Details are the translated details (Markdown).
	Details string `json:"details" jsonschema:"required,minLength=1"`
	// Workaround is the translated workaround, required when the issue has one.
	Workaround string `json:"workaround,omitempty"`
	// Fingerprint is the fingerprint of the source text this translates, as
	// atlas-release translations confirm wrote it: validate warns (AR1408)
	// when the source text has changed since.
	Fingerprint string `json:"fingerprint,omitempty" jsonschema:"pattern=^[0-9a-f]{12}$"`
}

// File is the translation's path relative to the workspace.
func (t *ReleaseTranslation) File() string { return t.file }

// SemVer is the version translated.
func (t *ReleaseTranslation) SemVer() *semver.Version { return t.version }

// Translation is one folder of locales/.
type Translation struct {
	// Locale is the folder's name.
	Locale string
	// Language is the language file, nil when it is missing or did not load.
	Language *Language
	// Releases are the release translations that loaded, in version order.
	Releases []*ReleaseTranslation
	// Templates lists the template files of the folder's templates/, sorted.
	Templates []string
	// HasLanguageFile reports whether language.yaml exists (it may not load).
	HasLanguageFile bool
}

// Dir is the translation's folder, relative to the workspace.
func (t *Translation) Dir() string { return path.Join(LocalesDir, t.Locale) }

// TemplatesDir is the folder of the locale's templates.
func (t *Translation) TemplatesDir() string { return path.Join(t.Dir(), "templates") }

// Release returns the translation of version v, or nil.
func (t *Translation) Release(v *semver.Version) *ReleaseTranslation {
	for _, r := range t.Releases {
		if r.version.Equal(v) {
			return r
		}
	}
	return nil
}

// Translation returns the translation folder of a locale, or nil.
func (ws *Workspace) Translation(locale string) *Translation {
	for _, t := range ws.Translations {
		if t.Locale == locale {
			return t
		}
	}
	return nil
}

// loadTranslations reads every folder of locales/. An entry that is neither a
// folder nor a regular file (a link to a folder elsewhere, a named pipe) is
// reported, not skipped: it may be meant as a locale.
func loadTranslations(fsys fs.FS, diags *Diagnostics) ([]*Translation, error) {
	entries, err := readDir(fsys, LocalesDir, diags)
	if err != nil {
		return nil, err
	}
	var out []*Translation
	for _, e := range entries {
		switch {
		case strings.HasPrefix(e.Name(), "."), e.Type().IsRegular():
			continue
		case !e.IsDir():
			reportNotRegular(notRegular(path.Join(LocalesDir, e.Name()), e.Type()), diags)
			continue
		}
		t := &Translation{Locale: e.Name()}
		if err := t.load(fsys, diags); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func (t *Translation) load(fsys fs.FS, diags *Diagnostics) error {
	langFile := path.Join(t.Dir(), LanguageFile)
	// A language file that is not a regular file is there, and reported when read.
	if _, err := fs.Lstat(fsys, langFile); !errors.Is(err, fs.ErrNotExist) {
		t.HasLanguageFile = true
		src, ok, err := readFile(fsys, langFile, diags)
		if err != nil {
			return err
		}
		var lang Language
		if ok && decodeFile(langFile, src, &lang, diags) && checkSchemaVersion(langFile, lang.SchemaVersion, lang.Loc, diags) {
			t.Language = &lang
		}
	}
	// A templates/ that cannot be listed is taken as missing: AR1401 says so.
	entries, _ := readDir(fsys, t.TemplatesDir(), diags)
	for _, e := range entries {
		switch {
		case strings.HasPrefix(e.Name(), "."), e.IsDir():
		case e.Type().IsRegular():
			t.Templates = append(t.Templates, e.Name())
		default:
			reportNotRegular(notRegular(path.Join(t.TemplatesDir(), e.Name()), e.Type()), diags)
		}
	}
	dir := path.Join(t.Dir(), ReleasesDir)
	entries, err := readDir(fsys, dir, diags)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		file := path.Join(dir, e.Name())
		src, ok, err := readFile(fsys, file, diags)
		if err != nil {
			return err
		}
		rt := &ReleaseTranslation{file: file}
		if !ok || !decodeFile(file, src, rt, diags) || !checkSchemaVersion(file, rt.SchemaVersion, rt.Loc, diags) {
			continue
		}
		r := reporter{file, diags}
		v, err := ParseVersion(rt.Version)
		if err != nil {
			r.report(rt.PosOf("version"), "AR1403", "%v", err)
			continue
		}
		if base := strings.TrimSuffix(e.Name(), ".yaml"); base != v.String() {
			r.report(rt.PosOf("version"), "AR1403", "version %s does not match the file name %s; rename the file to %s.yaml", v, e.Name(), v)
			continue
		}
		rt.version, rt.Version = v, v.String()
		t.Releases = append(t.Releases, rt)
	}
	slices.SortFunc(t.Releases, func(a, b *ReleaseTranslation) int { return a.version.Compare(b.version) })
	return nil
}

// Localized returns the workspace as written in locale: the catalogue's names
// and the text of every translated release replaced by their translations.
// Releases without a translation keep the default locale's text; use
// Translation(locale).Release(v) to know which are translated. The workspace must
// have validated: Localized trusts that translations are complete.
func (ws *Workspace) Localized(locale string) (*Workspace, error) {
	if locale == ws.Config.DefaultLocale() {
		return ws, nil
	}
	t := ws.Translation(locale)
	if t == nil || t.Language == nil {
		return nil, fmt.Errorf("locale %s has no %s", locale, path.Join(LocalesDir, locale, LanguageFile))
	}
	out := *ws
	cfg := *ws.Config
	cfg.Roles = slices.Clone(cfg.Roles)
	for i := range cfg.Roles {
		if n := findName(t.Language.Roles, cfg.Roles[i].ID); n != nil {
			cfg.Roles[i].Name = n.Name
		}
	}
	cfg.Features = slices.Clone(cfg.Features)
	for i := range cfg.Features {
		if n := findName(t.Language.Features, cfg.Features[i].ID); n != nil {
			cfg.Features[i].Name = n.Name
			if n.Description != "" {
				cfg.Features[i].Description = n.Description
			}
		}
	}
	out.Config = &cfg
	out.Manifests = make([]*Manifest, len(ws.Manifests))
	for i, m := range ws.Manifests {
		out.Manifests[i] = m
		if rt := t.Release(m.version); rt != nil {
			out.Manifests[i] = m.translated(rt)
		}
	}
	return &out, nil
}

func findName(names []NameText, id string) *NameText {
	for i := range names {
		if names[i].ID == id {
			return &names[i]
		}
	}
	return nil
}

// translated returns a copy of the manifest with the translation's text.
func (m *Manifest) translated(rt *ReleaseTranslation) *Manifest {
	c := *m
	if rt.Codename != "" {
		c.Codename = rt.Codename
	}
	c.Summary = rt.Summary
	if m.ContentFreeze != nil && rt.ContentFreeze != nil {
		cf := *m.ContentFreeze
		cf.Reason = rt.ContentFreeze.Reason
		c.ContentFreeze = &cf
	}
	c.Features = slices.Clone(m.Features)
	for i := range c.Features {
		f := &c.Features[i]
		i := slices.IndexFunc(rt.Features, func(ft FeatureText) bool { return ft.ID == f.ID })
		if i < 0 {
			continue
		}
		ft := rt.Features[i]
		f.Title, f.Summary = ft.Title, ft.Summary
		if ft.Area != "" {
			f.Area = ft.Area
		}
		f.Links = slices.Clone(f.Links)
		for j := range f.Links {
			if j < len(ft.Links) {
				f.Links[j].Title = ft.Links[j].Title
			}
		}
	}
	c.Outages = slices.Clone(m.Outages)
	for i := range c.Outages {
		if j := slices.IndexFunc(rt.Outages, func(ot OutageText) bool { return ot.ID == c.Outages[i].ID }); j >= 0 {
			c.Outages[i].UserMessage = rt.Outages[j].UserMessage
		}
	}
	c.Prerequisites = slices.Clone(m.Prerequisites)
	for i := range c.Prerequisites {
		p := &c.Prerequisites[i]
		if j := slices.IndexFunc(rt.Prerequisites, func(pt PrerequisiteText) bool { return pt.ID == p.ID }); j >= 0 {
			pt := rt.Prerequisites[j]
			p.Title, p.Details, p.Verify = pt.Title, pt.Details, pt.Verify
		}
	}
	c.KnownIssues = slices.Clone(m.KnownIssues)
	for i := range c.KnownIssues {
		k := &c.KnownIssues[i]
		if j := slices.IndexFunc(rt.KnownIssues, func(kt KnownIssueText) bool { return kt.ID == k.ID }); j >= 0 {
			kt := rt.KnownIssues[j]
			k.Title, k.Details = kt.Title, kt.Details
			if kt.Workaround != "" {
				k.Workaround = kt.Workaround
			}
		}
	}
	return &c
}
