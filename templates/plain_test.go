package templates

import (
	"regexp"
	"testing"
)

// The patterns CommandLine used to match with regular expressions, kept as the
// reference for the byte scan that replaced them.
var (
	plainArgPattern    = regexp.MustCompile(`^[A-Za-z0-9._:/\\=+,-]+$`)
	plainScriptPattern = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)
)

// TestPlainMatchesPatterns checks the byte scan against the patterns on hostile
// strings: empty, a bad byte at either end, non-ASCII letters and digits, a
// trailing newline (which $ in other dialects lets through), invalid UTF-8.
func TestPlainMatchesPatterns(t *testing.T) {
	for _, s := range []string{
		"", "a", "-Version", "4.3.0", `C:\path\to`, "a=b+c,d", "rg-atlas-prod", "<tenant>", "a b", "a\n", "\na",
		"$env:X", "`", "'", `"`, "é", "٣", "a\x00", "\xff", "x;y", "(x)", "a|b", "a&b", "~", "*", "?", "[x]", "{x}", "@x", "#x", "%",
		"scripts/Deploy-AtlasBackend.ps1", "scripts/my script.ps1", "scripts\\x.ps1", "scripts/x:y.ps1",
	} {
		if got, want := plain(s, plainArgPunct), plainArgPattern.MatchString(s); got != want {
			t.Errorf("argument %q: plain %v, pattern %v", s, got, want)
		}
		if got, want := plain(s, plainScriptPunct), plainScriptPattern.MatchString(s); got != want {
			t.Errorf("script %q: plain %v, pattern %v", s, got, want)
		}
	}
}

// FuzzPlain checks the byte scan against the patterns on any string.
func FuzzPlain(f *testing.F) {
	f.Add("scripts/x.ps1")
	f.Add("a b\\c")
	f.Add("\xffé")
	f.Fuzz(func(t *testing.T, s string) {
		if plain(s, plainArgPunct) != plainArgPattern.MatchString(s) || plain(s, plainScriptPunct) != plainScriptPattern.MatchString(s) {
			t.Fatalf("%q: the scan and the patterns disagree", s)
		}
	})
}
