package releases

import (
	"slices"

	cldrplural "golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// PluralCategories are the CLDR plural categories, in CLDR's order. A language
// uses some of them for whole numbers: English and German "one" and "other",
// Polish "one", "few", "many" and "other", Japanese "other" only.
var PluralCategories = []string{"zero", "one", "two", "few", "many", "other"}

// Word is a word of a locale's documents in every plural form its language
// needs (locales/<locale>/language.yaml, words:), so that templates write
// "1 Block" and "2 Blöcke" rather than "Block/Blöcke".
type Word struct {
	Loc `json:"-"`
	// ID is the word as the built-in (English) templates write it in the
	// singular, e.g. "block" in {{plural 2 "block"}} or "PIM activation".
	ID string `json:"id" jsonschema:"required,pattern=^\\S+( \\S+)*$"`
	// Zero is the form for the category "zero" (e.g. Arabic, Latvian).
	Zero string `json:"zero,omitempty"`
	// One is the form for the category "one" (e.g. English and German 1).
	One string `json:"one,omitempty"`
	// Two is the form for the category "two" (e.g. Arabic, Slovenian).
	Two string `json:"two,omitempty"`
	// Few is the form for the category "few" (e.g. Polish 2–4).
	Few string `json:"few,omitempty"`
	// Many is the form for the category "many" (e.g. Polish 5–21).
	Many string `json:"many,omitempty"`
	// Other is the form for every other count; every language has it.
	Other string `json:"other" jsonschema:"required,minLength=1"`
}

// Form returns the word's form for a CLDR category, "" when it gives none.
func (w *Word) Form(category string) string {
	switch category {
	case "zero":
		return w.Zero
	case "one":
		return w.One
	case "two":
		return w.Two
	case "few":
		return w.Few
	case "many":
		return w.Many
	}
	return w.Other
}

// Word returns the language's word with the given id, or nil.
func (l *Language) Word(id string) *Word {
	for i := range l.Words {
		if l.Words[i].ID == id {
			return &l.Words[i]
		}
	}
	return nil
}

// LocaleTag is the language tag of a locale ("de", "en-us", "pt-br"); a locale
// x/text does not know is taken as undetermined, whose rules are English's
// CLDR root: "other" for every count.
func LocaleTag(locale string) language.Tag {
	t, err := language.Parse(locale)
	if err != nil {
		return language.Und
	}
	return t
}

// PluralCategory is the CLDR plural category of a whole number in a locale:
// "one" for 1 in German, "few" for 3 in Polish.
func PluralCategory(locale string, n int) string {
	return pluralCategory(LocaleTag(locale), n)
}

func pluralCategory(tag language.Tag, n int) string {
	if n < 0 {
		n = -n
	}
	// The whole count, not modulo 10,000,000 as MatchPlural's documentation
	// allows: rules such as English "one" (i = 1) would take 10,000,001 for 1.
	switch cldrplural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0) {
	case cldrplural.Zero:
		return "zero"
	case cldrplural.One:
		return "one"
	case cldrplural.Two:
		return "two"
	case cldrplural.Few:
		return "few"
	case cldrplural.Many:
		return "many"
	}
	return "other"
}

// LocaleCategories lists the plural categories a locale uses for whole numbers,
// in CLDR's order: the forms a word of its language file must give. x/text
// does not export them, so they are found by asking for the category of counts
// that cover every CLDR integer rule (0 to 200, and powers of ten for the
// rules of millions).
func LocaleCategories(locale string) []string {
	tag := LocaleTag(locale)
	seen := map[string]bool{}
	for n := range 201 {
		seen[pluralCategory(tag, n)] = true
	}
	for n := 1000; n <= 1_000_000_000; n *= 10 {
		seen[pluralCategory(tag, n)] = true
	}
	var out []string
	for _, c := range PluralCategories {
		if seen[c] {
			out = append(out, c)
		}
	}
	return out
}

// FormatNumber writes a whole number the way a locale does: "1,234" in
// English, "1.234" in German.
func FormatNumber(locale string, n int) string {
	return message.NewPrinter(LocaleTag(locale)).Sprintf("%d", n)
}

// FormatDecimal writes a number with a fraction the way a locale does:
// "-1,234.5" in English, "-1.234,5" in German (at most three decimals, as CLDR's
// decimal format).
func FormatDecimal(locale string, f float64) string {
	return message.NewPrinter(LocaleTag(locale)).Sprint(number.Decimal(f))
}

// IsPluralCategory reports whether s names a CLDR plural category.
func IsPluralCategory(s string) bool { return slices.Contains(PluralCategories, s) }
