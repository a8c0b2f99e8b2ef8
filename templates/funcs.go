package templates

import (
	"fmt"
	htmltemplate "html/template"
	"path"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/atlas-release/atlas-release/internal/human"

	"github.com/atlas-release/atlas-release/releases"
)

// funcs are available to every template.
var funcs = map[string]any{
	"minutes":    Minutes,
	"clock":      clock,
	"cell":       cell,
	"inline":     inline,
	"indent":     indent,
	"join":       strings.Join,
	"add":        func(a, b int) int { return a + b },
	"percent":    percent,
	"capital":    capital,
	"plural":     englishPlurals.plural,
	"pluralWord": englishPlurals.word,
	"number":     englishPlurals.number,
	"lower":      strings.ToLower,
	"quote":      func(s string) string { return "“" + s + "”" },
	"date":       longDate,
	"trim":       strings.TrimSpace,
	"freeze":     freezeDecision,
}

var (
	textFuncs = texttemplate.FuncMap(funcs)
	htmlFuncs = func() htmltemplate.FuncMap {
		m := htmltemplate.FuncMap{"md": FragmentHTML}
		for k, v := range funcs {
			m[k] = v
		}
		return m
	}()
)

// Minutes formats a duration in minutes for people: "45 min", "2 h", "1 h 05 min".
func Minutes(n int) string { return human.Minutes(n) }

// clock formats minutes from the start of the window: "0:00", "1:05".
func clock(n int) string { return string(appendClock(make([]byte, 0, 8), n)) }

// appendClock appends clock(n) to b.
func appendClock(b []byte, n int) []byte {
	b = append(strconv.AppendInt(b, int64(n/60), 10), ':')
	if m := n % 60; m < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(n%60), 10)
}

// cell makes text safe inside a Markdown table cell: one line, pipes escaped.
func cell(s string) string { return strings.ReplaceAll(inline(s), "|", `\|`) }

// inline collapses text onto one line. Most text is on one line already and
// is returned as it is, without the copy Fields and Join would make (inline
// runs for every cell of every runbook).
func inline(s string) string {
	if isInline(s) {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// isInline says whether Fields and Join would give s back unchanged: no space
// at either end, no two spaces in a row, and no white space but ' '.
func isInline(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' '):
				return false
			case c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return false
		}
		i += n
	}
	return true
}

