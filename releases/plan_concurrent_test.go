package releases

import (
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/atlas-release/atlas-release/internal/synth"
)

// TestPlanConcurrent plans every path of a workspace from several goroutines at
// once, as runbook --all does, and checks each against the path planned alone:
// Plan only reads the workspace (run with -race to check that).
func TestPlanConcurrent(t *testing.T) {
	ws := mustLoad(t, synth.Workspace(synth.Options{Releases: 6, Steps: 20, Seed: 3}))
	type pair struct{ from, to *Manifest }
	var pairs []pair
	for i, from := range ws.Manifests {
		for _, to := range ws.Manifests[i+1:] {
			pairs = append(pairs, pair{from, to})
		}
	}
	plan := func(p pair) (*Path, error) {
		path, err := ws.Plan(p.from.SemVer(), p.to.SemVer())
		if errors.Is(err, ErrPathRefused) {
			return nil, nil
		}
		return path, err
	}
	want := make([]*Path, len(pairs))
	for i, p := range pairs {
		var err error
		if want[i], err = plan(p); err != nil {
			t.Fatal(err)
		}
	}
	got := make([]*Path, len(pairs))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(pairs); i += 4 {
				got[i], _ = plan(pairs[i])
			}
		})
	}
	wg.Wait()
	planned := 0
	for i := range pairs {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("%s → %s planned concurrently differs from planned alone", pairs[i].from.Version, pairs[i].to.Version)
		}
		if want[i] != nil {
			planned++
		}
	}
	if planned < len(pairs)/2 {
		t.Errorf("only %d of %d paths planned", planned, len(pairs))
	}
}
