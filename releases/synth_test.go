package releases

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing/fstest"
)

// synthOptions shape a generated workspace.
type synthOptions struct {
	Releases, Steps int
	Seed            uint64
}

// synthWorkspace generates a valid workspace as YAML text: a major every fourth
// release (a required stop with prerequisites and a content freeze), steps of every
// repeat kind with ids reused across releases, random dependencies on earlier steps,
// and now and then a step that needs a Global Administrator.
func synthWorkspace(o synthOptions) fstest.MapFS {
	rng := rand.New(rand.NewPCG(o.Seed, 42))
	fsys := fstest.MapFS{
		ConfigFile:         {Data: []byte(synthConfig)},
		"scripts/Step.ps1": {Data: []byte("[CmdletBinding(SupportsShouldProcess)]\nparam()\n")},
	}
	date := NewDate(2015, 1, 12)
	for r := range o.Releases {
		major, minor := 1+r/4, r%4
		v := fmt.Sprintf("%d.%d.0", major, minor)
		fsys["releases/"+v+".yaml"] = &fstest.MapFile{Data: []byte(synthManifest(rng, v, minor == 0, date, o.Steps))}
		date = date.AddMonths(3)
	}
	return fsys
}

const synthConfig = `schemaVersion: 1
product: {id: synth, name: Synth}
policy:
  cadence: {monthsBetweenReleases: 3, majorsPerYear: 1, toleranceDays: 21}
  oldestVersion: 1.0.0
  handsOnBudgetMinutes: 100000
  maxOutageMinutes: 20
  majorLeadTimeDays: 30
  bundleSources: 3
roles:
  - {id: global-admin, name: Global Administrator, entraRoles: [Global Administrator]}
  - {id: sharepoint-admin, name: SharePoint Administrator, entraRoles: [SharePoint Administrator, Global Administrator]}
  - {id: operator, name: Operator}
  - {id: comms, name: Communications}
features:
  - {id: connex, name: ConneX}
`

// synthPhases are the phases steps are spread over, in order, with their weights.
var synthPhases = []struct {
	phase  Phase
	weight int
}{{PhasePrepare, 2}, {PhaseFreeze, 1}, {PhaseDeploy, 6}, {PhaseVerify, 2}, {PhaseUnfreeze, 1}, {PhaseCommunicate, 1}}

