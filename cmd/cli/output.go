package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
)

// writeJSON writes v as indented JSON, the form every --json flag prints.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// render writes what fn produces to the file out (atomically: a failure leaves
// nothing behind), or to standard output when out is empty or "-".
func render(f *Factory, out string, fn func(io.Writer) error) error {
	if out == "" || out == "-" {
		return fn(f.IO.Out)
	}
	var b bytes.Buffer
	if err := fn(&b); err != nil {
		return err
	}
	return writeFileAtomic(out, b.Bytes(), 0o644)
}

// printable returns s as it is when every character of it prints as itself,
// and quoted with escapes otherwise: text from a file or a server (a signed
// comment, a name) must not move the cursor, set a window title or reorder what
// follows on a terminal.
func printable(s string) string {
	for _, r := range s {
		if !strconv.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}
