package releases

import (
	"runtime"
	"testing"

	"github.com/atlas-release/atlas-release/internal/synth"
)

// TestCombinationsAllocations bounds what checking every direct upgrade
// allocates: only whether each hop's steps can be ordered is checked (hopOrder:
// a topological sort over indices, its buffers reused from hop to hop), so no
// step is planned.
func TestCombinationsAllocations(t *testing.T) {
	ws, err := Load(synth.Workspace(synth.Options{Releases: 12, Steps: 30, Seed: 3}))
	if err != nil {
		t.Fatal(err)
	}
	var diags Diagnostics
	v := &validator{ws: ws, cfg: ws.Config, diags: &diags, scripts: map[string]bool{}}
	if !v.config() {
		t.Fatalf("synthetic config does not validate: %v", diags)
	}
	hops, steps := 0, 0
	for t := 1; t < len(ws.Manifests); t++ {
		for _, h := range ws.directHopEfforts(t, v.oldest) {
			hops++
			for _, m := range ws.between(h.source.version, ws.Manifests[t].version) {
				steps += len(m.Steps)
			}
		}
	}
	v.combinations()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const runs = 10
	for range runs {
		v.combinations()
	}
	runtime.ReadMemStats(&after)
	if len(diags) > 0 {
		t.Fatalf("synthetic workspace has diagnostics: %v", diags)
	}
	// ~65 bytes a step (the dependency indices of each manifest, resolved
	// once); composing every hop, as before, took 395–720.
	const limit = 150
	if perStep := (after.TotalAlloc - before.TotalAlloc) / runs / uint64(steps); perStep > limit {
		t.Errorf("checking %d hops of %d steps in all allocates %d bytes a step, over %d", hops, steps, perStep, limit)
	}
}
