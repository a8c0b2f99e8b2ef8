package releases

import (
	"strings"
	"testing"
)

// TestLocaleCategories lists the CLDR categories each language uses for whole
// numbers: the forms its language file's words must give.
func TestLocaleCategories(t *testing.T) {
	for locale, want := range map[string]string{
		"en-us": "one other",
		"de":    "one other",
		"fr":    "one other", // x/text's CLDR data predates French "many" (1000000)
		"pl":    "one few many",
		"ru":    "one few many",
		"ar":    "zero one two few many other",
		"ja":    "other",
		"xx-yy": "other", // unknown to CLDR: the root rules
	} {
		if got := strings.Join(LocaleCategories(locale), " "); got != want {
			t.Errorf("%s: %s, want %s", locale, got, want)
		}
	}
}

// TestPluralCategory picks the category of a count by the locale's rules.
func TestPluralCategory(t *testing.T) {
	for _, tt := range []struct {
		locale string
		n      int
		want   string
	}{
		{"de", 0, "other"}, {"de", 1, "one"}, {"de", 2, "other"}, {"de", 1234, "other"},
		{"fr", 0, "one"}, {"fr", 1, "one"}, {"fr", 2, "other"},
		{"pl", 1, "one"}, {"pl", 3, "few"}, {"pl", 5, "many"}, {"pl", 22, "few"}, {"pl", 25, "many"},
		{"en-us", -1, "one"}, {"en-us", 10_000_001, "other"},
	} {
		if got := PluralCategory(tt.locale, tt.n); got != tt.want {
			t.Errorf("PluralCategory(%s, %d) = %s, want %s", tt.locale, tt.n, got, tt.want)
		}
	}
}

// TestFormatNumber groups digits as the locale does.
func TestFormatNumber(t *testing.T) {
	for _, tt := range []struct {
		locale string
		n      int
		want   string
	}{
		{"en-us", 1234567, "1,234,567"}, {"de", 1234567, "1.234.567"}, {"de", 12, "12"}, {"fr", 1234, "1\u00a0234"},
	} {
		if got := FormatNumber(tt.locale, tt.n); got != tt.want {
			t.Errorf("FormatNumber(%s, %d) = %q, want %q", tt.locale, tt.n, got, tt.want)
		}
	}
}
