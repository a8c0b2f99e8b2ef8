package releases

import (
	"testing"

	"github.com/atlas-release/atlas-release/internal/synth"
)

// TestFateIndex: every fate says where its step stands in its release's
// steps (the pages list the account in manifest order from it), in upgrade
// paths and installs, for kept, merged and superseded steps alike.
func TestFateIndex(t *testing.T) {
	for name, ws := range map[string]*Workspace{
		"example":   mustLoad(t, exampleFS(t)),
		"synthetic": mustLoad(t, synth.Workspace(synth.Options{Releases: 8, Steps: 30, Seed: 7})),
	} {
		var paths []*Path
		for i, from := range ws.Manifests {
			for _, to := range ws.Manifests[i+1:] {
				p, err := ws.Plan(from.SemVer(), to.SemVer())
				if err == nil {
					paths = append(paths, p)
				}
			}
			if p, err := ws.InstallPlan(from.SemVer()); err == nil {
				paths = append(paths, p)
			}
		}
		fates := map[Fate]int{}
		for _, p := range paths {
			byVersion := map[string]*Manifest{}
			for _, h := range p.Hops {
				for _, m := range h.Releases {
					byVersion[m.Version] = m
				}
			}
			for _, f := range p.Fates {
				m := byVersion[f.Version]
				if i := f.Index(); m == nil || i < 0 || i >= len(m.Steps) || m.Steps[i].ID != f.Step {
					t.Fatalf("%s, %s → %s: fate %s (%s) has index %d, which is not its step", name, p.From, p.To, f.StepRef, f.Fate, f.Index())
				}
				fates[f.Fate]++
			}
		}
		if name == "synthetic" && (fates[FateKept] == 0 || fates[FateMerged] == 0 || fates[FateSuperseded] == 0) {
			t.Errorf("%s: the paths hold %v fates; want every kind checked", name, fates)
		}
	}
}
