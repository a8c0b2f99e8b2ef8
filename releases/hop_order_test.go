package releases

import (
	"math/rand/v2"
	"testing"

	"github.com/atlas-release/atlas-release/internal/synth"
)

// TestHopOrderMatchesComposer checks that the validator's order check finds
// what composing the hop finds, error for error, on workspaces whose steps are
// rewired at random so that many hops have steps waiting in cycles: extra
// dependsOn within a release, and steps turned into once or supersede steps
// sharing a few keys, so that stand-ins carry dependencies across releases.
func TestHopOrderMatchesComposer(t *testing.T) {
	tests := []struct {
		name              string
		seed              uint64
		releases, steps   int
		extraDeps, rekeys int
		// backward keeps every release's own order acyclic: cycles come only
		// from stand-ins across releases.
		backward bool
	}{
		{"untouched", 1, 8, 20, 0, 0, true},
		{"cycles across releases only", 2, 8, 20, 3, 6, true},
		{"cycles across releases, many keys", 6, 10, 12, 4, 12, true},
		{"many cycles", 3, 10, 12, 6, 10, false},
		{"dense", 4, 6, 8, 10, 8, false},
		{"once and supersede only", 5, 8, 10, 0, 10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws, err := Load(synth.Workspace(synth.Options{Releases: tt.releases, Steps: tt.steps, Seed: tt.seed}))
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(tt.seed, 16))
			keys := []string{"k1", "k2", "k3"}
			for _, m := range ws.Manifests {
				for range tt.extraDeps {
					i, j := rng.IntN(len(m.Steps)), rng.IntN(len(m.Steps))
					if tt.backward {
						i, j = max(i, j), min(i, j)
					}
					m.Steps[i].DependsOn = append(m.Steps[i].DependsOn, m.Steps[j].ID)
				}
				for range tt.rekeys {
					s := &m.Steps[rng.IntN(len(m.Steps))]
					s.Repeat, s.DedupeKey = []Repeat{RepeatOnce, RepeatSupersede}[rng.IntN(2)], keys[rng.IntN(len(keys))]
				}
			}
			check := newHopOrder(ws.Manifests)
			hops, cycles := 0, 0
			for to := 1; to < len(ws.Manifests); to++ {
				for from := range to {
					f, v := ws.Manifests[from].version, ws.Manifests[to].version
					rels := ws.between(f, v)
					c := &composer{ws: ws, path: &Path{}, once: map[string]*PlannedStep{}}
					_, want := c.selectAndOrder(f, v, rels)
					got := check.check(f, v, rels)
					hops++
					if want != nil {
						cycles++
					}
					if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
						t.Fatalf("%s → %s: check says %v, composing says %v", f, v, got, want)
					}
				}
			}
			if tt.extraDeps > 1 && cycles == 0 {
				t.Errorf("no hop of %d has a cycle: the test rewires too little", hops)
			}
			t.Logf("%d hops, %d with steps in a cycle", hops, cycles)
		})
	}
}
