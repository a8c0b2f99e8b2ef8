package releases

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
	"unicode/utf8"
)

// withLine inserts line after the first line of the file that starts with
// after, or replaces that line when replace is set.
func withLine(t *testing.T, src, after, line string, replace bool) (string, int) {
	t.Helper()
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, after) {
			if replace {
				lines[i] = line
				return strings.Join(lines, "\n"), i + 1
			}
			lines = append(lines[:i+1], append([]string{line}, lines[i+1:]...)...)
			return strings.Join(lines, "\n"), i + 2
		}
	}
	t.Fatalf("no line starting with %q", after)
	return "", 0
}

// diagsOf loads the example workspace with one file changed and returns the
// diagnostics of that file.
func diagsOf(t *testing.T, file, src string) Diagnostics {
	t.Helper()
	fsys := exampleFS(t)
	fsys[file] = &fstest.MapFile{Data: []byte(src)}
	var out Diagnostics
	for _, d := range mustLoad(t, fsys).Validate() {
		if d.File == file {
			out = append(out, d)
		}
	}
	return out
}

func TestControlCharactersThroughEscapes(t *testing.T) {
	// Each value is written into a text field of each YAML entry point.
	values := []struct{ yaml, name string }{
		{`"\e[31mred"`, "U+001B ESCAPE"},
		{`"\x1b]8;;https://evil.example\a"`, "U+001B ESCAPE"},
		{`"bell \a"`, "U+0007 BELL"},
		{`"nul \0 byte"`, "U+0000 NULL"},
		{`"back\bspace"`, "U+0008 BACKSPACE"},
		{`"carriage\rreturn"`, "U+000D CARRIAGE RETURN"},
		{`"form\ffeed"`, "U+000C FORM FEED"},
		{`"\x7f"`, "U+007F DELETE"},
		{`"next\Nline"`, "U+0085 NEXT LINE"},
		{`"csi \x9b31m"`, "U+009B CONTROL SEQUENCE INTRODUCER"},
		{`"\u202Etxt.exe"`, "U+202E RIGHT-TO-LEFT OVERRIDE"},
		{`"a \u202A b"`, "U+202A LEFT-TO-RIGHT EMBEDDING"},
		{`"isolate \u2066x\u2069"`, "U+2066 LEFT-TO-RIGHT ISOLATE"},
		{`"pop \u2069"`, "U+2069 POP DIRECTIONAL ISOLATE"},
		{`"zero\u200Bwidth"`, "U+200B ZERO WIDTH SPACE"},
		{`"mark \u200F"`, "U+200F RIGHT-TO-LEFT MARK"},
		{`"join\u200Dascii"`, "U+200D ZERO WIDTH JOINER"},
		{`"line\Lsep"`, "U+2028 LINE SEPARATOR"},
		{`"para\u2029sep"`, "U+2029 PARAGRAPH SEPARATOR"},
		{`"bom \uFEFF inside"`, "U+FEFF ZERO WIDTH NO-BREAK SPACE"},
		{`"word\u2060joiner"`, "U+2060 WORD JOINER"},
		{`"tag \U000E0041"`, "U+E0041 (an invisible tag character)"},
		{`"hangul \u3164 filler"`, "U+3164 HANGUL FILLER"},
		{`'raw ` + "\u202e" + `'`, "U+202E RIGHT-TO-LEFT OVERRIDE"},
		{"plain \u2067 raw", "U+2067 RIGHT-TO-LEFT ISOLATE"},
	}
	fields := []struct{ file, after, key string }{
		{"releases/4.3.0.yaml", "version:", "codename"},
		{ConfigFile, "  name: Atlas", "  vendor"},
		{"locales/de/releases/4.3.0.yaml", "version:", "summary"},
		{"locales/de/language.yaml", "locale:", "dateFormat"},
		{CustomersFile, "  - id: contoso", "    name"},
	}
	for _, f := range fields {
		base := string(mustRead(t, "../examples/atlas/"+f.file))
		for _, v := range values {
			t.Run(f.file+"/"+v.yaml, func(t *testing.T) {
				src, line := withLine(t, base, f.after, f.key+": "+v.yaml, false)
				if f.key == "summary" || f.key == "dateFormat" || strings.HasSuffix(f.key, "name") {
					src = dropKey(src, f.key, line)
				}
				ds := diagsOf(t, f.file, src)
				for _, d := range ds {
					if d.Code == "AR0112" {
						if d.Line != line || d.Col < 1 || !strings.Contains(d.Message, v.name) {
							t.Fatalf("got %v, want line %d naming %s", d, line, v.name)
						}
						return
					}
				}
				t.Fatalf("want AR0112 at line %d; got:\n%s", line, diagLines(ds))
			})
		}
	}
}