func synthManifest(rng *rand.Rand, version string, major bool, date Date, nSteps int) string {
	var b strings.Builder
	kind := "minor"
	if major {
		kind = "major"
	}
	fmt.Fprintf(&b, "schemaVersion: 1\nversion: %s\nkind: %s\nreleaseDate: %s\nsummary: Release %s.\n", version, kind, date, version)
	if major {
		b.WriteString("requiredStop: true\ncontentFreeze: {decision: required, reason: Data is migrated.}\nchangeType: normal\nleadTimeDays: 30\n")
	} else {
		b.WriteString("changeType: standard\nleadTimeDays: 14\n")
	}
	b.WriteString("features:\n")
	for i := range 6 {
		fmt.Fprintf(&b, "  - {id: f%d, title: Feature %d, type: new, summary: Something new.}\n", i, i)
	}
	if major {
		b.WriteString("prerequisites:\n")
		for i := range 2 {
			fmt.Fprintf(&b, "  - {id: p%d, title: Prepare %d, role: operator, effortMinutes: 30, details: Do it., verify: Check it.}\n", i, i)
		}
	}

	// Choose each step's phase, keeping the freeze phases for majors only.
	var phases []Phase
	for _, p := range synthPhases {
		if !major && (p.phase == PhaseFreeze || p.phase == PhaseUnfreeze) {
			continue
		}
		for range p.weight {
			phases = append(phases, p.phase)
		}
	}
	stepPhases := make([]Phase, nSteps)
	for i := range stepPhases {
		stepPhases[i] = phases[rng.IntN(len(phases))]
	}
	if major {
		stepPhases[0], stepPhases[nSteps-1] = PhaseFreeze, PhaseUnfreeze
	}
	sortPhases(stepPhases)

	// Keyed steps (supersede and once) keep one global order within their phase
	// in every release, as real runbooks do; otherwise combining releases could
	// order them both ways round, which validation rightly rejects.
	type step struct {
		id, repeat, key string
		phase           Phase
	}
	var steps []step
	for start := 0; start < nSteps; {
		end := start
		for end < nSteps && stepPhases[end] == stepPhases[start] {
			end++
		}
		phase := stepPhases[start]
		var keyed []step
		used := map[string]bool{}
		for range (end - start) / 3 {
			j := rng.IntN(6)
			id := fmt.Sprintf("sup-%s-%d", phase, j)
			s := step{id: id, repeat: "supersede", key: id, phase: phase}
			if j >= 4 {
				s = step{id: fmt.Sprintf("once-%s-%d", phase, j), repeat: "once", phase: phase}
			}
			if !used[s.id] {
				used[s.id] = true
				keyed = append(keyed, s)
			}
		}
		slices.SortFunc(keyed, func(a, b step) int { return strings.Compare(a.id, b.id) })
		group := make([]step, 0, end-start)
		for i := range end - start {
			left := end - start - i
			if len(keyed) > 0 && rng.IntN(left) < len(keyed) {
				group, keyed = append(group, keyed[0]), keyed[1:]
				continue
			}
			group = append(group, step{id: fmt.Sprintf("s%d", start+i), repeat: "always", phase: phase})
		}
		steps = append(steps, group...)
		start = end
	}
	outageStep := -1
	for i, s := range steps {
		if s.phase == PhaseDeploy {
			outageStep = i
			break
		}
	}
	if outageStep >= 0 {
		fmt.Fprintf(&b, "outages:\n  - {id: o1, feature: connex, minMinutes: 5, maxMinutes: 15, causedBy: [%s], userMessage: Back soon.}\n", steps[outageStep].id)
	}
	b.WriteString("steps:\n")
	for i, s := range steps {
		// The id decides the title, kind and role, so that a reused id keeps its meaning.
		h := 0
		for _, c := range s.id {
			h = h*31 + int(c)
		}
		fmt.Fprintf(&b, "  - id: %s\n    title: Run step %s\n    phase: %s\n", s.id, s.id, s.phase)
		switch h % 3 {
		case 0:
			b.WriteString("    kind: script\n    script: scripts/Step.ps1\n")
		case 1:
			b.WriteString("    kind: manual\n")
		default:
			b.WriteString("    kind: verification\n")
		}
		switch {
		case h%17 == 0:
			b.WriteString("    role: global-admin\n    grants: [graph-application-permissions]\n")
		case h%5 == 0:
			b.WriteString("    role: sharepoint-admin\n")
		default:
			b.WriteString("    role: operator\n")
		}
		handsOn := 1 + rng.IntN(10)
		est := handsOn + rng.IntN(10)
		fmt.Fprintf(&b, "    handsOnMinutes: %d\n    elapsedMinutes: {estimate: %d, max: %d}\n", handsOn, est, est*2)
		if i > 0 && rng.IntN(2) == 0 {
			deps := map[string]bool{}
			for range 1 + rng.IntN(2) {
				deps[steps[rng.IntN(i)].id] = true
			}
			b.WriteString("    dependsOn: [")
			first := true
			for j := range i {
				if deps[steps[j].id] {
					if !first {
						b.WriteString(", ")
					}
					b.WriteString(steps[j].id)
					first = false
				}
			}
			b.WriteString("]\n")
		}
		if i == outageStep {
			b.WriteString("    causesOutage: [o1]\n")
		}
		b.WriteString("    details: Do the thing.\n    verify: Check the thing.\n    rollback: {instructions: Undo the thing.}\n")
		if s.repeat != "always" {
			fmt.Fprintf(&b, "    repeat: %s\n", s.repeat)
		}
		if s.key != "" {
			fmt.Fprintf(&b, "    dedupeKey: %s\n", s.key)
		}
	}
	return b.String()
}

func sortPhases(ps []Phase) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Rank() < ps[j-1].Rank(); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}
