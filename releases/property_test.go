package releases

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/internal/synth"
)

// TestCompositionProperties composes every path of many generated workspaces and
// checks what the composer promises: no step is lost, the newest superseding step
// runs, "once" steps run once on the whole path, dependencies come first, every
// release's prerequisites (intermediate majors' too) are listed, and the
// validator's fast effort figures agree with the composer's.
func TestCompositionProperties(t *testing.T) {
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			ws := mustLoad(t, synth.Workspace(synth.Options{Releases: 9, Steps: 4 + int(seed%12), Seed: seed}))
			if diags := ws.Validate(); diags.Errors() > 0 {
				t.Fatalf("generated workspace does not validate:\n%s", diagLines(diags))
			}
			paths := 0
			for i, from := range ws.Manifests {
				for _, to := range ws.Manifests[i+1:] {
					p, err := ws.Plan(from.SemVer(), to.SemVer())
					if err != nil {
						t.Fatalf("%s → %s: %v", from.SemVer(), to.SemVer(), err)
					}
					checkPath(t, ws, p)
					paths++
				}
			}
			if paths != 36 {
				t.Fatalf("composed %d paths, want 36", paths)
			}
			checkEfforts(t, ws)
		})
	}
}

func checkPath(t *testing.T, ws *Workspace, p *Path) {
	t.Helper()
	name := fmt.Sprintf("%s → %s", p.From, p.To)
	// Every source step has exactly one fate, and kept steps are exactly the
	// steps of the hops.
	fates := map[StepRef]StepFate{}
	for _, f := range p.Fates {
		if _, dup := fates[f.StepRef]; dup {
			t.Fatalf("%s: %s has two fates", name, f.StepRef)
		}
		fates[f.StepRef] = f
	}
	var planned []StepRef
	for _, h := range p.Hops {
		for _, ps := range h.Steps {
			planned = append(planned, ps.Ref())
		}
	}
	kept := 0
	onceKeys := map[string]StepRef{}
	for hi, h := range p.Hops {
		position := map[string]int{}
		for i, ps := range h.Steps {
			position[ps.Anchor] = i
		}
		for i, ps := range h.Steps {
			if fates[ps.Ref()].Fate != FateKept {
				t.Fatalf("%s: planned step %s has fate %q", name, ps.Ref(), fates[ps.Ref()].Fate)
			}
			for _, a := range ps.After {
				if position[a] >= i {
					t.Fatalf("%s: %s runs before %s, which it depends on", name, ps.Anchor, a)
				}
			}
			if ps.Repeat == RepeatOnce {
				if first, dup := onceKeys[onceKey(ps.Step)]; dup {
					t.Fatalf("%s: once step %s runs twice (%s and %s)", name, onceKey(ps.Step), first, ps.Ref())
				}
				onceKeys[onceKey(ps.Step)] = ps.Ref()
			}
		}
		// The kept supersede step of each key comes from the newest release of
		// the hop that has one.
		for _, ps := range h.Steps {
			if ps.Repeat != RepeatSupersede {
				continue
			}
			for _, m := range h.Releases {
				if m.SemVer().GreaterThan(ps.Release.SemVer()) && slices.ContainsFunc(m.Steps, func(s Step) bool {
					return s.Repeat == RepeatSupersede && s.DedupeKey == ps.DedupeKey
				}) {
					t.Fatalf("%s hop %d: %s runs although %s has a newer %q step", name, hi, ps.Ref(), m.SemVer(), ps.DedupeKey)
				}
			}
		}
	}
	for _, h := range p.Hops {
		for _, m := range h.Releases {
			for _, s := range m.Steps {
				ref := StepRef{m.SemVer().String(), s.ID}
				f, ok := fates[ref]
				if !ok {
					t.Fatalf("%s: step %s was lost", name, ref)
				}
				switch f.Fate {
				case FateKept:
					kept++
				case FateSuperseded, FateMerged:
					if f.By == nil || fates[*f.By].Fate != FateKept {
						t.Fatalf("%s: %s was %s by %v, which does not run", name, ref, f.Fate, f.By)
					}
				}
			}
			for _, pre := range m.Prerequisites {
				if !slices.ContainsFunc(p.Prerequisites, func(pp PlannedPrerequisite) bool {
					return pp.Release == m && pp.ID == pre.ID && pp.Before.Equal(h.To)
				}) {
					t.Fatalf("%s: prerequisite %s of %s is missing", name, pre.ID, m.SemVer())
				}
			}
		}
	}
	if kept != len(planned) {
		t.Fatalf("%s: %d steps kept, %d planned", name, kept, len(planned))
	}
}

// checkEfforts compares the validator's incremental effort figures with the
// composer's for every direct hop.
func checkEfforts(t *testing.T, ws *Workspace) {
	t.Helper()
	oldest, _ := ParseVersion(ws.Config.Policy.OldestVersion)
	for ti := 1; ti < len(ws.Manifests); ti++ {
		target := ws.Manifests[ti]
		for _, h := range ws.directHopEfforts(ti, oldest) {
			p, err := ws.Plan(h.source.SemVer(), target.SemVer())
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Hops) != 1 {
				t.Fatalf("%s → %s is not a direct hop", h.source.SemVer(), target.SemVer())
			}
			if p.Total.HandsOnMinutes != h.minutes {
				t.Fatalf("%s → %s: composer says %d hands-on minutes, validator %d", h.source.SemVer(), target.SemVer(), p.Total.HandsOnMinutes, h.minutes)
			}
		}
	}
}

// TestSyntheticTranslationsValidate keeps generated translations complete, so
// that publishing benchmarks run on a valid multi-locale workspace, and checks
// that localizing swaps every translated text.
func TestSyntheticTranslationsValidate(t *testing.T) {
	ws := mustLoad(t, synth.Workspace(synth.Options{Releases: 9, Steps: 6, Seed: 3, Locales: []string{"de", "fr"}}))
	// The generated translations carry no fingerprints: each file gets the one
	// AR1409 warning that says so, and nothing else.
	diags := ws.Validate()
	perFile := map[string]int{}
	for _, d := range diags {
		if d.Code != "AR1409" {
			t.Fatalf("generated translations do not validate:\n%s", diagLines(diags))
		}
		perFile[d.File]++
	}
	if want := 9 * 2; len(perFile) != want {
		t.Errorf("AR1409 in %d files, want one in each of the %d translations:\n%s", len(perFile), want, diagLines(diags))
	}
	for file, n := range perFile {
		if n != 1 {
			t.Errorf("%s: %d AR1409 warnings, want 1", file, n)
		}
	}
	fr, err := ws.Localized("fr")
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range fr.Manifests {
		if !strings.Contains(m.Summary, "(fr)") || !strings.Contains(m.Features[0].Title, "(fr)") {
			t.Errorf("%s not localized: %q", m.Version, m.Summary)
		}
		if ws.Manifests[i].Summary == m.Summary {
			t.Errorf("%s: localizing changed the original", m.Version)
		}
		for _, o := range m.Outages {
			if !strings.Contains(o.UserMessage, "(fr)") {
				t.Errorf("%s outage message not localized", m.Version)
			}
		}
	}
	if r := fr.Config.Role("operator"); r == nil || r.Name != "operator (fr)" {
		t.Errorf("role names not localized: %+v", r)
	}
	if _, err := ws.Localized("it"); err == nil {
		t.Error("localized into a locale without translations")
	}
}
