package releases

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Text read from a workspace ends up in terminals, Markdown, HTML, the changelog
// and ZenDesk. Characters that control a terminal or change how text reads
// without being seen (a right-to-left override turns "exe.txt" into "txt.exe")
// are refused wherever they come from: written raw, or written as YAML escapes
// ("\e", "\x1b", "\u202E", "\N") that the parser turns into them.

// layout says which of tab, line feed and carriage return a text may hold:
// they lay text out, but where text is one line (a key, a name, a title) a
// tab hides how far apart words are and a line break forges lines.
type layout uint8

const (
	oneLine   layout = iota // keys, tags, names: none of them
	multiLine               // block scalars and values of several lines: tab and line feed
	fileText                // the text of a file: tab, line feed and carriage return
)

// allows reports whether text of this layout may hold r.
func (l layout) allows(r rune) bool {
	switch r {
	case '\t', '\n':
		return l != oneLine
	case '\r':
		return l == fileText
	}
	return false
}

// UnsafeRune reports whether r, written between prev and next (0 at either end
// of the text), is a character text must not hold (rule AR0112): a control
// character, a format character (bidirectional controls, zero-width
// characters, the byte order mark, tag characters), a line or paragraph
// separator, any other Default_Ignorable_Code_Point of Unicode (fillers,
// variation selectors, reserved invisible code points), a private-use
// character, a noncharacter, a blank braille pattern or an object replacement
// character. Two exceptions keep real text: the zero-width joiner and
// non-joiner between two visible non-ASCII characters, where emoji sequences
// and scripts such as Persian or Devanagari need them; and the text and emoji
// presentation selectors U+FE0E and U+FE0F right after a symbol, a punctuation
// mark or a keycap base (#, *, 0-9) — every character with a standardized
// emoji variation sequence is one of those, so after anything else they only
// hide data. Tab, line feed and carriage return are layout, which the caller
// judges. It is the one definition of the characters refused in workspace text,
// in templates and in what templates produce.
func UnsafeRune(prev, r, next rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r >= 0x20 && r < 0x7f:
		return false
	case r == zwnj || r == zwj:
		return !visible(prev) || !visible(next)
	case r == 0xFE0E || r == 0xFE0F:
		return !takesPresentation(prev)
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co, unicode.Cs,
		defaultIgnorable, unicode.Noncharacter_Code_Point) ||
		r == 0x2800 || r == 0xFFFC
}

const (
	zwnj = 0x200C
	zwj  = 0x200D
)

// defaultIgnorable is Unicode's Default_Ignorable_Code_Point, as
// DerivedCoreProperties.txt (Unicode 16.0) lists it: characters a renderer
// shows as nothing, assigned or reserved for that.
var defaultIgnorable = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x00AD, Hi: 0x00AD, Stride: 1},
		{Lo: 0x034F, Hi: 0x034F, Stride: 1},
		{Lo: 0x061C, Hi: 0x061C, Stride: 1},
		{Lo: 0x115F, Hi: 0x1160, Stride: 1},
		{Lo: 0x17B4, Hi: 0x17B5, Stride: 1},
		{Lo: 0x180B, Hi: 0x180F, Stride: 1},
		{Lo: 0x200B, Hi: 0x200F, Stride: 1},
		{Lo: 0x202A, Hi: 0x202E, Stride: 1},
		{Lo: 0x2060, Hi: 0x206F, Stride: 1},
		{Lo: 0x3164, Hi: 0x3164, Stride: 1},
		{Lo: 0xFE00, Hi: 0xFE0F, Stride: 1},
		{Lo: 0xFEFF, Hi: 0xFEFF, Stride: 1},
		{Lo: 0xFFA0, Hi: 0xFFA0, Stride: 1},
		{Lo: 0xFFF0, Hi: 0xFFF8, Stride: 1},
	},
	R32: []unicode.Range32{
		{Lo: 0x1BCA0, Hi: 0x1BCA3, Stride: 1},
		{Lo: 0x1D173, Hi: 0x1D17A, Stride: 1},
		{Lo: 0xE0000, Hi: 0xE0FFF, Stride: 1},
	},
	LatinOffset: 1,
}

// visible reports whether c is a visible non-ASCII character a joiner may
// stand next to.
func visible(c rune) bool {
	if c == 0xFE0F {
		return true // an emoji's presentation selector, judged on its own: "❤️‍🔥"
	}
	return c > utf8.RuneSelf && c != utf8.RuneError && !unicode.IsSpace(c) &&
		!unicode.In(c, unicode.Cf, unicode.Cc, defaultIgnorable)
}

// takesPresentation reports whether a presentation selector may follow c.
func takesPresentation(c rune) bool {
	switch {
	case c == '#' || c == '*' || (c >= '0' && c <= '9'):
		return true
	case c < utf8.RuneSelf:
		return false
	}
	return unicode.In(c, unicode.S, unicode.P)
}

