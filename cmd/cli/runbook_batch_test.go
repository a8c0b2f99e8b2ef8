package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"syscall"
	"testing"
)

// gcPercent reads the collector's target without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestRelaxGC: runbook --all raises the collector's target while it renders
// and puts it back after; overlapping batches restore it once, at the end of
// the last; a GOGC the user chose is left alone.
func TestRelaxGC(t *testing.T) {
	t.Setenv("GOGC", "")
	if err := os.Unsetenv("GOGC"); err != nil {
		t.Fatal(err)
	}
	before := debug.SetGCPercent(150)
	defer debug.SetGCPercent(before)

	first := relaxGC()
	if got := gcPercent(); got != batchGCPercent {
		t.Fatalf("during a batch the target is %d, want %d", got, batchGCPercent)
	}
	second := relaxGC()
	first()
	if got := gcPercent(); got != batchGCPercent {
		t.Fatalf("with a batch still running the target is %d, want %d", got, batchGCPercent)
	}
	second()
	if got := gcPercent(); got != 150 {
		t.Fatalf("after the batches the target is %d, want 150 back", got)
	}

	t.Setenv("GOGC", "150")
	restore := relaxGC()
	if got := gcPercent(); got != 150 {
		t.Errorf("with GOGC set the target became %d; the user's choice must stand", got)
	}
	restore()
}

// TestStreamRegenerableSharesBuffers: runbook --all writes thousands of
// files through streamRegenerable; each must not get a 64 KiB buffer of its
// own, and it reports how many bytes it wrote.
func TestStreamRegenerableSharesBuffers(t *testing.T) {
	dir := t.TempDir()
	page := bytes.Repeat([]byte("<p>step</p>\n"), 1000)
	write := func() {
		n, err := streamRegenerable(filepath.Join(dir, "page.html"), func(w io.Writer) error {
			_, err := w.Write(page)
			return err
		})
		if err != nil || n != int64(len(page)) {
			t.Fatalf("wrote %d bytes, %v; want %d", n, err, len(page))
		}
	}
	write() // the pool's first buffer
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const runs = 20
	for range runs {
		write()
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / runs; per > 32<<10 {
		t.Errorf("a file allocates %d bytes: a write buffer each", per)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "page.html")); !bytes.Equal(got, page) {
		t.Errorf("the file holds %d bytes, want the %d written", len(got), len(page))
	}
}

// fullDisk takes room bytes, then fails as a full disk does.
type fullDisk struct{ room int }

func (d *fullDisk) Write(p []byte) (int, error) {
	if len(p) <= d.room {
		d.room -= len(p)
		return len(p), nil
	}
	n := d.room
	d.room = 0
	return n, &fs.PathError{Op: "write", Path: "/out/.page.html.123.tmp", Err: syscall.ENOSPC}
}

// TestWriteThroughNamesTheOutput: when the file being written fails part-way,
// the error names the output the user asked for, not the temporary file it
// was going to, whether the renderer meets the failure (it flushes the
// buffer it was given itself) or the last flush does.
func TestWriteThroughNamesTheOutput(t *testing.T) {
	page := bytes.Repeat([]byte("<p>step</p>\n"), 100_000) // more than a buffer
	for _, c := range []struct {
		name string
		fn   func(io.Writer) error
	}{
		{"renderer flushes", func(w io.Writer) error {
			if _, err := w.Write(page); err != nil {
				return err
			}
			return w.(*bufio.Writer).Flush()
		}},
		{"last flush", func(w io.Writer) error { _, err := w.Write(page[:1000]); return err }},
		{"renderer wraps the error", func(w io.Writer) error {
			if _, err := w.Write(page); err != nil {
				return fmt.Errorf("render: %w", err)
			}
			return nil
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := writeThrough(&fullDisk{room: 100}, "/out/page.html", c.fn)
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("got %v, want the disk's error", err)
			}
			if want := "write /out/page.html: no space left on device"; err.Error() != want {
				t.Errorf("got %q, want %q", err, want)
			}
		})
	}
	// A renderer's own error is its own.
	boom := errors.New("the template failed")
	if _, err := writeThrough(&fullDisk{room: 1 << 30}, "/out/page.html", func(io.Writer) error { return boom }); !errors.Is(err, boom) || err.Error() != boom.Error() {
		t.Errorf("got %v, want the renderer's error as it is", err)
	}
}
