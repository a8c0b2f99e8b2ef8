package cli

import "testing"

// TestPrintable: text from files and servers prints as itself only when every
// character does; anything that would drive a terminal is escaped.
func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"atlas-release bundle=a.tar.gz product=atlas": "atlas-release bundle=a.tar.gz product=atlas",
		"Zürich – Straße":                             "Zürich – Straße",
		"x=\x1b]0;PWN\a":                              `"x=\x1b]0;PWN\a"`,
		"gnp\u202eexe":                                `"gnp\u202eexe"`,
		"tab\there":                                   `"tab\there"`,
		"zero\u200bwidth":                             `"zero\u200bwidth"`,
		"line\nbreak":                                 `"line\nbreak"`,
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %s, want %s", in, got, want)
		}
	}
}
