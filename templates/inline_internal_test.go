package templates

import (
	"strings"
	"testing"
)

// TestInline: the fast path gives what Fields and Join give, for every kind of
// white space, and returns text already on one line as it is.
func TestInline(t *testing.T) {
	for _, s := range []string{
		"", " ", "a", "a b", " a", "a ", "a  b", "a\tb", "a\nb", "a\r\nb", "a\vb", "a\fb",
		"a\u00a0b", "a\u0085b", "a\u2028b", "a\u3000b", "Käse und Brot", "日本語 テキスト", "a \u200bb",
		"\xff a", "a \xff", "a\xffb  c",
	} {
		want := strings.Join(strings.Fields(s), " ")
		if got := inline(s); got != want {
			t.Errorf("inline(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzInline(f *testing.F) {
	for _, s := range []string{"a b", " a", "a\u00a0b", "a\u0085b", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := inline(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("inline(%q) = %q, want %q", s, got, want)
		}
	})
}
