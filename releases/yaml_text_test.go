package releases

import (
	"strings"
	"testing"
	"testing/fstest"
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
