// Package synth generates valid release workspaces of any size, as YAML text, for
// property tests and benchmarks.
package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing/fstest"
	"time"
)

// Options shape a generated workspace.
type Options struct {
	Releases, Steps int
	Seed            uint64
	// Locales adds translations of every release into these locales, after the
	// default en-us, with their language settings and templates.
	Locales []string
}

// The ZenDesk settings of a generated workspace, which the emulator's fresh
// state (zendesktest.NewState) matches.
const (
	SectionID         = 360001
	PermissionGroupID = 1501
)

// Workspace generates a valid workspace as YAML text: a major every fourth
// release (a required stop with prerequisites and a content freeze), steps of every
// repeat kind with ids reused across releases, random dependencies on earlier steps,
// and now and then a step that needs a Global Administrator.
func Workspace(o Options) fstest.MapFS {
	rng := rand.New(rand.NewPCG(o.Seed, 42))
	cfg := config
	if len(o.Locales) > 0 {
		cfg += "locales: [en-us, " + strings.Join(o.Locales, ", ") + "]\n"
	}
	fsys := fstest.MapFS{
		"atlas-release.yaml": {Data: []byte(cfg)},
		"scripts/Step.ps1":   {Data: []byte("[CmdletBinding(SupportsShouldProcess)]\nparam()\n")},
	}
	for _, l := range o.Locales {
		fsys["locales/"+l+"/language.yaml"] = &fstest.MapFile{Data: []byte(language(l))}
		fsys["locales/"+l+"/templates/notes.md.tmpl"] = &fstest.MapFile{Data: []byte(notesTemplate)}
		fsys["locales/"+l+"/templates/upgrade-guide.md.tmpl"] = &fstest.MapFile{Data: []byte(guideTemplate)}
	}
	date := time.Date(2015, 1, 12, 0, 0, 0, 0, time.UTC)
	for r := range o.Releases {
		major, minor := 1+r/4, r%4
		v := fmt.Sprintf("%d.%d.0", major, minor)
		text, outage := manifest(rng, v, minor == 0, date.Format("2006-01-02"), o.Steps)
		if r == 0 {
			// The first release declares how a new tenant is deployed; every
			// later one inherits it (AR1701).
			text += install
		}
		fsys["releases/"+v+".yaml"] = &fstest.MapFile{Data: []byte(text)}
		for _, l := range o.Locales {
			fsys["locales/"+l+"/releases/"+v+".yaml"] = &fstest.MapFile{Data: []byte(translation(l, v, minor == 0, outage))}
		}
		date = date.AddDate(0, 3, 0)
	}
	return fsys
}

// language is a locale's language settings.
func language(locale string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "schemaVersion: 1\nlocale: %s\nmonths: [", locale)
	for m := range 12 {
		if m > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s-m%d", locale, m+1)
	}
	b.WriteString("]\ndateFormat: \"{day} {month} {year}\"\nroles:\n")
	for _, r := range []string{"global-admin", "sharepoint-admin", "operator", "comms"} {
		fmt.Fprintf(&b, "  - {id: %s, name: %s (%s)}\n", r, r, locale)
	}
	fmt.Fprintf(&b, "features:\n  - {id: connex, name: ConneX (%s)}\n", locale)
	return b.String()
}

// translation translates the customer-facing text of a release.
func translation(locale, version string, major, outage bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "schemaVersion: 1\nversion: %s\nsummary: Release %s (%s).\n", version, version, locale)
	if major {
		fmt.Fprintf(&b, "contentFreeze: {reason: Data is migrated (%s).}\n", locale)
	}
	b.WriteString("features:\n")
	for i := range 6 {
		fmt.Fprintf(&b, "  - {id: f%d, title: Feature %d (%s), summary: Something new (%s).}\n", i, i, locale, locale)
	}
	if major {
		b.WriteString("prerequisites:\n")
		for i := range 2 {
			fmt.Fprintf(&b, "  - {id: p%d, title: Prepare %d (%s), details: Do it (%s)., verify: Check it (%s).}\n", i, i, locale, locale, locale)
		}
	}
	if outage {
		fmt.Fprintf(&b, "outages:\n  - {id: o1, userMessage: Back soon (%s).}\n", locale)
	}
	return b.String()
}

// The templates of a generated locale: short, with every kind of content.
const (
	notesTemplate = "# {{.Product.Name}} {{.Version}} notes\n\n*{{date .ReleaseDate}}*\n\n{{trim .Summary}}\n" +
		"{{range .Groups}}\n## {{.Type}}\n{{range .Features}}\n### {{.Title}}\n\n{{trim .Summary}}\n{{end}}{{end}}" +
		"{{range .Prerequisites}}\n- {{.Title}} ({{.RoleName}})\n{{end}}{{range .Outages}}\n- {{.Name}}: {{.MinMinutes}}-{{.MaxMinutes}} min\n{{end}}"
	guideTemplate = "# {{.Product.Name}} {{.Version}} guide\n\n| from | bundle | effort |\n|---|---|---|\n" +
		"{{range .Paths}}| {{.From}} | {{.Bundle}} | {{minutes .HandsOnMinutes}} |\n{{end}}\n{{with .PublicKey}}Key: `{{.}}`{{end}}\n"
)

// install is the install procedure of the first release.
const install = `install:
  prerequisites:
    - {id: tenant, title: Provide the tenant, role: global-admin, effortMinutes: 30, details: The tenant to deploy to., verify: It exists., blocking: true}
  steps:
    - id: deploy
      title: Deploy Synth
      phase: deploy
      kind: script
      role: operator
      script: scripts/Step.ps1
      handsOnMinutes: 10
      elapsedMinutes: {estimate: 10, max: 20}
      verify: It runs.
      rollback: {none: A new tenant has nothing to return to.}
`

const config = `schemaVersion: 1
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
zendesk: {sectionId: 360001, permissionGroupId: 1501}
`

// phases are the phases steps are spread over, in order, with their weights.
var phases = []struct {
	phase  string
	weight int
}{{"prepare", 2}, {"freeze", 1}, {"deploy", 6}, {"verify", 2}, {"unfreeze", 1}, {"communicate", 1}}

func rank(phase string) int {
	for i, p := range phases {
		if p.phase == phase {
			return i
		}
	}
	return -1
}

// manifest writes a release; it reports whether the release has an outage.
func manifest(rng *rand.Rand, version string, major bool, date string, nSteps int) (string, bool) {
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
	var pool []string
	for _, p := range phases {
		if !major && (p.phase == "freeze" || p.phase == "unfreeze") {
			continue
		}
		for range p.weight {
			pool = append(pool, p.phase)
		}
	}
	stepPhases := make([]string, nSteps)
	for i := range stepPhases {
		stepPhases[i] = pool[rng.IntN(len(pool))]
	}
	if major {
		stepPhases[0], stepPhases[nSteps-1] = "freeze", "unfreeze"
	}
	slices.SortStableFunc(stepPhases, func(a, b string) int { return rank(a) - rank(b) })

	// Keyed steps (supersede and once) keep one global order within their phase
	// in every release, as real runbooks do; otherwise combining releases could
	// order them both ways round, which validation rightly rejects.
	type step struct {
		id, repeat, key string
		phase           string
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
		if s.phase == "deploy" {
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
	return b.String(), outageStep >= 0
}
