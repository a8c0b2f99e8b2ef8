package cut_test

import (
	"errors"
	"io/fs"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/cut"
)

// barrierFS, once armed (after validation, which reads the scripts too), holds
// every open of a script until two are waiting at once, or fails it after a
// while: bundles written one after another never get there.
type barrierFS struct {
	fs.FS
	armed   atomic.Bool
	mu      sync.Mutex
	opened  int
	release chan struct{}
}

func (b *barrierFS) Open(name string) (fs.File, error) {
	if b.armed.Load() && strings.HasPrefix(name, "scripts/") {
		b.mu.Lock()
		b.opened++
		if b.opened == 2 {
			close(b.release)
		}
		b.mu.Unlock()
		select {
		case <-b.release:
		case <-time.After(5 * time.Second):
			return nil, errors.New("no other bundle is being written alongside this one")
		}
	}
	return b.FS.Open(name)
}

// TestBundlesWrittenSideBySide cuts with two processors and expects two bundles
// to be written at once, with the same files as the cut written in turn.
func TestBundlesWrittenSideBySide(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	ws := t.TempDir()
	copyExample(t, ws, time.Now())
	opts := options(t, ws, filepath.Join(t.TempDir(), "dist"))
	barrier := &barrierFS{FS: opts.Workspace.FS, release: make(chan struct{})}
	opts.Workspace.FS = barrier
	var bundles []string
	opts.Progress = func(e cut.Event) {
		if e.Step != cut.StepValidate || e.Kind == cut.Done { // validation is over
			barrier.armed.Store(true)
		}
		if e.Step == cut.StepBundle && e.Kind == cut.Done && e.Item == "" {
			for _, b := range strings.Split(e.Message, ", ") {
				bundles = append(bundles, strings.Fields(b)[0])
			}
		}
	}
	meta, _, err := cut.Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	// The bundle step's summary names the bundles in the order of the
	// sources, newest first, then the install bundle, whichever finished
	// first.
	var want []string
	for _, from := range meta.Sources {
		want = append(want, cut.BundleFile(meta.Product, from, meta.Version))
	}
	want = append(want, cut.InstallFile(meta.Product, meta.Version))
	if len(want) < 2 || !slices.Equal(bundles, want) {
		t.Errorf("progress named bundles %v, want %v", bundles, want)
	}
}

// TestBundleFailureIsReported makes one bundle fail while the others are
// written: the cut fails with that bundle's error, not a cancellation, and
// leaves nothing.
func TestBundleFailureIsReported(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		t.Run(strings.Repeat("p", procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			ws := t.TempDir()
			copyExample(t, ws, time.Now())
			dist := filepath.Join(t.TempDir(), "dist")
			opts := options(t, ws, dist)
			failing := &failingFS{FS: opts.Workspace.FS}
			opts.Workspace.FS = failing
			opts.Progress = func(e cut.Event) { failing.armed.Store(e.Step != cut.StepValidate) }
			_, _, err := cut.Run(t.Context(), opts)
			if err == nil || !strings.Contains(err.Error(), "the disk is on fire") || !strings.Contains(err.Error(), ".tar.gz") {
				t.Fatalf("error %v", err)
			}
			entries, _ := filepath.Glob(filepath.Join(dist, "*"))
			for _, e := range entries {
				if !strings.HasSuffix(e, ".lock") {
					t.Errorf("a failed cut left %s", e)
				}
			}
		})
	}
}

// failingFS, once armed, fails to open a script of the oldest source's bundle
// only: one that it alone ships.
type failingFS struct {
	fs.FS
	armed atomic.Bool
}

func (f *failingFS) Open(name string) (fs.File, error) {
	if f.armed.Load() && name == "scripts/Update-AtlasSearchSchema.ps1" {
		return nil, errors.New("the disk is on fire")
	}
	return f.FS.Open(name)
}
