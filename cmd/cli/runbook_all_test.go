package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRunbookAllParallel checks that rendering the paths side by side writes
// the same files, byte for byte, as rendering them one at a time, and that a
// failure reports the first failing path in (from, to) order whatever the
// number of workers, leaving no temporary file behind.
func TestRunbookAllParallel(t *testing.T) {
	ws := t.TempDir()
	if err := os.CopyFS(ws, os.DirFS(filepath.Join("..", "..", "examples", "atlas"))); err != nil {
		t.Fatal(err)
	}
	all := func(t *testing.T, workers int, out string) error {
		ios, _, _, _ := TestIO()
		f := &Factory{IO: ios, Getenv: func(string) string { return "" }, Dir: ws,
			Now: func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }, Build: BuildInfo{Version: "v0.0.0-test"}}
		return runbookRun(t.Context(), &RunbookOptions{F: f, All: true, Format: "md,html,json", Out: out, workers: workers})
	}
	seq := filepath.Join(t.TempDir(), "seq")
	if err := all(t, 1, seq); err != nil {
		t.Fatal(err)
	}
	want := readTree(t, seq)
	if len(want) < 6 {
		t.Fatalf("only %d files: %v", len(want), want)
	}
	for _, workers := range []int{2, 3, 8} {
		out := filepath.Join(t.TempDir(), "par")
		if err := all(t, workers, out); err != nil {
			t.Fatal(err)
		}
		got := readTree(t, out)
		if len(got) != len(want) {
			t.Errorf("%d workers wrote %d files, one at a time %d", workers, len(got), len(want))
		}
		for name, data := range want {
			if !bytes.Equal(got[name], data) {
				t.Errorf("%d workers: %s differs from the one-at-a-time file", workers, name)
			}
		}
	}

	// Two paths cannot be written: the earlier one is the error.
	for _, workers := range []int{1, 2, 8} {
		out := filepath.Join(t.TempDir(), "blocked")
		for _, name := range []string{"atlas-4.3.0-from-4.2.0.json", "atlas-4.2.0-from-4.0.0.html"} {
			if err := os.MkdirAll(filepath.Join(out, name), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		err := all(t, workers, out)
		if err == nil || !strings.Contains(err.Error(), "atlas-4.2.0-from-4.0.0.html") {
			t.Errorf("%d workers: got %v, want the error of atlas-4.2.0-from-4.0.0.html", workers, err)
		}
		for name := range readTree(t, out) {
			if strings.HasSuffix(name, ".tmp") {
				t.Errorf("%d workers: %s left behind", workers, name)
			}
		}
	}
}

// readTree reads every regular file under dir, by name.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			files[e.Name()] = data
		}
	}
	return files
}