// findUnsafe returns the index and the first character of s that text of the
// layout must not hold.
func findUnsafe(s string, l layout) (int, rune, bool) {
	prev := rune(0)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r < 0x20 || r >= 0x7f) && !l.allows(r) {
			next, _ := utf8.DecodeRuneInString(s[i+size:])
			if r < 0x20 || UnsafeRune(prev, r, next) {
				return i, r, true
			}
		}
		prev = r
		i += size
	}
	return 0, 0, false
}

// findSpoofing returns the index and the first character of s that text must
// not hold: s is a key or a name when key is set, else a value of several lines.
func findSpoofing(s string, key bool) (int, rune, bool) {
	if key {
		return findUnsafe(s, oneLine)
	}
	return findUnsafe(s, multiLine)
}

// FindUnsafeText finds, in the text of a file (a YAML file, a template), the
// first place that is not UTF-8 or holds a character UnsafeRune refuses, with
// its position and what it is ("U+202E RIGHT-TO-LEFT OVERRIDE"). Tab, line
// feed and carriage return are the file's own layout.
func FindUnsafeText(src []byte) (Pos, string, bool) {
	line, col := 1, 1
	prev := rune(0)
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return Pos{line, col}, fmt.Sprintf("invalid UTF-8 byte 0x%02x", src[i]), true
		case r == '\n':
			line, col = line+1, 0
		case r < 0x20 && !fileText.allows(r):
			return Pos{line, col}, runeName(r), true
		case r >= 0x7f:
			next, _ := utf8.DecodeRune(src[i+size:])
			if UnsafeRune(prev, r, next) {
				return Pos{line, col}, runeName(r), true
			}
		}
		prev = r
		i += size
		col++
	}
	return Pos{}, "", false
}

// checkText reports every key, value and tag of a parsed file that holds a
// character text must not hold, once decoded: escapes are resolved by then.
// It stops after maxDecodeErrors findings.
func checkText(r reporter, root *yaml.Node) {
	found := 0
	var walk func(n *yaml.Node, path string, key bool)
	walk = func(n *yaml.Node, path string, key bool) {
		if found >= maxDecodeErrors {
			return
		}
		report := func(s, what string, l layout) {
			if i, c, bad := findUnsafe(s, l); bad {
				found++
				r.report(nodePos(n), "AR0112", "%s holds %s%s; remove it or write it visibly",
					what, runeName(c), position(s, i))
			}
		}
		if n.Style&yaml.TaggedStyle != 0 {
			report(n.Tag, "the tag of "+name(path), oneLine)
		}
		switch n.Kind {
		case yaml.ScalarNode:
			what, l := name(path), valueLayout(n)
			if key {
				what, l = "a key in "+where(path), oneLine
			}
			report(n.Value, what, l)
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				walk(k, path, true)
				walk(n.Content[i+1], join(path, keyName(k)), false)
			}
		default:
			for i, c := range n.Content {
				walk(c, path+"["+strconv.Itoa(i)+"]", false)
			}
		}
	}
	walk(root, "", false)
}

// valueLayout is the layout a value may have: a tab or a line break only in
// text of several lines (a block scalar, or a value that holds a line break).
// The loader does not know which fields are Markdown; a name, a title or an id
// is one line, and a one-line value has no use for a tab.
func valueLayout(n *yaml.Node) layout {
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || strings.Contains(n.Value, "\n") {
		return multiLine
	}
	return oneLine
}

// keyName is a key as messages show it.
func keyName(k *yaml.Node) string {
	if k.Kind != yaml.ScalarNode {
		return strconv.Quote(k.Value)
	}
	return safeName(k.Value)
}

// safeName is a name (a key, a tag, an anchor) as messages show it: quoted, with
// escapes, when it holds a character text must not hold.
func safeName(s string) string {
	if _, _, bad := findSpoofing(s, true); bad {
		return strconv.Quote(s)
	}
	return s
}

// position says where in a longer text a character is, so it can be found.
func position(s string, i int) string {
	if utf8.RuneCountInString(s) <= 1 {
		return ""
	}
	return fmt.Sprintf(" (character %d of the text)", utf8.RuneCountInString(s[:i])+1)
}

// RuneName names a character for messages: "U+202E RIGHT-TO-LEFT OVERRIDE".
func RuneName(r rune) string { return runeName(r) }

func runeName(r rune) string {
	code := fmt.Sprintf("U+%04X", r)
	if n, ok := runeNames[r]; ok {
		return code + " " + n
	}
	switch {
	case r < 0x20:
		return code + " " + c0Names[r]
	case r >= 0x80 && r <= 0x9f:
		return code + " (a C1 control character)"
	case r >= 0xE0000 && r <= 0xE007F:
		return code + " (an invisible tag character)"
	case unicode.Is(unicode.Variation_Selector, r):
		return code + " (an invisible variation selector)"
	case unicode.Is(unicode.Co, r):
		return code + " (a private-use character)"
	case unicode.Is(unicode.Noncharacter_Code_Point, r):
		return code + " (a noncharacter)"
	case unicode.Is(defaultIgnorable, r) && !unicode.Is(unicode.Cf, r):
		return code + " (an invisible character)"
	}
	return code + " (an invisible formatting character)"
}

