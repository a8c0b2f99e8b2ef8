package templates

import (
	"fmt"
	htmltemplate "html/template"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/atlas-release/atlas-release/releases"
)

// funcs are available to every template.
var funcs = map[string]any{
	"minutes": Minutes,
	"clock":   clock,
	"cell":    cell,
	"inline":  inline,
	"indent":  indent,
	"join":    strings.Join,
	"add":     func(a, b int) int { return a + b },
	"percent": percent,
	"capital": capital,
	"plural":  plural,
	"lower":   strings.ToLower,
	"quote":   func(s string) string { return "“" + s + "”" },
	"date":    longDate,
	"trim":    strings.TrimSpace,
	"freeze":  freezeDecision,
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
func Minutes(n int) string {
	switch {
	case n < 60:
		return strconv.Itoa(n) + " min"
	case n%60 == 0:
		return strconv.Itoa(n/60) + " h"
	}
	return strconv.Itoa(n/60) + " h " + twoDigits(n%60) + " min"
}

// clock formats minutes from the start of the window: "0:00", "1:05".
func clock(n int) string { return strconv.Itoa(n/60) + ":" + twoDigits(n%60) }

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// cell makes text safe inside a Markdown table cell: one line, pipes escaped.
func cell(s string) string { return strings.ReplaceAll(inline(s), "|", `\|`) }

// inline collapses text onto one line.
func inline(s string) string { return strings.Join(strings.Fields(s), " ") }

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
func percent(part, whole int) string {
	if whole <= 0 {
		return "0%"
	}
	return strconv.FormatFloat(100*float64(part)/float64(whole), 'f', 2, 64) + "%"
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

// plural returns "1 step" or "3 steps".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
