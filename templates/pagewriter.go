package templates

import (
	"bufio"
	"strconv"

	"github.com/atlas-release/atlas-release/internal/human"
)

// pageWriter writes the runbook's pages (and the fleet status page) into a
// buffered writer: text and markup in parts, and numbers, durations and clock
// times appended straight into the buffer. A runbook of many releases has
// thousands of each, and a string apiece for them made allocation a fifth of
// rendering every path of a workspace. bufio.Writer keeps its first error for
// Flush, so no method returns one.
type pageWriter struct{ *bufio.Writer }

// raw writes markup (or Markdown) as it is.
func (w pageWriter) raw(s ...string) {
	for _, x := range s {
		w.WriteString(x)
	}
}

// text writes text escaped for HTML, as html.EscapeString does, without
// building the escaped string.
func (w pageWriter) text(s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;" // "&#39;" is shorter than "&apos;", and apos was not in HTML until HTML5
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;" // "&#34;" is shorter than "&quot;"
		default:
			continue
		}
		w.WriteString(s[last:i])
		w.WriteString(esc)
		last = i + 1
	}
	w.WriteString(s[last:])
}

// markdown writes a Markdown field converted to safe HTML.
func (w pageWriter) markdown(md string) { w.WriteString(string(FragmentHTML(md))) }

// int writes n in decimal.
func (w pageWriter) int(n int) { w.Write(strconv.AppendInt(w.AvailableBuffer(), int64(n), 10)) }

// minutes writes a duration as Minutes does: "1 h 05 min".
func (w pageWriter) minutes(n int) { w.Write(human.AppendMinutes(w.AvailableBuffer(), n)) }

// clock writes minutes from the start of the window as clock does: "1:05".
func (w pageWriter) clock(n int) { w.Write(appendClock(w.AvailableBuffer(), n)) }

// percent writes part/whole as percent does: "12.50%".
func (w pageWriter) percent(part, whole int) {
	w.Write(appendPercent(w.AvailableBuffer(), part, whole))
}

// list writes the parts with ", " between them, as strings.Join(parts, ", ")
// would give them.
func (w pageWriter) list(parts []string) {
	for i, p := range parts {
		if i > 0 {
			w.WriteString(", ")
		}
		w.WriteString(p)
	}
}

// listText writes the parts, each escaped for HTML, with ", " between them.
func (w pageWriter) listText(parts []string) {
	for i, p := range parts {
		if i > 0 {
			w.WriteString(", ")
		}
		w.text(p)
	}
}
