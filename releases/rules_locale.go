package releases

import (
	"cmp"
	"slices"
)

// The rules of translations' plural forms and fingerprints, kept next to the
// checks that report them and merged into Rules in code order.
func init() {
	Rules = append(Rules,
		Rule{"AR1407", SeverityError, "plural form missing", "give the word of language.yaml every plural form its locale uses (CLDR categories zero, one, two, few, many, other)"},
		Rule{"AR1408", SeverityWarning, "translation out of date", "update the translated item to the changed source text, then record that with `atlas-release translations confirm <locale> <version> <item>`"},
		Rule{"AR1409", SeverityWarning, "translation without fingerprints", "run `atlas-release translations confirm <locale> <version>` once the translation is checked, so that validate can tell when the source text changes"},
	)
	slices.SortFunc(Rules, func(a, b Rule) int { return cmp.Compare(a.Code, b.Code) })
}
