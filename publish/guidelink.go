package publish

import (
	"fmt"
	"html"
	"slices"
	"strings"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The release notes of a cut link to the same release's upgrade guide by its
// file name (upgrade-guide.de.html), which works in dist/<version>/ and in a
// bundle folder. In the help center the guide is an article, whose address is
// known only once the article exists, which can be during the same run: the
// guide is written first, and the notes' body is their cut's text with that
// one link pointed at the guide's article in the same locale — a
// deterministic function of the cut's text and the guide's id, so that an
// unchanged re-publish writes nothing.

// guideAddress is the root-relative help center address of an article in a
// locale: no host, so that it holds on any instance and in the sandbox.
func guideAddress(locale string, id int64) string {
	return fmt.Sprintf("/hc/%s/articles/%d", locale, id)
}

// plannedGuideAddress stands in, at plan time, for the address of a guide
// article that the run will create: no article has it, so the notes are
// written once the real address is known.
func plannedGuideAddress(locale string) string { return "/hc/" + locale + "/articles/new" }

// pointLinks rewrites, in an HTML body, every link whose href is file: to
// href, or, when href is "", to its text alone (the <a> and </a> tags
// dropped). Everything else is kept byte for byte; text that merely mentions
// file is not a link and is untouched. It returns the body and how many links
// it found.
func pointLinks(body, file, href string) (string, int) {
	if file == "" {
		return body, 0
	}
	z := nethtml.NewTokenizer(strings.NewReader(body))
	var b strings.Builder
	n := 0
	inside := false // in a link that is rewritten or dropped
	for {
		tt := z.Next()
		raw := string(z.Raw())
		if tt == nethtml.ErrorToken {
			// At the end, Raw is what no token took (an unfinished tag).
			return b.String() + raw, n
		}
		switch tt {
		case nethtml.StartTagToken, nethtml.SelfClosingTagToken:
			t := z.Token()
			if t.DataAtom != atom.A {
				break
			}
			// Links do not nest: a new <a> ends the one before.
			inside = false
			i := hrefIndex(t.Attr)
			if i < 0 || t.Attr[i].Val != file {
				break
			}
			n++
			inside = tt == nethtml.StartTagToken
			if href == "" {
				continue
			}
			// The HTML is goldmark's: the attribute is spelled href="…", and
			// only it changes; other spellings are written out anew.
			if old := `href="` + html.EscapeString(file) + `"`; strings.Count(raw, old) == 1 {
				raw = strings.Replace(raw, old, `href="`+html.EscapeString(href)+`"`, 1)
			} else {
				t.Attr[i].Val = href
				raw = t.String()
			}
			inside = false // its </a> stays
		case nethtml.EndTagToken:
			name, _ := z.TagName()
			if atom.Lookup(name) == atom.A && inside {
				inside = false
				continue
			}
		}
		b.WriteString(raw)
	}
}

func hrefIndex(attrs []nethtml.Attribute) int {
	for i, a := range attrs {
		if a.Namespace == "" && a.Key == "href" {
			return i
		}
	}
	return -1
}

// translates reports whether the run writes, or finds written, the article
// in locale.
func (p *plan) translates(locale string) bool {
	return slices.ContainsFunc(p.trans, func(t *transPlan) bool { return t.doc.locale == locale })
}

// planGuideLinks points the notes' links at the guide as the plan expects it
// to be once written: guide is the guide's article in the help center, nil
// when the run creates it (or the run's guide has no text in a locale).
func (p *plan) planGuideLinks(guide *remoteArticle) {
	for _, t := range p.trans {
		l := t.doc.locale
		href := ""
		switch {
		case guide != nil && (guide.byLocale[l] != nil || p.guide.translates(l)):
			href = guideAddress(l, guide.id)
		case p.guide.translates(l):
			href = plannedGuideAddress(l)
		}
		t.linkGuide(href)
	}
}

// linkWrittenGuide points the notes' links at the guide as the run left it,
// once its writes are over: its article in each locale it has, or, where it
// has none (a write failed), the link is dropped to its text. A translation
// whose text changes from the plan is written.
func (p *plan) linkWrittenGuide() {
	g := p.guide
	for _, t := range p.trans {
		l := t.doc.locale
		href := ""
		if g.remote != nil && (g.remote.byLocale[l] != nil || slices.ContainsFunc(g.trans, func(gt *transPlan) bool { return gt.doc.locale == l && gt.wrote })) {
			href = guideAddress(l, g.remote.id)
		}
		if !t.linkGuide(href) {
			continue
		}
		switch t.action {
		case Unchanged, Publish, Adopt:
			t.action, t.result.Action, t.result.Outcome = Update, Update, OutcomeNotAttempted
			p.result.Action = Update
		}
	}
}

// linkGuide sets the translation's text to its cut's with the link to the
// guide pointed at href (dropped to its text when href is ""), and reports
// whether the text changed.
func (t *transPlan) linkGuide(href string) bool {
	d := t.doc
	body, n := pointLinks(d.raw, d.guideFile, href)
	if n == 0 {
		return false
	}
	t.result.GuideLink, t.result.Notice = href, ""
	if href == "" {
		t.result.Notice = fmt.Sprintf("the upgrade guide has no %s article in the help center: the link to it is text only; publish again once it has", d.locale)
	}
	if body == d.body {
		return false
	}
	linked := *d
	linked.body, linked.fp = body, Fingerprint(d.title, body)
	t.doc = &linked
	return true
}
