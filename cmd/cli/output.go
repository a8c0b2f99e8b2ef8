package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

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
// extension, or standard output, leaves the choice to --format, whose default
// is empty: Markdown. (An empty default keeps cobra from printing one beside
// the help's "default: from the extension of --out, else md".)
func outFormat(format string, given bool, out string) (templates.Format, error) {
	if format == "" && !given {
		format = string(templates.Markdown)
	}
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
	if err := outFile("--out", out); err != nil {
		return err
	}
	if err := checkOutDir(out); err != nil {
		return err
	}
	_, err := streamRegenerable(out, fn)
	return err
}

// streamRegenerable writes what fn produces straight into a temporary file
// beside path and renames it over path when fn succeeds: a reader never sees
// half a file and a failure leaves nothing behind. The output is derived from
// the workspace (a rerun regenerates it), so it is not synced to disk. It
// returns how many bytes the file holds.
func streamRegenerable(path string, fn func(io.Writer) error) (written int64, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", path, bareError(err))
	}
	name := tmp.Name()
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(name)
		}
	}()
	if written, err = writeThrough(tmp, path, fn); err != nil {
		return 0, err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return 0, fmt.Errorf("write %s: %w", path, bareError(err))
	}
	if err = tmp.Close(); err != nil {
		return 0, fmt.Errorf("write %s: %w", path, bareError(err))
	}
	if err = os.Rename(name, path); err != nil {
		return 0, fmt.Errorf("write %s: %w", path, bareError(err))
	}
	return written, nil
}

// writeThrough writes what fn produces to dst through a pooled buffer and
// returns how many bytes reached dst. A write error of dst is reported as
// writing path, whether fn meets it (a renderer writing into the buffer
// directly flushes it itself) or the last flush does: the user is told which
// output failed, not the name of a temporary file that is gone.
func writeThrough(dst io.Writer, path string, fn func(io.Writer) error) (int64, error) {
	counted := &countingWriter{w: dst}
	bw := regenerableBuffers.Get().(*bufio.Writer)
	bw.Reset(counted)
	defer func() {
		bw.Reset(nil) // keep no reference to dst in the pool
		regenerableBuffers.Put(bw)
	}()
	err := fn(bw)
	if err == nil {
		err = bw.Flush()
	}
	if counted.err != nil {
		return 0, fmt.Errorf("write %s: %w", path, bareError(counted.err))
	}
	if err != nil {
		return 0, err
	}
	return counted.n, nil
}

// regenerableBuffers are streamRegenerable's write buffers: runbook --all
// writes thousands of files, and a fresh 64 KiB buffer for each was a tenth
// of all it allocated.
var regenerableBuffers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 64<<10) }}

// countingWriter counts the bytes written through it, and keeps the first
// error of the writer it writes to.
type countingWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
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

// truncate cuts s to at most width columns (runes), ending it with "…" when
// it was longer.
func truncate(s string, width int) string {
	if width <= 0 || utf8.RuneCountInString(s) <= width {
		return s
	}
	r := []rune(s)
	return string(r[:width-1]) + "…"
}

// table is the one way the CLI prints a table. Rows are written to it as
// tab-separated cells, as to a text/tabwriter, and Flush prints them aligned,
// two spaces between columns. On a terminal it fits the terminal's width: the
// column that tells the rows apart (the first, or the one keep names: a URL)
// stays whole, and the widest of the others is cut, its cells ending in "…",
// until every line fits, none narrower than its heading. A table that cannot
// fit that way is printed whole: lines that wrap still say what each row is,
// rows cut to "atlas-4…" do not. Output that is not a terminal is never cut,
// so scripts see every byte.
type table struct {
	w     io.Writer
	width int // the columns a line may take; 0: no limit
	keep  int // the column never cut
	buf   bytes.Buffer
}

// minColumn is the narrowest a column is cut to: a few characters and "…".
const minColumn = 6

// newTable returns a table that prints to w, fitted to the terminal when w
// is the standard output and that is a terminal.
func newTable(ios *IOStreams, w io.Writer) *table {
	t := &table{w: w}
	if ios.StdoutTTY && w == ios.Out {
		t.width = ios.width()
	}
	return t
}

// keepWhole makes column i (from 0) the one never cut, instead of the first:
// the column that tells the rows apart.
func (t *table) keepWhole(i int) { t.keep = i }

// Write takes rows of tab-separated cells, ending in newlines.
func (t *table) Write(p []byte) (int, error) { return t.buf.Write(p) }

// Flush prints the rows written so far.
func (t *table) Flush() error {
	text := strings.TrimSuffix(t.buf.String(), "\n")
	t.buf.Reset()
	if text == "" {
		return nil
	}
	var rows [][]string
	var widths []int
	for line := range strings.SplitSeq(text, "\n") {
		cells := strings.Split(line, "\t")
		rows = append(rows, cells)
		for i, c := range cells {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], visibleWidth(c))
		}
	}
	floor := make([]int, len(widths))
	for i, header := range rows[0] {
		floor[i] = visibleWidth(header)
	}
	fitColumns(widths, floor, t.keep, t.width)
	var b strings.Builder
	for _, cells := range rows {
		var line strings.Builder
		for i, c := range cells {
			if visibleWidth(c) > widths[i] {
				c = truncate(stripANSI(c), widths[i])
			}
			line.WriteString(c)
			if i < len(cells)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-visibleWidth(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

// fitColumns narrows the widest column but keep, one column at a time, until
// a line of the given column widths (two spaces apart) takes at most limit
// columns. A column is never narrower than its floor (its heading) or
// minColumn, whichever is wider. When the line cannot fit so, or limit is 0,
// every column keeps its width: the table is printed whole.
func fitColumns(widths, floor []int, keep, limit int) {
	if limit <= 0 {
		return
	}
	least := func(i int) int {
		if i == keep {
			return widths[i]
		}
		return min(widths[i], max(floor[i], minColumn))
	}
	total, narrowest := 2*(len(widths)-1), 2*(len(widths)-1)
	for i, w := range widths {
		total += w
		narrowest += least(i)
	}
	if narrowest > limit {
		return
	}
	for total > limit {
		widest := -1
		for i, w := range widths {
			if w > least(i) && (widest < 0 || w > widths[widest]) {
				widest = i
			}
		}
		widths[widest]--
		total--
	}
}

// ansi matches the colour codes IOStreams paints with.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func stripANSI(s string) string { return ansi.ReplaceAllString(s, "") }

// visibleWidth is the columns s takes on a terminal: its runes, colour codes
// left out.
func visibleWidth(s string) int { return utf8.RuneCountInString(stripANSI(s)) }
