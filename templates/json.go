package templates

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"
)

// WriteJSON writes v as JSON indented by two spaces, without HTML escaping, ending
// in a newline: the same bytes as json.MarshalIndent, in one pass. The encoder's
// compact output goes straight through an indenter into a buffered writer, so
// that no indented copy of the document is built and nothing is scanned twice:
// encoding/json's own indenting rescans its output with its full validating
// scanner, which dominates the cost of large documents such as runbooks, and the
// output of the encoder needs no validation, only indentation.
func WriteJSON(w io.Writer, v any) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	ind := &indenter{w: bw}
	enc := json.NewEncoder(ind)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return bw.Flush()
}

// indenter indents the valid, compact JSON written to it (one value per Encode,
// each ending in a newline) by two spaces. Empty objects and arrays stay on one
// line, as json.Indent leaves them. It keeps its state between writes, since a
// token can be split across them.
type indenter struct {
	w     *bufio.Writer
	depth int
	// inString and escaped track a string being copied.
	inString, escaped bool
	// opened holds a '{' or '[' whose line break waits for the next byte: none
	// if the container is empty.
	opened byte
}

func (ind *indenter) Write(p []byte) (int, error) {
	w := ind.w
	for i := 0; i < len(p); i++ {
		c := p[i]
		if ind.inString {
			// Copy the rest of the string in one go.
			j := i
			for ; j < len(p); j++ {
				if ind.escaped {
					ind.escaped = false
					continue
				}
				if p[j] == '\\' {
					ind.escaped = true
				} else if p[j] == '"' {
					ind.inString = false
					break
				}
			}
			if j == len(p) {
				j--
			}
			_, _ = w.Write(p[i : j+1])
			i = j
			continue
		}
		if ind.opened != 0 {
			open := ind.opened
			ind.opened = 0
			if c == '}' || c == ']' {
				_ = w.WriteByte(open)
				_ = w.WriteByte(c)
				continue
			}
			_ = w.WriteByte(open)
			ind.depth++
			ind.newline()
		}
		switch c {
		case '"':
			ind.inString = true
			_ = w.WriteByte(c)
		case '{', '[':
			ind.opened = c
		case '}', ']':
			ind.depth--
			ind.newline()
			_ = w.WriteByte(c)
		case ',':
			_ = w.WriteByte(',')
			ind.newline()
		case ':':
			_, _ = w.WriteString(": ")
		default:
			// Copy a run of plain bytes (numbers, literals) in one go.
			j := i + 1
			for j < len(p) && !structural[p[j]] {
				j++
			}
			_, _ = w.Write(p[i:j])
			i = j - 1
		}
	}
	// The buffered writer keeps its first error and returns it from Flush.
	return len(p), nil
}

// structural marks the bytes that end a run of plain bytes outside strings.
var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true, ',': true, ':': true}

// indentation is a line break and the spaces of the shallower levels, sliced.
var indentation = "\n" + strings.Repeat("  ", 32)

func (ind *indenter) newline() {
	if n := 1 + 2*ind.depth; n <= len(indentation) {
		_, _ = ind.w.WriteString(indentation[:n])
		return
	}
	_ = ind.w.WriteByte('\n')
	for range ind.depth {
		_, _ = ind.w.WriteString("  ")
	}
}
