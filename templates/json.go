package templates

import (
	"bytes"
	"encoding/json"
	"io"
)

// WriteJSON writes v as JSON indented by two spaces, without HTML escaping, ending
// in a newline: the same bytes as json.MarshalIndent, in a fraction of the time.
// encoding/json indents by scanning its own output again with its full
// validating scanner, which dominates the cost of large documents such as
// runbooks; the output of json.Marshal needs no validation, only indentation.
func WriteJSON(w io.Writer, v any) error {
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(indentJSON(make([]byte, 0, compact.Len()*2), bytes.TrimSuffix(compact.Bytes(), []byte("\n"))))
	return err
}

// indentJSON appends the valid, compact JSON src to dst, indented by two spaces,
// with a final newline. Empty objects and arrays stay on one line, as json.Indent
// leaves them.
func indentJSON(dst, src []byte) []byte {
	depth := 0
	newline := func() {
		dst = append(dst, '\n')
		for range depth {
			dst = append(dst, ' ', ' ')
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '"':
			// Copy the whole string, escapes included.
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			dst = append(dst, src[i:j+1]...)
			i = j
		case '{', '[':
			if i+1 < len(src) && (src[i+1] == '}' || src[i+1] == ']') {
				dst = append(dst, c, src[i+1])
				i++
				continue
			}
			dst = append(dst, c)
			depth++
			newline()
		case '}', ']':
			depth--
			newline()
			dst = append(dst, c)
		case ',':
			dst = append(dst, ',')
			newline()
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '\n')
}