// dropKey removes the other line that sets key at the same indentation as the
// line inserted at line, so that the inserted one is the only one.
func dropKey(src, key string, line int) string {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if i != line-1 && strings.HasPrefix(l, key+":") {
			end := i + 1
			indent := len(key) - len(strings.TrimLeft(key, " "))
			for end < len(lines) && (strings.TrimSpace(lines[end]) == "" || len(lines[end])-len(strings.TrimLeft(lines[end], " ")) > indent) {
				end++
			}
			return strings.Join(append(lines[:i:i], lines[end:]...), "\n")
		}
	}
	return src
}

// TestControlCharactersInKeysAndTags checks what is not a value.
func TestControlCharactersInKeysAndTags(t *testing.T) {
	base := string(mustRead(t, "../examples/atlas/releases/4.3.0.yaml"))
	for _, tt := range []struct{ line, name string }{
		{`"code\u202Ename": x`, "U+202E"},
		{"\"key\\twith tab\": x", "U+0009 CHARACTER TABULATION"},
		{"\"key\\nwith newline\": x", "U+000A LINE FEED"},
		{`codename: !<tag:%E2%80%AE> x`, "U+202E"},
	} {
		src, line := withLine(t, base, "version:", tt.line, false)
		ds := diagsOf(t, "releases/4.3.0.yaml", src)
		found := false
		for _, d := range ds {
			if d.Code == "AR0112" && d.Line == line && strings.Contains(d.Message, tt.name) {
				found = true
			}
			if strings.ContainsAny(d.Message, "\u202e\t\n") {
				t.Errorf("the message carries the character: %q", d.Message)
			}
		}
		if !found {
			t.Errorf("%s: want AR0112 naming %s at line %d; got:\n%s", tt.line, tt.name, line, diagLines(ds))
		}
	}
}

// TestLegitimateTextIsAccepted keeps what real text needs: tabs and line
// breaks in block scalars, emoji sequences and scripts that need joiners.
func TestLegitimateTextIsAccepted(t *testing.T) {
	base := string(mustRead(t, "../examples/atlas/releases/4.3.0.yaml"))
	for _, v := range []string{
		"|\n  Tabs\tinside\tlines\n  and several\n  lines",
		`"tab\tand\nnewline escapes"`,
		"Developer 👩\u200d💻 and family 👨\u200d👩\u200d👧",
		"Persian می\u200cخواهم",
		"Devanagari क्\u200dष",
		"accents café, ß, Ω, 中文, العربية",
		`"\u00e9t\u00e9"`,
	} {
		src, _ := withLine(t, base, "version:", "codename: "+v, false)
		for _, d := range diagsOf(t, "releases/4.3.0.yaml", src) {
			t.Errorf("%q: %v", v, d)
		}
	}
}

func TestRawInvisibleCharactersAnywhere(t *testing.T) {
	base := string(mustRead(t, "../examples/atlas/releases/4.3.0.yaml"))
	for _, tt := range []struct {
		line string
		col  int
	}{
		{"# a comment \u202e hidden", 13},
		{"codename: ab\u200bc", 13},
		{"codename: x\u0085y", 12},
		{"codename: é\u2028", 12},
	} {
		src, line := withLine(t, base, "version:", tt.line, false)
		ds := diagsOf(t, "releases/4.3.0.yaml", src)
		if len(ds) != 1 || ds[0].Code != "AR0112" || ds[0].Pos != (Pos{line, tt.col}) {
			t.Errorf("%q: want one AR0112 at %d:%d; got:\n%s", tt.line, line, tt.col, diagLines(ds))
		}
	}
}

