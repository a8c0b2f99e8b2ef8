package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/atlas-release/atlas-release/templates"
)

// writeJSON writes v as indented JSON, the form every --json flag prints, or
// what --jq makes of it when w is standard output filtered by --jq.
func writeJSON(w io.Writer, v any) error {
	if jq, ok := w.(*jqWriter); ok {
		return jq.writeFiltered(v)
	}
	return encodeJSON(w, v)
}

// encodeJSON writes v as indented JSON, without escaping HTML: the output is
// read by people and by JSON parsers, never embedded in a page.
func encodeJSON(w io.Writer, v any) error {
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

// outFormat is the format of a command with --format and --out: an extension of
// --out that names a format (.md, .html, .json) chooses it, so that
// `--out runbook.html` needs no --format; a --format given as well must agree
// with it (given tells an explicit --format from the default). Any other
// extension, or standard output, leaves the choice to --format.
func outFormat(format string, given bool, out string) (templates.Format, error) {
	fromFlag, err := templates.ParseFormat(format)
	if err != nil {
		return "", usageErrorf("--format: %v", err)
	}
	fromOut, ok := formatOfFile(out)
	switch {
	case !ok:
		return fromFlag, nil
	case given && fromFlag != fromOut:
		return "", usageErrorf("--format %s contradicts --out %s, a %s file; give one of them", format, out, fromOut)
	}
	return fromOut, nil
}

// formatOfFile is the format the extension of a file name stands for, if any.
func formatOfFile(out string) (templates.Format, bool) {
	if out == "" || out == "-" {
		return "", false
	}
	switch ext := strings.ToLower(filepath.Ext(out)); ext {
	case ".md", ".markdown":
		return templates.Markdown, true
	case ".html", ".htm":
		return templates.HTML, true
	case ".json":
		return templates.JSON, true
	}
	return "", false
}

// checkOutDir fails when the folder of the file out does not exist: a
// misspelt folder must not be created silently, leaving the file where
// nobody looks for it. Standard output ("" or "-") needs no folder.
func checkOutDir(out string) error {
	if out == "" || out == "-" {
		return nil
	}
	dir := filepath.Dir(out)
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("write %s: folder %s does not exist", out, dir)
	case err != nil:
		return fmt.Errorf("write %s: %w", out, bareError(err))
	case !info.IsDir():
		return fmt.Errorf("write %s: %s is not a folder", out, dir)
	}
	return nil
}

// render writes what fn produces to the file out (atomically: a failure leaves
// nothing behind), or to standard output when out is empty or "-". The folder
// of out must exist.
func render(f *Factory, out string, fn func(io.Writer) error) error {
	if out == "" || out == "-" {
		return fn(f.IO.Out)
	}
	if err := checkOutDir(out); err != nil {
		return err
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
