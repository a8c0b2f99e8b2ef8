package releases

import (
	"errors"
	"runtime"
	"testing"

	"github.com/atlas-release/atlas-release/internal/synth"
)

// TestPlanAllocations bounds how many allocations planning every path of a
// workspace makes per source step. runbook --all plans every path, hundreds of
// them with thousands of steps each, so the composer keeps its working state
// on the steps or in a few slices per hop, sized from known counts, rather
// than in maps, closures and slices grown step by step.
func TestPlanAllocations(t *testing.T) {
	ws := mustLoad(t, synth.Workspace(synth.Options{Releases: 12, Steps: 30, Seed: 3}))
	planAll := func() (sources int) {
		for i, from := range ws.Manifests {
			for _, to := range ws.Manifests[i+1:] {
				p, err := ws.Plan(from.SemVer(), to.SemVer())
				if errors.Is(err, ErrPathRefused) {
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				sources += len(p.Fates)
			}
		}
		return sources
	}
	sources := planAll()
	if sources == 0 {
		t.Fatal("no path planned")
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const runs = 3
	for range runs {
		planAll()
	}
	runtime.ReadMemStats(&after)
	// About 0.9 a step here, most of them a hop's few dozen slices and maps
	// (hops are short in this workspace; 0.35 a step on the 40 × 60 one): the
	// anchors made from an id and a version share blocks, the By of the
	// fates too. One map, slice or string per step and per dependency, as
	// before, took 5.6.
	const limit = 1.5
	if perStep := float64(after.Mallocs-before.Mallocs) / runs / float64(sources); perStep > limit {
		t.Errorf("planning %d source steps makes %.2f allocations a step, over %.1f", sources, perStep, limit)
	}
}

// TestAnchor gives steps path-wide unique anchors: the id, else the id and the
// version, else those and a counter, even when a step's id looks like another's
// anchor.
func TestAnchor(t *testing.T) {
	type step struct{ id, version string }
	tests := []struct {
		name  string
		steps []step
		want  []string
	}{
		{"unique ids", []step{{"a", "1.0.0"}, {"b", "1.0.0"}, {"c", "2.0.0"}}, []string{"a", "b", "c"}},
		{"id again in a later release", []step{{"a", "1.0.0"}, {"a", "2.0.0"}, {"a", "3.1.0"}}, []string{"a", "a-v2-0-0", "a-v3-1-0"}},
		{"id twice in a release", []step{{"a", "1.0.0"}, {"a", "2.0.0"}, {"a", "2.0.0"}, {"a", "2.0.0"}}, []string{"a", "a-v2-0-0", "a-v2-0-0-2", "a-v2-0-0-3"}},
		{
			"an id like a made-up anchor",
			[]step{{"a-v2-0-0", "1.0.0"}, {"a", "1.0.0"}, {"a", "2.0.0"}, {"a-v2-0-0", "2.0.0"}},
			[]string{"a-v2-0-0", "a", "a-v2-0-0-2", "a-v2-0-0-v2-0-0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newComposer(&Workspace{}, &Path{}, len(tt.steps))
			releases := map[string]int{}
			var rels []*Manifest
			for _, s := range tt.steps {
				if _, ok := releases[s.version]; !ok {
					releases[s.version] = len(rels)
					rels = append(rels, &Manifest{Version: s.version})
				}
			}
			suffixes := make([]string, len(rels))
			for i, s := range tt.steps {
				ri := releases[s.version]
				ps := &PlannedStep{Step: &Step{ID: s.id}, Release: rels[ri], key: orderKey{release: ri}}
				if got := c.anchor(ps, suffixes); got != tt.want[i] {
					t.Errorf("step %d (%s of %s): anchor %q, want %q", i, s.id, s.version, got, tt.want[i])
				}
			}
		})
	}
}