func TestRuneNames(t *testing.T) {
	for r, want := range map[rune]string{
		0x1b: "U+001B ESCAPE", 0x202e: "U+202E RIGHT-TO-LEFT OVERRIDE", 0x90: "U+0090 (a C1 control character)",
		0x2064: "U+2064 INVISIBLE PLUS", 0x0600: "U+0600 (an invisible formatting character)",
	} {
		if got := runeName(r); got != want {
			t.Errorf("runeName(%U) = %q, want %q", r, got, want)
		}
	}
}

// TestEveryDefaultIgnorableIsRefused checks the table of Default_Ignorable_Code_Point
// against its derivation from the standard library's tables (Other_DI, Cf and
// the variation selectors, less white space, the interlinear annotation
// characters, the Egyptian hieroglyph format controls and the prepended
// concatenation marks), and that every such character, private-use character
// and noncharacter is refused where nothing around it excuses it.
func TestEveryDefaultIgnorableIsRefused(t *testing.T) {
	derived := func(r rune) bool {
		return unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Cf, unicode.Variation_Selector) &&
			!unicode.In(r, unicode.White_Space, unicode.Prepended_Concatenation_Mark) &&
			(r < 0xFFF9 || r > 0xFFFB) && (r < 0x13430 || r > 0x1343F)
	}
	n := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if unicode.Is(defaultIgnorable, r) != derived(r) {
			t.Errorf("%U: in the table %v, derived %v", r, unicode.Is(defaultIgnorable, r), derived(r))
		}
		if unicode.In(r, defaultIgnorable, unicode.Co, unicode.Noncharacter_Code_Point, unicode.Cc) && r != '\t' && r != '\n' && r != '\r' {
			n++
			if !UnsafeRune(0, r, 0) || !UnsafeRune('a', r, 'b') {
				t.Errorf("%U is not refused", r)
			}
		}
	}
	if n < 4000+137000 {
		t.Fatalf("only %d characters checked", n)
	}
}

// invisibles are characters that show as nothing, each with how messages name it.
var invisibles = []struct {
	r    rune
	name string
}{
	{0x034F, "U+034F COMBINING GRAPHEME JOINER"},
	{0x17B4, "U+17B4 KHMER VOWEL INHERENT AQ"},
	{0x180B, "U+180B (an invisible variation selector)"},
	{0x180F, "U+180F (an invisible variation selector)"},
	{0x2065, "U+2065 (an invisible character)"},
	{0x2800, "U+2800 BRAILLE PATTERN BLANK"},
	{0xFE00, "U+FE00 (an invisible variation selector)"},
	{0xFE0F, "U+FE0F (an invisible variation selector)"}, // after a letter
	{0xFE0E, "U+FE0E (an invisible variation selector)"},
	{0xFDD0, "U+FDD0 (a noncharacter)"},
	{0xFFF0, "U+FFF0 (an invisible character)"},
	{0xFFFC, "U+FFFC OBJECT REPLACEMENT CHARACTER"},
	{0xFFFF, "U+FFFF (a noncharacter)"},
	{0xE000, "U+E000 (a private-use character)"},
	{0xF8FF, "U+F8FF (a private-use character)"},
	{0x1BCA0, "U+1BCA0 (an invisible formatting character)"},
	{0x1FFFE, "U+1FFFE (a noncharacter)"},
	{0xE0080, "U+E0080 (an invisible character)"},
	{0xE0F00, "U+E0F00 (an invisible character)"},
	{0xF0000, "U+F0000 (a private-use character)"},
	{0x10FFFD, "U+10FFFD (a private-use character)"},
	{0x10FFFF, "U+10FFFF (a noncharacter)"},
}

