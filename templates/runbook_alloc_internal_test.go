package templates

import (
	"bufio"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/atlas-release/atlas-release/internal/synth"
	"github.com/atlas-release/atlas-release/releases"
)

// allocatedPerRun is the heap bytes f allocates, averaged over runs.
func allocatedPerRun(runs int, f func()) uint64 {
	f() // warm up: pools, lazily built tables
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(runs)
}

// longestRunbook is the runbook of the longest path of a synthetic workspace,
// whose account has hundreds of fates, superseded ones listed after the others.
func longestRunbook(t *testing.T) *Runbook {
	t.Helper()
	ws, err := releases.Load(synth.Workspace(synth.Options{Releases: 12, Steps: 30, Seed: 3}))
	if err != nil {
		t.Fatal(err)
	}
	first, last := ws.Manifests[0], ws.Manifests[len(ws.Manifests)-1]
	p, err := ws.Plan(first.SemVer(), last.SemVer())
	if err != nil {
		t.Fatal(err)
	}
	return NewRunbook(ws, p, "test")
}

// TestAccountOrder checks that account lists every fate once, by manifest
// order, keeping the composer's order among equals, without copying the fates:
// both pages list it for every path of a workspace.
func TestAccountOrder(t *testing.T) {
	long := longestRunbook(t)
	for _, c := range []struct {
		name  string
		fates []Fate
	}{
		{"composer order", long.Accounting},
		{"in order already", []Fate{{Step: "a", order: 1}, {Step: "b", order: 2}, {Step: "c", order: 3}}},
		{"superseded last", []Fate{{Step: "a", order: 1}, {Step: "c", order: 3}, {Step: "b", order: 2}}},
		{"built without NewRunbook", []Fate{{Step: "z"}, {Step: "y"}, {Step: "x"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rb := &Runbook{Accounting: c.fates}
			want := slices.Clone(c.fates)
			slices.SortStableFunc(want, func(a, b Fate) int { return a.order - b.order })
			var got []Fate
			for f := range account(rb) {
				got = append(got, *f)
			}
			if !slices.Equal(got, want) {
				t.Errorf("account lists\n%v\nwant\n%v", got, want)
			}
		})
	}
	if !slices.IsSortedFunc(long.Accounting, func(a, b Fate) int { return a.order - b.order }) {
		// The case that needs a permutation: it must cost less than a copy
		// of the fates (a Fate is over a hundred bytes, an index four).
		bytes := allocatedPerRun(20, func() {
			for range account(long) {
			}
		})
		if limit := uint64(len(long.Accounting)) * 16; bytes > limit {
			t.Errorf("listing %d fates allocates %d bytes, over %d: the fates are copied", len(long.Accounting), bytes, limit)
		}
	} else {
		t.Error("the composer lists superseded steps last: the longest path's fates should be out of manifest order")
	}
}

// TestRunbookPagesShareBuffers checks that a Markdown or HTML page is not
// given a 64 KiB buffer of its own for every render, nor a JSON runbook its
// 36 KiB one: rendering every path of a workspace renders thousands of pages.
// The buffers are pooled, and a
// *bufio.Writer is written to directly. (Under the race detector the pool
// drops some of what it is given back, so the bound is well above the page's
// own allocations and well below a buffer each.)
func TestRunbookPagesShareBuffers(t *testing.T) {
	ws, err := releases.Load(synth.Workspace(synth.Options{Releases: 4, Steps: 20, Seed: 3}))
	if err != nil {
		t.Fatal(err)
	}
	last := len(ws.Manifests) - 1
	p, err := ws.Plan(ws.Manifests[last-1].SemVer(), ws.Manifests[last].SemVer())
	if err != nil {
		t.Fatal(err)
	}
	rb := NewRunbook(ws, p, "test")
	set, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	for f, limit := range map[Format]uint64{Markdown: 48 << 10, HTML: 48 << 10, JSON: 16 << 10} {
		for _, w := range []struct {
			name string
			out  io.Writer
		}{{"writer", io.Discard}, {"bufio.Writer", bufio.NewWriter(io.Discard)}} {
			t.Run(string(f)+"/"+w.name, func(t *testing.T) {
				bytes := allocatedPerRun(20, func() {
					if err := set.RenderRunbook(w.out, rb, f); err != nil {
						t.Fatal(err)
					}
				})
				if bytes > limit {
					t.Errorf("a render allocates %d bytes, over %d: a buffer per page", bytes, limit)
				}
			})
		}
	}
}

// TestRunbooksRenderConcurrently plans and renders paths from several
// goroutines at once, as runbook --all does, sharing the workspace and the
// pooled buffers: every page must be the one a lone render writes (run with
// -race).
func TestRunbooksRenderConcurrently(t *testing.T) {
	ws, err := releases.Load(synth.Workspace(synth.Options{Releases: 6, Steps: 20, Seed: 5}))
	if err != nil {
		t.Fatal(err)
	}
	set, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	render := func(from, to *releases.Manifest, f Format) (string, error) {
		p, err := ws.Plan(from.SemVer(), to.SemVer())
		if err != nil {
			return "", err
		}
		var b strings.Builder
		err = set.RenderRunbook(&b, NewRunbook(ws, p, "test"), f)
		return b.String(), err
	}
	type job struct {
		from, to *releases.Manifest
		f        Format
	}
	var jobs []job
	for i, from := range ws.Manifests {
		for _, to := range ws.Manifests[i+1:] {
			for _, f := range []Format{Markdown, HTML, JSON} {
				jobs = append(jobs, job{from, to, f})
			}
		}
	}
	want := make([]string, len(jobs))
	for i, j := range jobs {
		if want[i], err = render(j.from, j.to, j.f); err != nil {
			t.Fatal(err)
		}
	}
	got := make([]string, len(jobs))
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Go(func() { got[i], errs[i] = render(j.from, j.to, j.f) })
	}
	wg.Wait()
	for i, j := range jobs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if got[i] != want[i] {
			t.Errorf("%s → %s (%s): rendered concurrently, the page differs", j.from.Version, j.to.Version, j.f)
		}
	}
}
