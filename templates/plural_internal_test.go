package templates

import (
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/releases"
)

// TestPlurals writes counts by each locale's CLDR rules, from the language
// file's words or from forms given inline, and refuses what would write a
// count wrongly.
func TestPlurals(t *testing.T) {
	de := &releases.Translation{Locale: "de", Language: &releases.Language{Locale: "de", Words: []releases.Word{
		{ID: "block", One: "Block", Other: "Blöcke"},
		{ID: "day", Other: "Tage"}, // no "one" form: validation reports it (AR1407)
	}}}
	pl := &releases.Translation{Locale: "pl", Language: &releases.Language{Locale: "pl", Words: []releases.Word{
		{ID: "block", One: "blok", Few: "bloki", Many: "bloków", Other: "bloku"},
	}}}
	ja := &releases.Translation{Locale: "ja", Language: &releases.Language{Locale: "ja", Words: []releases.Word{{ID: "block", Other: "ブロック"}}}}
	type call = func(any, ...string) (string, error)
	fn := func(t *releases.Translation, name string) call {
		if t == nil {
			return funcs[name].(call)
		}
		return localeFuncs(t)[name].(call)
	}
	tests := []struct {
		name    string
		f       call
		count   any
		forms   []string
		want    string
		wantErr string
	}{
		{"en 0", fn(nil, "plural"), 0, []string{"block"}, "0 blocks", ""},
		{"en 1", fn(nil, "plural"), 1, []string{"block"}, "1 block", ""},
		{"en 2", fn(nil, "plural"), 2, []string{"PIM activation"}, "2 PIM activations", ""},
		{"en 1234", fn(nil, "plural"), 1234, []string{"block"}, "1,234 blocks", ""},
		{"en inline", fn(nil, "plural"), 3, []string{"one", "child", "other", "children"}, "3 children", ""},
		{"en word alone", fn(nil, "pluralWord"), 1, []string{"one", "is", "other", "are"}, "is", ""},
		{"de 0", fn(de, "plural"), 0, []string{"block"}, "0 Blöcke", ""},
		{"de 1", fn(de, "plural"), 1, []string{"block"}, "1 Block", ""},
		{"de 2", fn(de, "plural"), 2, []string{"block"}, "2 Blöcke", ""},
		{"de 1234", fn(de, "plural"), 1234, []string{"block"}, "1.234 Blöcke", ""},
		{"de inline", fn(de, "pluralWord"), 2, []string{"one", "ist", "other", "sind"}, "sind", ""},
		{"de int64", fn(de, "plural"), int64(1), []string{"block"}, "1 Block", ""},
		{"pl 1", fn(pl, "plural"), 1, []string{"block"}, "1 blok", ""},
		{"pl 3", fn(pl, "plural"), 3, []string{"block"}, "3 bloki", ""},
		{"pl 5", fn(pl, "plural"), 5, []string{"block"}, "5 bloków", ""},
		{"pl 22", fn(pl, "plural"), 22, []string{"block"}, "22 bloki", ""},
		{"ja 1", fn(ja, "plural"), 1, []string{"block"}, "1 ブロック", ""},
		{"de word without a form", fn(de, "plural"), 1, []string{"day"}, "", `locales/de/language.yaml: word "day" has no "one" form`},
		{"de unknown word", fn(de, "plural"), 2, []string{"window"}, "", `locales/de/language.yaml has no word "window": add it under words: with its forms one, other`},
		{"de inline without one", fn(de, "plural"), 2, []string{"other", "Blöcke"}, "", `no "one" form: locale de uses one, other`},
		{"pl inline without few", fn(pl, "plural"), 1, []string{"one", "blok", "other", "bloku"}, "", `no "few" form: locale pl uses one, few, many`},
		{"not a category", fn(de, "plural"), 2, []string{"single", "Block", "other", "Blöcke"}, "", `"single" is not a CLDR plural category`},
		{"odd pairs", fn(de, "plural"), 2, []string{"one", "Block", "other"}, "", "got 3 argument(s) after the count"},
		{"no forms", fn(de, "plural"), 2, nil, "", "got 0 argument(s) after the count"},
		{"not a count", fn(de, "plural"), "2", []string{"block"}, "", "the count must be a whole number, not string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.f(tt.count, tt.forms...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %q, %v; want an error with %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestNumber writes numbers with the locale's grouping and decimal
// separator, and refuses what is not a number.
func TestNumber(t *testing.T) {
	de := &releases.Translation{Locale: "de", Language: &releases.Language{Locale: "de"}}
	en := funcs["number"].(func(any) (string, error))
	ger := localeFuncs(de)["number"].(func(any) (string, error))
	for _, tt := range []struct {
		f    func(any) (string, error)
		n    any
		want string // empty: an error
	}{
		{en, 1234567, "1,234,567"},
		{ger, 1234567, "1.234.567"},
		{ger, 7, "7"},
		{ger, -1234, "-1.234"},
		{ger, -1234.5, "-1.234,5"},
		{en, -1234.5, "-1,234.5"},
		{ger, float32(0.5), "0,5"},
		{ger, "12", ""},
		{ger, nil, ""},
	} {
		got, err := tt.f(tt.n)
		if got != tt.want || (err != nil) != (tt.want == "") {
			t.Errorf("number(%#v) = %q, %v; want %q", tt.n, got, err, tt.want)
		}
	}
}
