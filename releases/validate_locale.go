package releases

import (
	"path"
	"slices"
	"strconv"
	"strings"
)

// LocaleTemplates are the templates every locale but the default must provide:
// the wording of the two documents published in each locale.
var LocaleTemplates = []string{"notes.md.tmpl", "upgrade-guide.md.tmpl"}

// translations checks locales/: every listed locale is set up, and every
// translation covers exactly the customer-facing text of its release.
func (v *validator) translations() {
	def := v.cfg.DefaultLocale()
	for i, l := range v.cfg.Locales {
		if l == def {
			continue
		}
		p := v.cfg.PosOf("locales." + strconv.Itoa(i))
		r := v.at(ConfigFile)
		t := v.ws.Translation(l)
		if t == nil {
			r.report(p, "AR1401", "locale %s has no folder %s/%s/", l, LocalesDir, l)
			continue
		}
		if !t.HasLanguageFile {
			r.report(p, "AR1401", "locale %s has no %s", l, path.Join(t.Dir(), LanguageFile))
		}
		for _, name := range LocaleTemplates {
			if !slices.Contains(t.Templates, name) {
				r.report(p, "AR1401", "locale %s has no %s: its documents would be worded in %s", l, path.Join(t.TemplatesDir(), name), def)
			}
		}
	}
	for _, t := range v.ws.Translations {
		if t.Locale == def || !slices.Contains(v.cfg.Locales, t.Locale) {
			file := path.Join(t.Dir(), LanguageFile)
			switch {
			case len(t.Releases) > 0:
				file = t.Releases[0].file
			case !t.HasLanguageFile:
				file = t.Dir() + "/"
			}
			what := "is not listed in locales: of " + ConfigFile
			if t.Locale == def {
				what = "is the default locale, which the manifests are written in"
			}
			v.at(file).report(Pos{1, 1}, "AR1402", "locale %s %s: its translations are never published", t.Locale, what)
			continue
		}
		if t.Language != nil {
			v.language(t)
		}
		for _, rt := range t.Releases {
			m, ok := v.ws.Find(rt.version)
			if !ok {
				if !v.ws.unloaded(rt.version) {
					v.at(rt.file).report(rt.PosOf("version"), "AR1403", "there is no release %s (releases/%s.yaml)", rt.version, rt.version)
				}
				continue
			}
			v.releaseTranslation(rt, m)
		}
	}
}

func (v *validator) language(t *Translation) {
	lang := t.Language
	r := v.at(path.Join(t.Dir(), LanguageFile))
	if lang.Locale != t.Locale {
		r.report(lang.PosOf("locale"), "AR1406", "locale %s does not match the folder %s", lang.Locale, t.Dir())
	}
	if len(lang.Months) != 12 {
		r.report(lang.PosOf("months"), "AR1406", "months lists %d names, not 12", len(lang.Months))
	}
	for _, field := range []string{"{day}", "{month}", "{year}"} {
		if !strings.Contains(lang.DateFormat, field) {
			r.report(lang.PosOf("dateFormat"), "AR1406", "dateFormat %q has no %s", lang.DateFormat, field)
		}
	}
	names := func(kind string, list []NameText, ids []string) {
		seen := map[string]Pos{}
		for _, n := range list {
			unique(r, seen, kind, n.ID, n.PosOf("id"))
			if !slices.Contains(ids, n.ID) {
				r.report(n.PosOf("id"), "AR1405", "%s %q is not in the catalogue of %s", kind, n.ID, ConfigFile)
			}
		}
		for _, id := range ids {
			if _, ok := seen[id]; !ok {
				r.report(lang.PosOf(kind+"s"), "AR1404", "the name of %s %q is not translated", kind, id)
			}
		}
	}
	var roles, features []string
	for _, role := range v.cfg.Roles {
		roles = append(roles, role.ID)
	}
	for _, f := range v.cfg.Features {
		features = append(features, f.ID)
	}
	names("role", lang.Roles, roles)
	names("feature", lang.Features, features)
	v.words(r, lang)
}

// words checks that every word of a language file gives each plural form the
// locale's CLDR rules use for whole numbers, so that no count is ever written
// with the wrong form or none.
func (v *validator) words(r reporter, lang *Language) {
	seen := map[string]Pos{}
	categories := LocaleCategories(lang.Locale)
	for i := range lang.Words {
		w := &lang.Words[i]
		unique(r, seen, "word", w.ID, w.PosOf("id"))
		for _, c := range categories {
			if w.Form(c) == "" {
				r.report(w.PosOf("id"), "AR1407", "word %q has no %q form: %s uses %s for whole numbers (e.g. %s)",
					w.ID, c, lang.Locale, strings.Join(categories, ", "), categoryExample(lang.Locale, c))
			}
		}
		// A form of a category the locale never uses is never written: it is
		// a mistaken category (few: for a count German calls other), which
		// would otherwise pass for a translation that is there.
		for _, c := range PluralCategories {
			if c != "other" && !slices.Contains(categories, c) && w.Form(c) != "" {
				r.report(w.PosOf(c), "AR1407", "word %q gives a %q form, which %s never uses (it uses %s): remove it, or give the form under the category the count belongs to",
					w.ID, c, lang.Locale, strings.Join(categories, ", "))
			}
		}
	}
}

