package releases

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// A translation records, item by item, the fingerprint of the source text it
// translates: the first 12 hexadecimal digits of the SHA-256 of the item's
// translated fields in the default locale. When the source text changes, its
// fingerprint no longer matches and validate names the stale item (AR1408);
// once a translator has brought the translation up to date, `atlas-release
// translations confirm` writes the new fingerprints (ConfirmTranslation).

// Fingerprint returns the fingerprint of the fields of a source item, each
// trimmed of the surrounding blank space that YAML's block styles add or
// remove; fields are length-prefixed so that text cannot move from one field
// to the next unnoticed.
func Fingerprint(fields ...string) string {
	h := sha256.New()
	for _, f := range fields {
		f = strings.TrimSpace(f)
		h.Write([]byte(strconv.Itoa(len(f)) + ":" + f + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// The items of a translation, as TranslationItem.Key names them.
const (
	// SummaryItem is the release's summary and codename.
	SummaryItem = "summary"
	// ContentFreezeItem is the reason of the content-freeze decision.
	ContentFreezeItem = "contentFreeze"
)

// TranslationItem is one translated item of a release translation next to the
// source item it translates.
type TranslationItem struct {
	// Kind is "summary", "contentFreeze", "feature", "outage",
	// "prerequisite" or "known issue".
	Kind string
	// Key names the item on the command line: the item's id, or "summary" or
	// "contentFreeze".
	Key string
	// At is where the translated item starts; FingerprintAt where its
	// fingerprint is written, At when it has none.
	At, FingerprintAt Pos
	// SourceFile and Source are where the source item is.
	SourceFile string
	Source     Pos
	// Recorded is the fingerprint the translation records, "" for none.
	Recorded string
	// Current is the fingerprint of the source text now.
	Current string
	// anchor is where ConfirmTranslation writes a missing fingerprint:
	// after the line of this position (an item's id, the file's version) or,
	// with before, as the first key of the mapping at it.
	anchor Pos
	before bool
	// indent is the column of the mapping's keys.
	indent int
}

// Stale reports whether the source text changed since the item was
// translated.
func (it TranslationItem) Stale() bool { return it.Recorded != "" && it.Recorded != it.Current }

// Locale is the locale of the translation, from its folder.
func (t *ReleaseTranslation) Locale() string { return path.Base(path.Dir(path.Dir(t.file))) }

// Name is the item as messages name it: `feature "news-hub"`, `the summary`.
func (it TranslationItem) Name() string {
	switch it.Kind {
	case SummaryItem:
		return "the summary"
	case ContentFreezeItem:
		return "the content-freeze reason"
	}
	return fmt.Sprintf("%s %q", it.Kind, it.Key)
}

// Items pairs every translated item of t with the item of m it translates,
// in the order of the file. Translated items without a source item (reported
// by validate as AR1405) are left out.
func (t *ReleaseTranslation) Items(m *Manifest) []TranslationItem {
	var out []TranslationItem
	add := func(kind, key, recorded string, loc Loc, src Loc, anchor Pos, before bool, fields ...string) {
		it := TranslationItem{Kind: kind, Key: key, At: loc.Pos(), FingerprintAt: loc.Pos(), SourceFile: m.file, Source: src.Pos(),
			Recorded: recorded, Current: Fingerprint(fields...), anchor: anchor, before: before, indent: loc.Pos().Col}
		if loc.Has("fingerprint") {
			it.FingerprintAt = loc.PosOf("fingerprint")
		}
		out = append(out, it)
	}
	root := t.Loc
	add(SummaryItem, SummaryItem, t.Fingerprint, root, m.Loc, root.PosOf("version"), false, m.Summary, m.Codename)
	out[0].At, out[0].Source = root.PosOf("summary"), m.PosOf("summary")
	if !root.Has("fingerprint") {
		out[0].FingerprintAt = out[0].At
	}
	if t.ContentFreeze != nil && m.ContentFreeze != nil {
		cf := t.ContentFreeze
		add(ContentFreezeItem, ContentFreezeItem, cf.Fingerprint, cf.Loc, m.ContentFreeze.Loc, cf.Pos(), true, m.ContentFreeze.Reason)
	}
	for _, ft := range t.Features {
		if i := slices.IndexFunc(m.Features, func(f Feature) bool { return f.ID == ft.ID }); i >= 0 {
			f := m.Features[i]
			fields := []string{f.Title, f.Area, f.Summary}
			for _, l := range f.Links {
				fields = append(fields, l.Title)
			}
			add("feature", ft.ID, ft.Fingerprint, ft.Loc, f.Loc, ft.PosOf("id"), false, fields...)
		}
	}
	for _, ot := range t.Outages {
		if o := m.outage(ot.ID); o != nil {
			add("outage", ot.ID, ot.Fingerprint, ot.Loc, o.Loc, ot.PosOf("id"), false, o.UserMessage)
		}
	}
	for _, pt := range t.Prerequisites {
		if i := slices.IndexFunc(m.Prerequisites, func(p Prerequisite) bool { return p.ID == pt.ID }); i >= 0 {
			p := m.Prerequisites[i]
			add("prerequisite", pt.ID, pt.Fingerprint, pt.Loc, p.Loc, pt.PosOf("id"), false, p.Title, p.Details, p.Verify)
		}
	}
	for _, kt := range t.KnownIssues {
		if i := slices.IndexFunc(m.KnownIssues, func(k KnownIssue) bool { return k.ID == kt.ID }); i >= 0 {
			k := m.KnownIssues[i]
			add("known issue", kt.ID, kt.Fingerprint, kt.Loc, k.Loc, kt.PosOf("id"), false, k.Title, k.Details, k.Workaround)
		}
	}
	return out
}

// StaleTranslation is a release translation whose source text changed.
type StaleTranslation struct {
	Locale      string
	Translation *ReleaseTranslation
	Items       []TranslationItem
}

// StaleTranslations lists the translations of release m, in any published
// locale, that translate text which has changed since: what a help center
// would otherwise show as an up-to-date translation. Sorted by locale.
func (ws *Workspace) StaleTranslations(m *Manifest) []StaleTranslation {
	var out []StaleTranslation
	for _, t := range ws.Translations {
		rt := t.Release(m.version)
		if rt == nil || !slices.Contains(ws.Config.Locales, t.Locale) {
			continue
		}
		var stale []TranslationItem
		for _, it := range rt.Items(m) {
			if it.Stale() {
				stale = append(stale, it)
			}
		}
		if len(stale) > 0 {
			out = append(out, StaleTranslation{Locale: t.Locale, Translation: rt, Items: stale})
		}
	}
	slices.SortFunc(out, func(a, b StaleTranslation) int { return strings.Compare(a.Locale, b.Locale) })
	return out
}

// ErrNoItem is wrapped by the error of ConfirmTranslation for an item the
// translation does not have.
var ErrNoItem = errors.New("no translated item")

// ConfirmTranslation returns the text of the translation file src (rt, as
// loaded from it) with the fingerprints of the items named by keys set to the
// source text of m as it is now: the translator has checked that those items
// translate it. No keys confirm every item. The rest of the file — comments,
// order, quoting — is kept. It also returns the items it changed.
func ConfirmTranslation(src []byte, rt *ReleaseTranslation, m *Manifest, keys []string) ([]byte, []TranslationItem, error) {
	items := rt.Items(m)
	for _, k := range keys {
		if !slices.ContainsFunc(items, func(it TranslationItem) bool { return it.Key == k }) {
			var known []string
			for _, it := range items {
				known = append(known, it.Key)
			}
			return nil, nil, fmt.Errorf("%w %q in %s%s (its items: %s)", ErrNoItem, k, rt.file, suggest(k, known), strings.Join(known, ", "))
		}
	}
	if len(src) > 0 && src[len(src)-1] != '\n' {
		src = append(slices.Clip(src), '\n')
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	type edit struct {
		line, col int // 1-based; col 0 inserts a whole line before line
		cut       int // bytes replaced at col
		text      string
	}
	var edits []edit
	var changed []TranslationItem
	for _, it := range items {
		if len(keys) > 0 && !slices.Contains(keys, it.Key) || it.Recorded == it.Current {
			continue
		}
		value := yamlString(it.Current)
		changed = append(changed, it)
		if it.FingerprintAt.Line < 1 || it.anchor.Line < 1 || it.anchor.Line > len(lines) {
			continue // not placed: the check below says what to write
		}
		if it.Recorded != "" {
			// Replace the value where it was written: a plain or quoted scalar.
			p := it.FingerprintAt
			rest := lines[p.Line-1][byteCol(lines[p.Line-1], p.Col):]
			n := bytes.IndexAny(rest, " \t\r\n#")
			if n < 0 {
				n = len(rest)
			}
			edits = append(edits, edit{line: p.Line, col: p.Col, cut: n, text: value})
			continue
		}
		if it.before {
			// The first key of a block mapping: the new key goes on the line
			// before, at the same column.
			edits = append(edits, edit{line: it.anchor.Line, text: strings.Repeat(" ", it.anchor.Col-1) + "fingerprint: " + value + "\n"})
			continue
		}
		// After the line of the anchor (an item's id, the file's version), at
		// the column of the mapping's keys.
		edits = append(edits, edit{line: it.anchor.Line + 1, text: strings.Repeat(" ", it.indent-1) + "fingerprint: " + value + "\n"})
	}
	// Apply from the end so that positions stay true.
	slices.SortFunc(edits, func(a, b edit) int {
		if a.line != b.line {
			return b.line - a.line
		}
		return b.col - a.col
	})
	for _, e := range edits {
		if e.col == 0 {
			lines = slices.Insert(lines, e.line-1, []byte(e.text))
			continue
		}
		l := lines[e.line-1]
		i := byteCol(l, e.col)
		lines[e.line-1] = slices.Concat(l[:i], []byte(e.text), l[i+e.cut:])
	}
	out := bytes.Join(lines, nil)
	// The file must read back with exactly the fingerprints meant: a layout
	// this cannot edit (a flow mapping, a block scalar as an id) is an error
	// that says what to write by hand, never a broken file.
	var diags Diagnostics
	back := &ReleaseTranslation{file: rt.file}
	ok := decodeFile(rt.file, out, back, &diags)
	if ok {
		back.version = rt.version
		now := back.Items(m)
		for _, it := range changed {
			i := slices.IndexFunc(now, func(n TranslationItem) bool { return n.Key == it.Key && n.Kind == it.Kind })
			if i < 0 || now[i].Recorded != it.Current {
				ok = false
			}
		}
	}
	if !ok {
		var want []string
		for _, it := range changed {
			want = append(want, fmt.Sprintf("%s: fingerprint: %s", it.Name(), it.Current))
		}
		return nil, nil, fmt.Errorf("%s: cannot place the fingerprints in this layout; write them by hand: %s", rt.file, strings.Join(want, "; "))
	}
	return out, changed, nil
}

// byteCol is the byte offset in line of a 1-based column counted in
// characters, as positions are.
func byteCol(line []byte, col int) int {
	i := 0
	for n := 1; n < col && i < len(line); n++ {
		_, size := utf8.DecodeRune(line[i:])
		i += size
	}
	return i
}

// yamlString writes s as a YAML scalar that reads back as the string s: a
// fingerprint of digits only ("123456789012") or one that reads as a float
// ("1234e5678901") is quoted.
func yamlString(s string) string {
	var v any
	if err := yaml.Unmarshal([]byte(s), &v); err == nil {
		if str, ok := v.(string); ok && str == s {
			return s
		}
	}
	return strconv.Quote(s)
}
