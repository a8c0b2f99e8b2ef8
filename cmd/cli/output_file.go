package cli

import (
	"bytes"
	"io"
)

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