// categoryExample names a few counts of a plural category, for the message
// that asks for its form.
func categoryExample(locale, category string) string {
	var ns []string
	for n := 0; n <= 200 && len(ns) < 3; n++ {
		if PluralCategory(locale, n) == category {
			ns = append(ns, strconv.Itoa(n))
		}
	}
	if len(ns) == 0 {
		return "1,000,000"
	}
	return strings.Join(ns, ", ")
}

// releaseTranslation checks that a translation covers every customer-facing
// text of its release, and nothing else.
func (v *validator) releaseTranslation(rt *ReleaseTranslation, m *Manifest) {
	r := v.at(rt.file)
	missing := func(p Pos, format string, args ...any) { r.report(p, "AR1404", format, args...) }
	if m.ContentFreeze != nil && rt.ContentFreeze == nil {
		missing(rt.Pos(), "contentFreeze.reason is not translated")
	}
	if m.ContentFreeze == nil && rt.ContentFreeze != nil {
		r.report(rt.PosOf("contentFreeze"), "AR1405", "release %s has no contentFreeze decision to translate", m.Version)
	}
	matchItems(r, rt, m.Version, "features", "feature", rt.Features, func(t *FeatureText) (string, Loc) { return t.ID, t.Loc },
		m.Features, func(f *Feature) (string, bool) { return f.ID, f.Audience != AudienceInternal },
		func(ft *FeatureText, f *Feature) {
			if f.Area != "" && ft.Area == "" {
				missing(ft.Pos(), "the area of feature %q is not translated", ft.ID)
			}
			if len(ft.Links) != len(f.Links) {
				missing(ft.PosOf("links"), "feature %q has %d link(s); the translation gives %d title(s)", ft.ID, len(f.Links), len(ft.Links))
			}
		})
	matchItems(r, rt, m.Version, "outages", "outage", rt.Outages, func(t *OutageText) (string, Loc) { return t.ID, t.Loc },
		m.Outages, func(o *Outage) (string, bool) { return o.ID, true }, nil)
	matchItems(r, rt, m.Version, "prerequisites", "prerequisite", rt.Prerequisites, func(t *PrerequisiteText) (string, Loc) { return t.ID, t.Loc },
		m.Prerequisites, func(p *Prerequisite) (string, bool) { return p.ID, true }, nil)
	matchItems(r, rt, m.Version, "knownIssues", "known issue", rt.KnownIssues, func(t *KnownIssueText) (string, Loc) { return t.ID, t.Loc },
		m.KnownIssues, func(k *KnownIssue) (string, bool) { return k.ID, true },
		func(kt *KnownIssueText, k *KnownIssue) {
			if k.Workaround != "" && kt.Workaround == "" {
				missing(kt.Pos(), "the workaround of known issue %q is not translated", kt.ID)
			}
		})
	v.fingerprints(r, rt, m)
}

// fingerprints warns of translated items whose source text changed since they
// were translated (AR1408), and of items that record no fingerprint, so that
// a change could not be noticed (AR1409): once per file when none does, item by
// item when only some do.
func (v *validator) fingerprints(r reporter, rt *ReleaseTranslation, m *Manifest) {
	items := rt.Items(m)
	confirm := "atlas-release translations confirm " + rt.Locale() + " " + m.Version
	recorded := 0
	for _, it := range items {
		if it.Recorded != "" {
			recorded++
		}
	}
	if recorded == 0 && len(items) > 0 {
		r.report(rt.PosOf("version"), "AR1409", "the translation records no fingerprints, so a change of the text it translates goes unnoticed; once a translator has checked it, run `%s`", confirm)
		return
	}
	for _, it := range items {
		switch {
		case it.Stale():
			r.report(it.FingerprintAt, "AR1408", "%s is out of date: the text it translates (%s:%d:%d) changed since; update the translation, then run `%s %s`",
				it.Name(), it.SourceFile, max(it.Source.Line, 1), max(it.Source.Col, 1), confirm, it.Key)
		case it.Recorded == "":
			r.report(it.At, "AR1409", "%s records no fingerprint, so a change of the text it translates goes unnoticed; once it is checked, run `%s %s`", it.Name(), confirm, it.Key)
		}
	}
}

// matchItems pairs the translated items of a list with the release's items by
// id. It reports duplicates, translations of items the release does not have,
// and items of the release (those the key marks as wanted) left untranslated;
// match, if given, checks each pair.
func matchItems[T, S any](r reporter, rt *ReleaseTranslation, version, field, what string,
	texts []T, textKey func(*T) (string, Loc), source []S, sourceKey func(*S) (string, bool), match func(*T, *S)) {
	ids := map[string]Pos{}
	translated := map[string]bool{}
	for i := range texts {
		id, loc := textKey(&texts[i])
		unique(r, ids, what, id, loc.PosOf("id"))
		translated[id] = true
		j := slices.IndexFunc(source, func(s S) bool { k, _ := sourceKey(&s); return k == id })
		if j < 0 {
			r.report(loc.PosOf("id"), "AR1405", "release %s has no %s %q", version, what, id)
			continue
		}
		if match != nil {
			match(&texts[i], &source[j])
		}
	}
	for i := range source {
		if id, wanted := sourceKey(&source[i]); wanted && !translated[id] {
			r.report(rt.PosOf(field), "AR1404", "%s %q is not translated", what, id)
		}
	}
}
