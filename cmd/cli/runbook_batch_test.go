package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
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
