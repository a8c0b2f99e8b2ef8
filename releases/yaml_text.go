package releases

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Text read from a workspace ends up in terminals, Markdown, HTML, the changelog
// and ZenDesk. Characters that control a terminal or change how text reads
// without being seen (a right-to-left override turns "exe.txt" into "txt.exe")
// are refused wherever they come from: written raw, or written as YAML escapes
// ("\e", "\x1b", "\u202E", "\N") that the parser turns into them.

// spoofingRune reports whether r, at index i of s, is a character text must not
// hold: a control character (tab and line feed are allowed in values: block
// scalars hold them), a format character (bidirectional controls, zero-width
// characters, the byte order mark, tag characters), a line or paragraph
// separator, or another invisible filler. The zero-width joiner and non-joiner
// are allowed between two non-ASCII characters, where emoji sequences and
// scripts such as Persian or Devanagari need them.
func spoofingRune(s string, i int, r rune, key bool) bool {
	switch {
	case r == '\t' || r == '\n':
		return key
	case r == 0x200C || r == 0x200D:
		return !joins(s, i, r)
	case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Zl, r), unicode.Is(unicode.Zp, r):
		return true
	case r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0: // Hangul fillers, blank yet letters
		return true
	case r >= 0xE0100 && r <= 0xE01EF: // variation selectors that hide data in text
		return true
	}
	return false
}

// joins reports whether the joiner r at index i of s stands between two
// visible non-ASCII characters.
func joins(s string, i int, r rune) bool {
	before, _ := utf8.DecodeLastRuneInString(s[:i])
	after, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
	visible := func(c rune) bool {
		return c > utf8.RuneSelf && c != utf8.RuneError && !unicode.IsSpace(c) &&
			!unicode.Is(unicode.Cf, c) && !unicode.Is(unicode.Cc, c)
	}
	return visible(before) && visible(after)
}

// findSpoofing returns the index and the first character of s that text must
// not hold.
func findSpoofing(s string, key bool) (int, rune, bool) {
	for i, r := range s {
		if r >= 0x20 && r < 0x7f {
			continue
		}
		if spoofingRune(s, i, r, key) {
			return i, r, true
		}
	}
	return 0, 0, false
}

// findRawSpoofing finds, in the raw bytes of a file that findNonText accepted,
// the first character that findSpoofing refuses, with its position. Tab, line
// feed and carriage return are the file's own layout.
func findRawSpoofing(src []byte) (Pos, rune, bool) {
	s := string(src)
	line, col := 1, 1
	for i, r := range s {
		switch {
		case r == '\n':
			line, col = line+1, 1
			continue
		case r >= 0x20 && r < 0x7f, r == '\t', r == '\r':
		case spoofingRune(s, i, r, false):
			return Pos{line, col}, r, true
		}
		col++
	}
	return Pos{}, 0, false
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
		report := func(s, what string) {
			if i, c, bad := findSpoofing(s, key); bad {
				found++
				r.report(nodePos(n), "AR0112", "%s holds %s%s; remove it or write it visibly",
					what, runeName(c), position(s, i))
			}
		}
		if n.Style&yaml.TaggedStyle != 0 {
			report(n.Tag, "the tag of "+name(path))
		}
		switch n.Kind {
		case yaml.ScalarNode:
			what := name(path)
			if key {
				what = "a key in " + where(path)
			}
			report(n.Value, what)
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

// runeName names a character for messages: "U+202E RIGHT-TO-LEFT OVERRIDE".
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
	case r >= 0xE0100 && r <= 0xE01EF:
		return code + " (an invisible variation selector)"
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
	0x115F:  "HANGUL CHOSEONG FILLER",
	0x1160:  "HANGUL JUNGSEONG FILLER",
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
	0x3164:  "HANGUL FILLER",
	0xFEFF:  "ZERO WIDTH NO-BREAK SPACE (byte order mark)",
	0xFFA0:  "HALFWIDTH HANGUL FILLER",
	0xFFF9:  "INTERLINEAR ANNOTATION ANCHOR",
	0xFFFA:  "INTERLINEAR ANNOTATION SEPARATOR",
	0xFFFB:  "INTERLINEAR ANNOTATION TERMINATOR",
	0xE0001: "LANGUAGE TAG",
	0xE007F: "CANCEL TAG",
}