var c0Names = [32]string{
	"NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION", "ENQUIRY",
	"ACKNOWLEDGE", "BELL", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED", "LINE TABULATION",
	"FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN", "DATA LINK ESCAPE", "DEVICE CONTROL ONE",
	"DEVICE CONTROL TWO", "DEVICE CONTROL THREE", "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE",
	"SYNCHRONOUS IDLE", "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE",
	"INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE", "INFORMATION SEPARATOR TWO",
	"INFORMATION SEPARATOR ONE",
}

var runeNames = map[rune]string{
	0x7F:    "DELETE",
	0x85:    "NEXT LINE",
	0x9B:    "CONTROL SEQUENCE INTRODUCER",
	0x9D:    "OPERATING SYSTEM COMMAND",
	0xAD:    "SOFT HYPHEN",
	0x061C:  "ARABIC LETTER MARK",
	0x034F:  "COMBINING GRAPHEME JOINER",
	0x115F:  "HANGUL CHOSEONG FILLER",
	0x1160:  "HANGUL JUNGSEONG FILLER",
	0x17B4:  "KHMER VOWEL INHERENT AQ",
	0x17B5:  "KHMER VOWEL INHERENT AA",
	0x180E:  "MONGOLIAN VOWEL SEPARATOR",
	0x200B:  "ZERO WIDTH SPACE",
	0x200C:  "ZERO WIDTH NON-JOINER",
	0x200D:  "ZERO WIDTH JOINER",
	0x200E:  "LEFT-TO-RIGHT MARK",
	0x200F:  "RIGHT-TO-LEFT MARK",
	0x2028:  "LINE SEPARATOR",
	0x2029:  "PARAGRAPH SEPARATOR",
	0x202A:  "LEFT-TO-RIGHT EMBEDDING",
	0x202B:  "RIGHT-TO-LEFT EMBEDDING",
	0x202C:  "POP DIRECTIONAL FORMATTING",
	0x202D:  "LEFT-TO-RIGHT OVERRIDE",
	0x202E:  "RIGHT-TO-LEFT OVERRIDE",
	0x2060:  "WORD JOINER",
	0x2061:  "FUNCTION APPLICATION",
	0x2062:  "INVISIBLE TIMES",
	0x2063:  "INVISIBLE SEPARATOR",
	0x2064:  "INVISIBLE PLUS",
	0x2066:  "LEFT-TO-RIGHT ISOLATE",
	0x2067:  "RIGHT-TO-LEFT ISOLATE",
	0x2068:  "FIRST STRONG ISOLATE",
	0x2069:  "POP DIRECTIONAL ISOLATE",
	0x2800:  "BRAILLE PATTERN BLANK",
	0x3164:  "HANGUL FILLER",
	0xFEFF:  "ZERO WIDTH NO-BREAK SPACE (byte order mark)",
	0xFFA0:  "HALFWIDTH HANGUL FILLER",
	0xFFF9:  "INTERLINEAR ANNOTATION ANCHOR",
	0xFFFA:  "INTERLINEAR ANNOTATION SEPARATOR",
	0xFFFB:  "INTERLINEAR ANNOTATION TERMINATOR",
	0xFFFC:  "OBJECT REPLACEMENT CHARACTER",
	0xE0001: "LANGUAGE TAG",
	0xE007F: "CANCEL TAG",
}

// scanFileText is the one pass over a file's bytes before it is parsed. It
// finds the first place that is not text anywhere in the file (invalid UTF-8
// or a control character, rule AR0101: binary data, most likely), else the
// first character text must not hold (AR0112), where FindUnsafeText would.
// ASCII, nearly all of a workspace, costs a comparison or two per byte.
func scanFileText(src []byte) (p Pos, code, what string, bad bool) {
	line, col := 1, 1
	prev := rune(0)
	var unsafeAt Pos
	unsafeWhat := ""
	for i := 0; i < len(src); {
		if c := src[i]; c < utf8.RuneSelf {
			switch {
			case c == '\n':
				line, col = line+1, 0
			case c < 0x20 && c != '\t' && c != '\r', c == 0x7f:
				return Pos{line, col}, "AR0101", fmt.Sprintf("control character U+%04X (binary data?)", c), true
			}
			prev = rune(c)
			i++
			col++
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return Pos{line, col}, "AR0101", fmt.Sprintf("invalid UTF-8 byte 0x%02x", src[i]), true
		}
		if unsafeWhat == "" {
			if next, _ := utf8.DecodeRune(src[i+size:]); UnsafeRune(prev, r, next) {
				unsafeAt, unsafeWhat = Pos{line, col}, runeName(r)
			}
		}
		prev = r
		i += size
		col++
	}
	if unsafeWhat != "" {
		return unsafeAt, "AR0112", unsafeWhat, true
	}
	return Pos{}, "", "", false
}