// TestInvisibleCharactersInEveryFile writes each invisible character, as an
// escape and raw, into a text field of each of the five kinds of YAML file.
func TestInvisibleCharactersInEveryFile(t *testing.T) {
	fields := []struct{ file, after, key string }{
		{"releases/4.3.0.yaml", "version:", "codename"},
		{ConfigFile, "  name: Atlas", "  vendor"},
		{"locales/de/releases/4.3.0.yaml", "version:", "summary"},
		{"locales/de/language.yaml", "locale:", "dateFormat"},
		{CustomersFile, "  - id: contoso", "    name"},
	}
	for _, f := range fields {
		base := string(mustRead(t, "../examples/atlas/"+f.file))
		for _, c := range invisibles {
			for _, v := range []string{fmt.Sprintf(`"ab\U%08X{day}"`, c.r), `"ab` + string(c.r) + `{day}"`} {
				t.Run(fmt.Sprintf("%s/%q", f.file, v), func(t *testing.T) {
					src, line := withLine(t, base, f.after, f.key+": "+v, false)
					if f.key == "summary" || f.key == "dateFormat" || strings.HasSuffix(f.key, "name") {
						src = dropKey(src, f.key, line)
					}
					ds := diagsOf(t, f.file, src)
					for _, d := range ds {
						if d.Code == "AR0112" && d.Line == line && d.Col >= 1 && strings.Contains(d.Message, c.name) {
							return
						}
					}
					t.Fatalf("want AR0112 at line %d naming %s; got:\n%s", line, c.name, diagLines(ds))
				})
			}
		}
	}
}

// TestTabsOnlyInTextOfSeveralLines refuses a tab in a one-line value, where it
// hides how far apart words are, and keeps it in text of several lines.
func TestTabsOnlyInTextOfSeveralLines(t *testing.T) {
	base := string(mustRead(t, "../examples/atlas/releases/4.3.0.yaml"))
	for _, tt := range []struct {
		value string
		bad   bool
	}{
		{`"Big\tBear"`, true},
		{"Big\tBear", true},
		{"'Big\tBear'", true},
		{"\"Big Bear\t\"", true},
		{"|-\n  Big\tBear", false},
		{">-\n  Big\tBear", false},
		{"|\n  Big\tBear\n  Second line", false},
		{`"Big\tBear\nSecond line"`, false},
		{"\"Big\tBear\n\n  Second line\"", false},
	} {
		src, line := withLine(t, base, "version:", "codename: "+tt.value, false)
		ds := diagsOf(t, "releases/4.3.0.yaml", src)
		switch {
		case tt.bad && (len(ds) != 1 || ds[0].Code != "AR0112" || ds[0].Line != line || !strings.Contains(ds[0].Message, "U+0009 CHARACTER TABULATION")):
			t.Errorf("%q: want one AR0112 at line %d naming the tab; got:\n%s", tt.value, line, diagLines(ds))
		case !tt.bad && len(ds) > 0:
			t.Errorf("%q: got:\n%s", tt.value, diagLines(ds))
		}
	}
}

// TestPresentationSelectors keeps emoji and text presentation where a
// character takes it, and refuses the selectors elsewhere.
func TestPresentationSelectors(t *testing.T) {
	for _, tt := range []struct {
		s  string
		ok bool
	}{
		{"sunny ☀\uFE0F", true},
		{"keycap 1\uFE0F\u20E3 and #\uFE0F\u20E3", true},
		{"heart on fire ❤\uFE0F\u200D🔥", true},
		{"trademark ™\uFE0E", true},
		{"arrow ↔\uFE0F", true},
		{"letter a\uFE0F", false},
		{"\uFE0F at the start", false},
		{"space \uFE0F", false},
		{"twice ☀\uFE0F\uFE0F", false},
		{"accent é\uFE0E", false},
		{"selector FE00 ☀\uFE00", false},
	} {
		if _, _, bad := findUnsafe(tt.s, oneLine); bad == tt.ok {
			t.Errorf("%q: refused %v, want %v", tt.s, bad, !tt.ok)
		}
	}
}

