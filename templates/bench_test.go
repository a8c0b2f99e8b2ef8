package templates_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/atlas-release/atlas-release/internal/synth"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// BenchmarkAllPaths composes every (from, to) pair of a synthetic 40-release
// workspace and renders each runbook in every format (target: under 2 s in all).
func BenchmarkAllPaths(b *testing.B) {
	for _, steps := range []int{20, 60} {
		b.Run(fmt.Sprintf("40x%dsteps", steps), func(b *testing.B) {
			ws, err := releases.Load(synth.Workspace(synth.Options{Releases: 40, Steps: steps, Seed: 1}))
			if err != nil {
				b.Fatal(err)
			}
			set, err := templates.Load(nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var paths int
			var written int64
			for b.Loop() {
				paths, written = 0, 0
				for i, from := range ws.Manifests {
					for _, to := range ws.Manifests[i+1:] {
						p, err := ws.Plan(from.SemVer(), to.SemVer())
						if err != nil {
							b.Fatal(err)
						}
						rb := templates.NewRunbook(ws, p, "bench")
						for _, f := range []templates.Format{templates.Markdown, templates.HTML, templates.JSON} {
							w := &countingWriter{}
							if err := set.RenderRunbook(w, rb, f); err != nil {
								b.Fatal(err)
							}
							written += w.n
						}
						paths++
					}
				}
			}
			b.ReportMetric(float64(paths), "paths")
			b.ReportMetric(float64(written)/(1<<20), "MB-rendered")
		})
	}
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)

// BenchmarkRunbookJSON renders the longest path of the 40 × 60 workspace as
// JSON: with the runbook's own encoder, and through encoding/json's reflection
// (the runbook wrapped in a struct that embeds it: the same bytes).
func BenchmarkRunbookJSON(b *testing.B) {
	ws, err := releases.Load(synth.Workspace(synth.Options{Releases: 40, Steps: 60, Seed: 1}))
	if err != nil {
		b.Fatal(err)
	}
	first, last := ws.Manifests[0], ws.Manifests[len(ws.Manifests)-1]
	p, err := ws.Plan(first.SemVer(), last.SemVer())
	if err != nil {
		b.Fatal(err)
	}
	rb := templates.NewRunbook(ws, p, "bench")
	for _, c := range []struct {
		name string
		v    any
	}{{"encoder", rb}, {"reflection", struct{ *templates.Runbook }{rb}}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := &countingWriter{}
				if err := templates.WriteJSON(w, c.v); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(w.n)
			}
		})
	}
}

// BenchmarkLongestPath plans the longest path of the 40 × 60 workspace, builds
// its runbook and renders it in each format: what one `runbook` call costs
// beyond loading the workspace.
func BenchmarkLongestPath(b *testing.B) {
	ws, err := releases.Load(synth.Workspace(synth.Options{Releases: 40, Steps: 60, Seed: 1}))
	if err != nil {
		b.Fatal(err)
	}
	set, err := templates.Load(nil)
	if err != nil {
		b.Fatal(err)
	}
	first, last := ws.Manifests[0], ws.Manifests[len(ws.Manifests)-1]
	for _, f := range []templates.Format{templates.Markdown, templates.HTML, templates.JSON} {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p, err := ws.Plan(first.SemVer(), last.SemVer())
				if err != nil {
					b.Fatal(err)
				}
				rb := templates.NewRunbook(ws, p, "bench")
				w := &countingWriter{}
				if err := set.RenderRunbook(w, rb, f); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(w.n)
			}
		})
	}
}