// indent indents every line but the first by n spaces, so that multi-line Markdown
// stays inside the list item it follows.
func indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] != "" {
			lines[i] = pad + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

// percent is part/whole as a CSS percentage with two decimals.
func percent(part, whole int) string { return string(appendPercent(make([]byte, 0, 8), part, whole)) }

// appendPercent appends percent(part, whole) to b.
func appendPercent(b []byte, part, whole int) []byte {
	if whole <= 0 {
		return append(b, "0%"...)
	}
	return append(strconv.AppendFloat(b, 100*float64(part)/float64(whole), 'f', 2, 64), '%')
}

func capital(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// freezeDecision writes a content-freeze decision for people.
func freezeDecision(d string) string {
	if d == "not-needed" {
		return "not needed"
	}
	return d
}

// longDate writes a YYYY-MM-DD date for people: "15 May 2023".
func longDate(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return t.Format("2 January 2006")
}

// localDate writes a YYYY-MM-DD date in a locale's words: "15. Mai 2023".
func localDate(s string, lang *releases.Language) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil || len(lang.Months) != 12 {
		return s
	}
	return strings.NewReplacer("{day}", strconv.Itoa(t.Day()), "{month}", lang.Months[t.Month()-1],
		"{year}", strconv.Itoa(t.Year())).Replace(lang.DateFormat)
}

// plural returns "1 step" or "3 steps": the English rule, for the runbook,
// which is written in English by code. Templates use the "plural" helper
// (plurals), which knows every locale's rules.
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// plurals writes counts the way a locale does: its CLDR plural category picks
// the form of the word, and its digits and grouping write the number. In a
// German template:
//
//	{{plural 2 "block"}}                          2 Blöcke (the word's forms from language.yaml words:)
//	{{plural 2 "one" "Block" "other" "Blöcke"}}   2 Blöcke (the forms given inline)
//	{{pluralWord 2 "one" "ist" "other" "sind"}}   sind (the form alone)
//	{{number 1234}}                               1.234
type plurals struct {
	locale string
	// lang gives the locale's words; nil for the built-in English templates.
	lang *releases.Language
	// file is the language file, named by errors.
	file string
}

// englishPlurals serve the built-in templates, which are English.
var englishPlurals = plurals{locale: "en"}

// localeFuncs are the helpers that differ in a locale other than the default
// (LoadLocale): dates in its month names and format, counts and numbers by its
// CLDR rules and its language file's words. t.Language must not be nil.
func localeFuncs(t *releases.Translation) map[string]any {
	lang := t.Language
	p := plurals{locale: t.Locale, lang: lang, file: path.Join(t.Dir(), releases.LanguageFile)}
	return map[string]any{
		"date":       func(s string) string { return localDate(s, lang) },
		"plural":     p.plural,
		"pluralWord": p.word,
		"number":     p.number,
	}
}

// plural writes the count and the form of the word its plural category needs.
func (p plurals) plural(count any, forms ...string) (string, error) {
	n, err := toCount(count)
	if err != nil {
		return "", err
	}
	w, err := p.form(n, forms)
	if err != nil {
		return "", err
	}
	return releases.FormatNumber(p.locale, n) + " " + w, nil
}

// word writes only the form the count needs ("ist" or "sind").
func (p plurals) word(count any, forms ...string) (string, error) {
	n, err := toCount(count)
	if err != nil {
		return "", err
	}
	return p.form(n, forms)
}

// number writes a number with the locale's digits, grouping and decimal
// separator: a literal such as -1234.5 is a float in a template. What is not
// a number fails, rather than print as Go writes it in every language.
func (p plurals) number(v any) (string, error) {
	switch f := v.(type) {
	case float64:
		return releases.FormatDecimal(p.locale, f), nil
	case float32:
		return releases.FormatDecimal(p.locale, float64(f)), nil
	}
	n, err := toCount(v)
	if err != nil {
		return "", fmt.Errorf("number: %v is %T, not a number", v, v)
	}
	return releases.FormatNumber(p.locale, n), nil
}

// form picks the form of the count's category from a word of the language file
// (one argument, the word's id) or from category/form pairs. Every category the
// locale uses must have a form, whatever the count: a template that lacks one
// fails at once rather than on the day the count reaches it.
func (p plurals) form(n int, forms []string) (string, error) {
	categories := releases.LocaleCategories(p.locale)
	category := releases.PluralCategory(p.locale, n)
	if len(forms) == 1 {
		return p.wordForm(forms[0], category, n)
	}
	if len(forms) == 0 || len(forms)%2 != 0 {
		return "", fmt.Errorf("plural needs a word (plural 2 \"block\") or category/form pairs (plural 2 \"one\" \"block\" \"other\" \"blocks\"); got %d argument(s) after the count", len(forms))
	}
	given := map[string]string{}
	for i := 0; i < len(forms); i += 2 {
		if !releases.IsPluralCategory(forms[i]) {
			return "", fmt.Errorf("plural: %q is not a CLDR plural category (%s)", forms[i], strings.Join(releases.PluralCategories, ", "))
		}
		given[forms[i]] = forms[i+1]
	}
	for _, c := range categories {
		if given[c] == "" {
			return "", fmt.Errorf("plural: no %q form: locale %s uses %s", c, p.locale, strings.Join(categories, ", "))
		}
	}
	return given[category], nil
}

// wordForm is the form of a word of the language file; the built-in English
// templates also know a word that is not there: English adds an s.
func (p plurals) wordForm(id, category string, n int) (string, error) {
	if p.lang != nil {
		if w := p.lang.Word(id); w != nil {
			if f := w.Form(category); f != "" {
				return f, nil
			}
			return "", fmt.Errorf("%s: word %q has no %q form, which %s uses for %d", p.file, id, category, p.locale, n)
		}
	}
	if releases.LocaleTag(p.locale).String() == "en" || strings.HasPrefix(releases.LocaleTag(p.locale).String(), "en-") {
		if category == "one" {
			return id, nil
		}
		return id + "s", nil
	}
	return "", fmt.Errorf("%s has no word %q: add it under words: with its forms %s",
		p.file, id, strings.Join(releases.LocaleCategories(p.locale), ", "))
}

// toCount accepts the integers templates hold (len, counts of the model).
func toCount(v any) (int, error) {
	switch n := v.(type) {
	case int:
		return n, nil
	case int64:
		return int(n), nil
	case int32:
		return int(n), nil
	case uint:
		return int(n), nil
	}
	return 0, fmt.Errorf("plural: the count must be a whole number, not %T", v)
}