func TestFindUnsafeText(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want Pos
		what string
	}{
		{"line one\r\n\tline two\n", Pos{}, ""},
		{"ab\x1b[31m", Pos{1, 3}, "U+001B ESCAPE"},
		{"a\nbé\u202e", Pos{2, 3}, "U+202E RIGHT-TO-LEFT OVERRIDE"},
		{"a\n\xff", Pos{2, 1}, "invalid UTF-8 byte 0xff"},
		{"x\x00", Pos{1, 2}, "U+0000 NULL"},
		{"emoji 👩\u200d💻", Pos{}, ""},
		{"bell \a", Pos{1, 6}, "U+0007 BELL"},
		{"\U000E0F00", Pos{1, 1}, "U+E0F00"},
	} {
		p, what, bad := FindUnsafeText([]byte(tt.src))
		if bad != (tt.what != "") || p != tt.want || !strings.HasPrefix(what, tt.what) {
			t.Errorf("%q: %v %q %v; want %v %q", tt.src, p, what, bad, tt.want, tt.what)
		}
	}
}

// TestScanFileText: the one pre-parse pass finds what is not text anywhere in
// the file before any unsafe character, and positions both.
func TestScanFileText(t *testing.T) {
	for _, tt := range []struct {
		src, code string
		want      Pos
		what      string
	}{
		{"line one\r\n\tline two\n", "", Pos{}, ""},
		{"a\nbé\u202e", "AR0112", Pos{2, 3}, "U+202E RIGHT-TO-LEFT OVERRIDE"},
		{"a\u202e\nb\x00", "AR0101", Pos{2, 2}, "control character U+0000"},
		{"a\u200b\n\xff", "AR0101", Pos{2, 1}, "invalid UTF-8 byte 0xff"},
		{"x\x7f", "AR0101", Pos{1, 2}, "control character U+007F"},
		{"é\u0085", "AR0112", Pos{1, 2}, "U+0085"},
		{"emoji 👩\u200d💻", "", Pos{}, ""},
		{"a\u200d", "AR0112", Pos{1, 2}, "U+200D"},
	} {
		p, code, what, bad := scanFileText([]byte(tt.src))
		if bad != (tt.code != "") || code != tt.code || p != tt.want || !strings.HasPrefix(what, tt.what) {
			t.Errorf("%q: %v %s %q %v; want %v %s %q", tt.src, p, code, what, bad, tt.want, tt.code, tt.what)
		}
	}
}

// FuzzScanFileText holds the one pass to the two it replaced: the first
// non-text place in the whole file (findNonText below), else FindUnsafeText's
// finding.
func FuzzScanFileText(f *testing.F) {
	for _, s := range []string{"a: b\n", "a\u202e\nb\x00", "é\u0085", "\xff", "👩\u200d💻\r\n\t", "a\u200d"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		p, code, what, bad := scanFileText(src)
		wantCode := ""
		wantP, wantWhat, wantBad := findNonText(src)
		if wantBad {
			wantCode = "AR0101"
		} else if wantP, wantWhat, wantBad = FindUnsafeText(src); wantBad {
			wantCode = "AR0112"
		}
		if p != wantP || code != wantCode || what != wantWhat || bad != wantBad {
			t.Fatalf("%q: %v %s %q; want %v %s %q", src, p, code, what, wantP, wantCode, wantWhat)
		}
	})
}

// findNonText is the pre-parse check scanFileText took over, kept as its
// reference: the first byte sequence that is not UTF-8 text, invalid UTF-8 or
// a control character other than tab, line feed and carriage return.
func findNonText(src []byte) (Pos, string, bool) {
	line, col := 1, 1
	for i := 0; i < len(src); {
		c, size := utf8.DecodeRune(src[i:])
		switch {
		case c == utf8.RuneError && size <= 1:
			return Pos{line, col}, fmt.Sprintf("invalid UTF-8 byte 0x%02x", src[i]), true
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r', c == 0x7f:
			return Pos{line, col}, fmt.Sprintf("control character U+%04X (binary data?)", c), true
		case c == '\n':
			line, col = line+1, 0
		}
		i += size
		col++
	}
	return Pos{}, "", false
}
