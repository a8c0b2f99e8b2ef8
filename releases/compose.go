package releases

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// Path is the cumulative runbook for upgrading from one version to another: one hop
// per maintenance window, the consolidated prerequisites, and what became of every
// step of every release on the way.
//
// A path can also deploy a release on a new tenant (see InstallPlan): then
// Install is true, From equals To (there is no version before) and Base is the
// release whose install procedure it starts from.
type Path struct {
	From, To *semver.Version
	// Install means the path deploys To on a new tenant rather than upgrading.
	Install bool
	// Base is the release whose install procedure an install starts from; nil
	// for an upgrade.
	Base *semver.Version
	Hops []*Hop
	// Prerequisites of every release on the path, in path order.
	Prerequisites []PlannedPrerequisite
	// Fates accounts for every step of every release on the path: nothing is
	// dropped without saying where it went.
	Fates []StepFate
	// Total adds up the hops.
	Total Figures
}

// Hop is one upgrade, from a version to the next required stop (or the target):
// one maintenance window that applies every release in (From, To].
type Hop struct {
	From, To *semver.Version
	// Releases are the releases the hop applies, oldest first.
	Releases []*Manifest
	// Steps are the steps to perform, in order.
	Steps []*PlannedStep
	Figures
}

// StepRef names a step of a release.
type StepRef struct {
	Version string `json:"version"`
	Step    string `json:"step"`
}

func (r StepRef) String() string { return r.Version + "/" + r.Step }

// PlannedStep is a release's step as it appears in a composed runbook.
type PlannedStep struct {
	*Step
	// Release is the release the step comes from.
	Release *Manifest
	// Anchor is unique within the path: the step id, suffixed with the version
	// for the second and later steps that share an id.
	Anchor string
	// Replaces lists the steps of older releases that this one stands in for.
	Replaces []StepRef
	// After lists the anchors of the steps this one waits for.
	After []string
	// Start and Finish are minutes from the start of the maintenance window by the
	// estimates; MaxFinish uses the maxima. Prepare steps happen before the window
	// and count from the start of the preparation.
	Start, Finish, MaxFinish int
	// GABlock numbers the Global Administrator block the step belongs to, from 1;
	// 0 when the step does not need a Global Administrator.
	GABlock int

	key      orderKey     // natural reading order
	replaced []sourceStep // the superseded steps whose dependencies it inherits
	// waits are the steps of its hop it waits for (see appendDeps), worked
	// out once by order, which anchoring and scheduling read again.
	waits []*PlannedStep
	hop   int32 // index of the hop the step runs in
	// order's working state, kept on the step rather than in maps keyed by
	// it, and small: the composer plans thousands of steps per path, and
	// validation orders every release on its own.
	pos     int32 // index in the hop's steps as selected, before ordering
	pending int32 // how many steps this one still waits for
	ga      bool  // the step needs a Global Administrator
	taken   bool  // placed
}

// sourceStep is a step with the release it belongs to.
type sourceStep struct {
	step    *Step
	release *Manifest
	index   int // in its release's steps
}

// Ref names the source step.
func (ps *PlannedStep) Ref() StepRef { return StepRef{Version: ps.Release.Version, Step: ps.ID} }

// PlannedPrerequisite is a prerequisite of a release on the path.
type PlannedPrerequisite struct {
	*Prerequisite
	Release *Manifest
	// Before is the version whose hop it must be completed before.
	Before *semver.Version
}

// Fate is what became of a source step in a composed path.
type Fate string

// The fates.
const (
	// FateKept: the step is in the runbook.
	FateKept Fate = "kept"
	// FateSuperseded: a newer step with the same dedupeKey runs instead.
	FateSuperseded Fate = "superseded"
	// FateMerged: a "once" step that already appears earlier on the path.
	FateMerged Fate = "merged"
)

// StepFate says what became of one source step.
type StepFate struct {
	StepRef
	Fate Fate `json:"fate"`
	// Hop is the index of the hop that applies the step's release.
	Hop int `json:"hop"`
	// By names the step that runs instead, for superseded and merged steps.
	By *StepRef `json:"by,omitempty"`
	// Origin says which part of its release the step comes from: empty for an
	// upgrade step of an upgrade path.
	Origin Origin `json:"origin,omitempty"`

	index int // the step's place in its release's steps, from 0
}

// Index is the step's place in its release's steps, from 0: with the order of
// the releases, it gives the order in which the manifests list the steps.
func (f *StepFate) Index() int { return f.index }

// Origin is the part of a release a step of an install comes from.
type Origin string

// The origins of the steps of an install.
const (
	// OriginInstall: a step of the install procedure the install starts from.
	OriginInstall Origin = "install"
	// OriginNewDeployments: an upgrade step of a later release marked
	// newDeployments.
	OriginNewDeployments Origin = "new-deployments"
)

// Origin says which part of its release the step comes from: empty for an
// upgrade step of an upgrade path.
func (ps *PlannedStep) Origin() Origin { return ps.Release.origin }

// Figures are the derived facts of a hop or a whole path. They are computed, never
// typed, so customers always see totals that add up.
type Figures struct {
	// HandsOn is the hands-on minutes per role, in catalogue order.
	HandsOn []RoleMinutes
	// HandsOnMinutes is the hands-on effort of all steps, all roles together.
	HandsOnMinutes int
	// PrerequisiteMinutes is the effort of the prerequisites.
	PrerequisiteMinutes int
	// Window is the length of the maintenance window: the longest chain of steps
	// through dependsOn, phases running one after another (prepare excluded).
	Window Window
	// Outages per feature.
	Outages []FeatureOutage
	// Freeze is the content-freeze decision and span.
	Freeze FreezeSummary
	// Presence says who must be present during the window, and when.
	Presence []Presence
	// GABlocks are the runs of consecutive steps that need a Global Administrator.
	GABlocks []GABlock
}

// RoleMinutes is an amount of hands-on effort for one role.
type RoleMinutes struct {
	Role    *Role
	Minutes int
}

// Window is the length of a maintenance window.
type Window struct {
	EstimateMinutes int `json:"estimateMinutes"`
	MaxMinutes      int `json:"maxMinutes"`
}

// FeatureOutage is how long a feature is offline.
type FeatureOutage struct {
	Feature    *CatalogFeature
	MinMinutes int
	MaxMinutes int
	// CausedBy are the anchors of the steps that cause it.
	CausedBy []string
	// Messages are what users are told meanwhile.
	Messages []string
}

// FreezeSummary is the content-freeze decision for a hop or path.
type FreezeSummary struct {
	Decision FreezeDecision
	// Reasons give each release's reason, "4.0.0: …".
	Reasons []string
	// StartMinute and EndMinute bound the freeze within the window (estimates).
	StartMinute, EndMinute int
}

// SpanMinutes is how long content stays frozen.
func (f FreezeSummary) SpanMinutes() int { return f.EndMinute - f.StartMinute }

// Presence says when a role is needed during the window.
type Presence struct {
	Role *Role
	// FromMinute and ToMinute bound the role's steps in the window (estimates).
	FromMinute, ToMinute int
	// Before means the role also has prepare steps ahead of the window.
	Before bool
	// Steps are the anchors of the role's steps.
	Steps          []string
	HandsOnMinutes int
}

// GABlock is a run of consecutive steps that need a Global Administrator: one
// PIM activation.
type GABlock struct {
	Steps                  []string
	StartMinute, EndMinute int
}

// Plan composes the cumulative runbook for an upgrade from `from` to `to`.
func (ws *Workspace) Plan(from, to *semver.Version) (*Path, error) {
	stops, err := ws.Route(from, to)
	if err != nil {
		return nil, err
	}
	p := &Path{From: from, To: to}
	// Every source step on the path gets one fate: room for them all at once.
	sources := 0
	for _, m := range ws.between(from, to) {
		sources += len(m.Steps)
	}
	p.Fates = make([]StepFate, 0, sources)
	c := newComposer(ws, p, sources)
	start := from
	for _, stop := range stops {
		if err := c.addHop(start, stop.version, ws.between(start, stop.version)); err != nil {
			return nil, err
		}
		start = stop.version
	}
	p.Total = c.total()
	return p, nil
}

// ReleasePlan composes the runbook of one release on its own: its steps, in
// order, as a customer on the previous version runs them. It is what changes from
// one release's procedure to the next. From is the previous version, or the
// release itself when it is the first.
func (ws *Workspace) ReleasePlan(v *semver.Version) (*Path, error) {
	m, ok := ws.Find(v)
	if !ok {
		return nil, fmt.Errorf("%s is not a known version (known: %s)", v, ws.knownVersions())
	}
	from := v
	if prev := ws.Previous(v); prev != nil {
		from = prev.version
	}
	p := &Path{From: from, To: v}
	c := newComposer(ws, p, len(m.Steps))
	if err := c.addHop(from, v, []*Manifest{m}); err != nil {
		return nil, err
	}
	p.Total = c.total()
	return p, nil
}

// between returns the manifests in (from, to], oldest first.
func (ws *Workspace) between(from, to *semver.Version) []*Manifest {
	var out []*Manifest
	for _, m := range ws.Manifests {
		if m.version.GreaterThan(from) && !m.version.GreaterThan(to) {
			out = append(out, m)
		}
	}
	return out
}

type composer struct {
	ws      *Workspace
	path    *Path
	once    map[string]*PlannedStep // once-key → the step that runs, path-wide
	anchors map[string]struct{}     // the anchors given so far, path-wide
	// byRefs is room for the By of fates still to be recorded (see by).
	byRefs []StepRef
	// standIn maps every source step of the hop being composed to the step
	// that runs for it.
	standIn map[*Step]*PlannedStep
	// names holds the anchors made from an id and a version (see anchor), and
	// candidate is where they are tried.
	names     stringArena
	candidate []byte
}

// stringArena makes strings that share large allocations rather than one each:
// a long path has thousands of made-up anchors, which live as long as the
// path does. A strings.Builder only ever appends, so the strings it has
// returned never change.
type stringArena struct{ b strings.Builder }

// string returns p as a string.
func (a *stringArena) string(p []byte) string {
	if a.b.Cap()-a.b.Len() < len(p) {
		a.b = strings.Builder{} // the strings already made keep the old block alive
		a.b.Grow(max(4096, len(p)))
	}
	start := a.b.Len()
	a.b.Write(p)
	return a.b.String()[start:]
}

// newComposer starts composing path p, whose releases have up to `steps` source
// steps in all: the anchors get room for them once rather than growing.
func newComposer(ws *Workspace, p *Path, steps int) *composer {
	return &composer{ws: ws, path: p, once: map[string]*PlannedStep{}, anchors: make(map[string]struct{}, steps)}
}

// by returns a new StepRef naming ps, for the By of a fate. They are handed out
// from blocks allocated together: a long path has hundreds of superseded and
// merged steps, and one allocation each would be most of the fates' cost.
func (c *composer) by(ps *PlannedStep) *StepRef {
	if len(c.byRefs) == 0 {
		c.byRefs = make([]StepRef, 32)
	}
	r := &c.byRefs[0]
	c.byRefs = c.byRefs[1:]
	*r = ps.Ref()
	return r
}

// supersedeKey is what the composer knows of a dedupeKey in a hop: the newest
// step with the key, which runs, and how many steps have it.
type supersedeKey struct {
	newest *Step
	steps  int
}

// orderKey is the natural reading order: phase, then release, then file order.
type orderKey struct{ phase, release, index int }

func (k orderKey) compare(o orderKey) int {
	return cmp.Or(cmp.Compare(k.phase, o.phase), cmp.Compare(k.release, o.release), cmp.Compare(k.index, o.index))
}

// phaseSlot is where a phase of the given rank goes in a slice with room for
// every phase, len(Phases)+1 long: the unknown phase (rank -1) too, since a
// workspace that does not validate can still be planned.
func phaseSlot(rank int) int { return rank + 1 }

func onceKey(s *Step) string { return cmp.Or(s.DedupeKey, s.ID) }

// selectAndOrder builds the hop from `from` to `to`: it selects the steps that run
// (recording every source step's fate and, in c.standIn, which step runs for
// it) and orders them.
func (c *composer) selectAndOrder(from, to *semver.Version, rels []*Manifest) (*Hop, error) {
	hopIndex := len(c.path.Hops)
	hop := &Hop{From: from, To: to, Releases: rels}

	// Supersede: the newest step with each dedupeKey runs.
	steps, supersede := 0, 0
	for _, m := range hop.Releases {
		steps += len(m.Steps)
		for i := range m.Steps {
			if m.Steps[i].Repeat == RepeatSupersede {
				supersede++
			}
		}
	}
	keys := make(map[string]supersedeKey, supersede)
	for _, m := range hop.Releases {
		for i := range m.Steps {
			if s := &m.Steps[i]; s.Repeat == RepeatSupersede {
				k := keys[s.DedupeKey]
				keys[s.DedupeKey] = supersedeKey{newest: s, steps: k.steps + 1}
			}
		}
	}
	// Select, in path order, and remember where every source step went.
	standIn := make(map[*Step]*PlannedStep, steps)
	c.standIn = standIn
	hop.Steps = make([]*PlannedStep, 0, steps)
	c.path.Fates = slices.Grow(c.path.Fates, steps) // a fate for every source step
	// The hop's planned steps, allocated together; never grown, so that the
	// pointers into it stay valid.
	planned := make([]PlannedStep, 0, steps)
	// Every supersede step but the newest of its key is superseded.
	superseded := make([]sourceStep, 0, supersede-len(keys))
	for ri, m := range hop.Releases {
		for i := range m.Steps {
			s := &m.Steps[i]
			ref := StepRef{Version: m.Version, Step: s.ID}
			switch s.Repeat {
			case RepeatSupersede:
				if keys[s.DedupeKey].newest != s {
					superseded = append(superseded, sourceStep{s, m, i})
					continue
				}
			case RepeatOnce:
				if first := c.once[onceKey(s)]; first != nil {
					standIn[s] = first
					c.path.Fates = append(c.path.Fates, StepFate{StepRef: ref, Fate: FateMerged, Hop: hopIndex, By: c.by(first), Origin: m.origin, index: i})
					first.Replaces = append(first.Replaces, ref)
					continue
				}
			}
			planned = append(planned, PlannedStep{Step: s, Release: m, hop: int32(hopIndex), key: orderKey{s.Phase.Rank(), ri, i}})
			ps := &planned[len(planned)-1]
			if s.Repeat == RepeatOnce {
				c.once[onceKey(s)] = ps
			}
			standIn[s] = ps
			hop.Steps = append(hop.Steps, ps)
			c.path.Fates = append(c.path.Fates, StepFate{StepRef: ref, Fate: FateKept, Hop: hopIndex, Origin: m.origin, index: i})
		}
	}
	// What each newest step replaces, in one backing for the hop: room for
	// every older step of its key.
	replaces, replaced := make([]StepRef, len(superseded)), make([]sourceStep, len(superseded))
	for _, src := range superseded {
		s, m := src.step, src.release
		k := keys[s.DedupeKey]
		by := standIn[k.newest]
		ref := StepRef{Version: m.Version, Step: s.ID}
		standIn[s] = by
		if by.replaced == nil {
			n := k.steps - 1
			by.Replaces, replaces = replaces[:0:n], replaces[n:]
			by.replaced, replaced = replaced[:0:n], replaced[n:]
		}
		by.Replaces = append(by.Replaces, ref)
		by.replaced = append(by.replaced, src)
		c.path.Fates = append(c.path.Fates, StepFate{StepRef: ref, Fate: FateSuperseded, Hop: hopIndex, By: c.by(by), Origin: m.origin, index: src.index})
	}
	standInUpgradeOnly(hop, standIn, keys, c.once)
	if err := order(hop, standIn, c.ws.Config); err != nil {
		return nil, err
	}
	return hop, nil
}

func (c *composer) addHop(from, to *semver.Version, rels []*Manifest) error {
	hop, err := c.selectAndOrder(from, to, rels)
	if err != nil {
		return err
	}
	suffixes := make([]string, len(hop.Releases)) // see anchor
	for _, ps := range hop.Steps {
		ps.Anchor = c.anchor(ps, suffixes)
	}
	// The anchors each step waits for, in one backing for the hop.
	waits := 0
	for _, ps := range hop.Steps {
		waits += len(ps.waits)
	}
	after := make([]string, waits)
	for _, ps := range hop.Steps {
		if n := len(ps.waits); n > 0 {
			ps.After, after = after[:n:n], after[n:]
			for i, dep := range ps.waits {
				ps.After[i] = dep.Anchor
			}
		}
	}
	schedule(hop)
	hop.Figures = c.figures(hop)
	c.path.Hops = append(c.path.Hops, hop)
	for _, m := range hop.Releases {
		for i := range m.Prerequisites {
			c.path.Prerequisites = append(c.path.Prerequisites, PlannedPrerequisite{Prerequisite: &m.Prerequisites[i], Release: m, Before: to})
		}
	}
	return nil
}

// anchor gives a step a path-wide unique anchor: its id when free, else the id
// suffixed with its version ("-v4-2-0"), else that and a counter. suffixes
// keeps the version suffix of each release of the hop (by index) once made.
//
// The candidates are tried in c.candidate (looking a converted []byte up in a
// map does not allocate) and only the one chosen is made a string.
func (c *composer) anchor(ps *PlannedStep, suffixes []string) string {
	if _, taken := c.anchors[ps.ID]; !taken {
		c.anchors[ps.ID] = struct{}{}
		return ps.ID
	}
	suffix := &suffixes[ps.key.release]
	if *suffix == "" {
		*suffix = "-v" + strings.ReplaceAll(ps.Release.Version, ".", "-")
	}
	a := append(append(c.candidate[:0], ps.ID...), *suffix...)
	for n := 2; ; n++ {
		if _, taken := c.anchors[string(a)]; !taken {
			break
		}
		a = append(append(append(a[:0], ps.ID...), *suffix...), '-')
		a = strconv.AppendInt(a, int64(n), 10)
	}
	c.candidate = a
	anchor := c.names.string(a)
	c.anchors[anchor] = struct{}{}
	return anchor
}

// appendDeps appends to out the planned steps ps waits for within its hop: its
// own dependsOn and those of the steps it supersedes (4.3's backend deployment
// still needs what 4.2's needed), each mapped to the step that runs in its
// place, each once. A dependency that ran in an earlier hop (a "once" step) is
// already done.
func (ps *PlannedStep) appendDeps(out []*PlannedStep, standIn map[*Step]*PlannedStep) []*PlannedStep {
	first := len(out)
	out = ps.appendDepsOf(out, first, ps.Step, ps.Release, standIn)
	for _, r := range ps.replaced {
		out = ps.appendDepsOf(out, first, r.step, r.release, standIn)
	}
	return out
}

// appendDepsOf appends what s, a step of rel, depends on to ps's dependencies,
// out[first:].
func (ps *PlannedStep) appendDepsOf(out []*PlannedStep, first int, s *Step, rel *Manifest, standIn map[*Step]*PlannedStep) []*PlannedStep {
	for _, id := range s.DependsOn {
		src := rel.step(id)
		if src == nil && rel.release != nil {
			src = rel.release.step(id) // see standInUpgradeOnly
		}
		if src == nil {
			continue
		}
		if d, ok := standIn[src]; ok && d != ps && d.hop == ps.hop && !slices.Contains(out[first:], d) {
			out = append(out, d)
		}
	}
	return out
}

// step finds a step of the manifest by id.
func (m *Manifest) step(id string) *Step {
	for i := range m.Steps {
		if m.Steps[i].ID == id {
			return &m.Steps[i]
		}
	}
	return nil
}

// order sorts a hop's steps: dependencies first; otherwise by phase, release and
// file order, keeping each release's own order within a phase. Where releases
// interleave, steps that need a Global Administrator are gathered so that PIM is
// activated as few times as possible.
//
// hop.Steps come as selected: release by release, each in file order. standIn
// maps every source step of the hop to the step that runs for it.
func order(hop *Hop, standIn map[*Step]*PlannedStep, cfg *Config) error {
	n := len(hop.Steps)
	// What each step waits for: its dependencies (waits) and the step before
	// it of its release and phase, to keep file order. The composer orders
	// every hop of every path, so the edges go into a few slices for the whole
	// hop rather than into slices of their own: the dependencies into one with
	// room for every dependsOn, and who waits for whom into one indexed by
	// position (outStart), filled once every step's count is known.
	room := 0
	for k, ps := range hop.Steps {
		ps.pos = int32(k)
		room += len(ps.DependsOn)
		for _, r := range ps.replaced {
			room += len(r.step.DependsOn)
		}
	}
	waits := make([]*PlannedStep, 0, room)
	before := make([]*PlannedStep, n)           // the step before, when it is not a dependency already
	outStart := make([]int, n+1)                // the steps that wait for step k are waitedBy[outStart[k]:outStart[k+1]]
	last := make([]*PlannedStep, len(Phases)+1) // by phase slot: the release's latest step so far
	release := -1
	for k, ps := range hop.Steps {
		if ps.key.release != release {
			release = ps.key.release
			clear(last)
		}
		start := len(waits)
		if waits = ps.appendDeps(waits, standIn); len(waits) > start {
			ps.waits = waits[start:len(waits):len(waits)]
		}
		for _, d := range ps.waits {
			outStart[d.pos+1]++
		}
		ps.pending = int32(len(ps.waits))
		slot := phaseSlot(ps.key.phase)
		if prev := last[slot]; prev != nil && !slices.Contains(ps.waits, prev) {
			before[k] = prev
			outStart[prev.pos+1]++
			ps.pending++
		}
		last[slot] = ps
	}
	for k := range n {
		outStart[k+1] += outStart[k]
	}
	waitedBy := make([]*PlannedStep, outStart[n])
	next := slices.Clone(outStart[:n])
	for k, ps := range hop.Steps {
		for _, d := range ps.waits {
			waitedBy[next[d.pos]] = ps
			next[d.pos]++
		}
		if prev := before[k]; prev != nil {
			waitedBy[next[prev.pos]] = ps
			next[prev.pos]++
		}
	}
	// Whether a step needs a Global Administrator, looked up once per step
	// among the few roles that do.
	gaRoles := cfg.globalAdminRoles(make([]string, 0, 4))
	gaSteps := make([]int, len(Phases)+1) // by phase slot
	for _, ps := range hop.Steps {
		if slices.Contains(gaRoles, ps.Role) {
			ps.ga = true
			gaSteps[phaseSlot(ps.key.phase)]++
		}
	}
	// The next step is the first of the ready ones: first to continue an open
	// Global Administrator block in the same phase, then by phase, leaving Global
	// Administrator steps for last so that they gather, then in reading order.
	// Two heaps give it without rescanning the ready steps for every step placed:
	// every ready step in that order, and the ready Global Administrator steps of
	// each phase in reading order. A step taken from one heap is skipped when it
	// surfaces in the other. Each has room for every step it can hold.
	ready := stepHeap{s: make([]*PlannedStep, 0, n)}
	readyGA := make([]stepHeap, len(Phases)+1) // by phase slot
	gaTotal := 0
	for _, count := range gaSteps {
		gaTotal += count
	}
	gaRoom := make([]*PlannedStep, gaTotal)
	for slot, count := range gaSteps {
		readyGA[slot] = stepHeap{s: gaRoom[:0:count], inPhase: true}
		gaRoom = gaRoom[count:]
	}
	push := func(ps *PlannedStep) {
		ready.push(ps)
		if ps.ga {
			readyGA[phaseSlot(ps.key.phase)].push(ps)
		}
	}
	for _, ps := range hop.Steps {
		if ps.pending == 0 {
			push(ps)
		}
	}
	out := make([]*PlannedStep, 0, n)
	var prev *PlannedStep
	for {
		var ps *PlannedStep
		if prev != nil && prev.ga {
			ps = readyGA[phaseSlot(prev.key.phase)].popUntaken()
		}
		if ps == nil {
			ps = ready.popUntaken()
		}
		if ps == nil {
			break
		}
		ps.taken = true
		out = append(out, ps)
		prev = ps
		for _, w := range waitedBy[outStart[ps.pos]:outStart[ps.pos+1]] {
			if w.pending--; w.pending == 0 {
				push(w)
			}
		}
	}
	if len(out) != n {
		var stuck []string
		for _, ps := range hop.Steps {
			if ps.pending > 0 {
				stuck = append(stuck, ps.Ref().String())
			}
		}
		what := fmt.Sprintf("upgrade from %s to %s", hop.From, hop.To)
		if len(hop.Releases) > 0 && hop.Releases[0].origin == OriginInstall {
			what = fmt.Sprintf("deployment of %s on a new tenant", hop.To)
		}
		return fmt.Errorf("%s: steps wait for each other in a cycle: %s", what, strings.Join(stuck, ", "))
	}
	hop.Steps = out
	return nil
}

// schedule places the steps in time: a step starts when the steps it depends on and
// every step of earlier phases have finished. Prepare steps precede the window and
// are scheduled on their own clock.
func schedule(hop *Hop) {
	type bounds struct{ est, max int }
	phaseEnd := make([]bounds, len(Phases)+1) // by phase slot: latest finish of the phase's steps so far
	for _, ps := range hop.Steps {
		// Every step of an earlier phase on the same clock has finished.
		var b bounds
		for slot, e := range phaseEnd[:phaseSlot(ps.key.phase)] {
			if p := slot - 1; (ps.key.phase == 0) == (p == 0) {
				b.est, b.max = max(b.est, e.est), max(b.max, e.max)
			}
		}
		start, maxStart := b.est, b.max
		for _, d := range ps.waits {
			if (d.key.phase == 0) == (ps.key.phase == 0) {
				start, maxStart = max(start, d.Finish), max(maxStart, d.MaxFinish)
			}
		}
		ps.Start = start
		ps.Finish = start + ps.ElapsedMinutes.Estimate
		ps.MaxFinish = maxStart + ps.ElapsedMinutes.Max
		e := &phaseEnd[phaseSlot(ps.key.phase)]
		e.est, e.max = max(e.est, ps.Finish), max(e.max, ps.MaxFinish)
	}
}

func (c *composer) figures(hop *Hop) Figures {
	cfg := c.ws.Config
	var f Figures
	// Hands-on effort and presence by role, kept by the catalogue index of the
	// first role with the step's role id (the one Config.Role finds): the
	// steps of a role the catalogue lacks count in the total only. Each role's
	// anchors get room for all its steps at once.
	roleOf := make([]int, len(hop.Steps))
	count := make([]int, len(cfg.Roles))
	for k, ps := range hop.Steps {
		if roleOf[k] = cfg.roleIndex(ps.Role); roleOf[k] >= 0 {
			count[roleOf[k]]++
		}
	}
	presence := make([]Presence, len(cfg.Roles)) // Role is set once the role has a step
	anchors := 0
	for _, n := range count {
		anchors += n
	}
	room := make([]string, anchors) // for each role's anchors
	for k, ps := range hop.Steps {
		f.HandsOnMinutes += ps.HandsOnMinutes
		var pr *Presence
		if ri := roleOf[k]; ri >= 0 {
			pr = &presence[ri]
			if pr.Role == nil {
				*pr = Presence{Role: &cfg.Roles[ri], FromMinute: -1, Steps: room[:0:count[ri]]}
				room = room[count[ri]:]
			}
			pr.Steps = append(pr.Steps, ps.Anchor)
			pr.HandsOnMinutes += ps.HandsOnMinutes
		}
		if ps.Phase == PhasePrepare {
			if pr != nil {
				pr.Before = true
			}
			continue
		}
		f.Window.EstimateMinutes = max(f.Window.EstimateMinutes, ps.Finish)
		f.Window.MaxMinutes = max(f.Window.MaxMinutes, ps.MaxFinish)
		if pr != nil {
			if pr.FromMinute < 0 || ps.Start < pr.FromMinute {
				pr.FromMinute = ps.Start
			}
			pr.ToMinute = max(pr.ToMinute, ps.Finish)
		}
	}
	// In catalogue order; a role listed twice (which validation refuses)
	// shows twice, as the first of its id.
	shown := 0
	for i := range cfg.Roles {
		if presence[cfg.roleIndex(cfg.Roles[i].ID)].Role != nil {
			shown++
		}
	}
	if shown > 0 {
		f.HandsOn, f.Presence = make([]RoleMinutes, 0, shown), make([]Presence, 0, shown)
	}
	for i := range cfg.Roles {
		if pr := &presence[cfg.roleIndex(cfg.Roles[i].ID)]; pr.Role != nil {
			f.HandsOn = append(f.HandsOn, RoleMinutes{Role: &cfg.Roles[i], Minutes: pr.HandsOnMinutes})
			pr.FromMinute = max(pr.FromMinute, 0)
			f.Presence = append(f.Presence, *pr)
		}
	}
	for _, m := range hop.Releases {
		for i := range m.Prerequisites {
			f.PrerequisiteMinutes += m.Prerequisites[i].EffortMinutes
		}
	}
	f.Outages = c.outages(hop)
	f.Freeze = freeze(hop)
	f.GABlocks = gaBlocks(hop.Steps, cfg)
	return f
}

// outages adds up, per feature, the outages whose causing steps run in the hop.
// An outage whose every cause was superseded does not happen: the step that runs
// instead declares its own.
func (c *composer) outages(hop *Hop) []FeatureOutage {
	features := c.ws.Config.Features
	// By the catalogue index of the first feature with the outage's feature id
	// (the one Config.Feature finds); an outage of a feature the catalogue
	// lacks is never shown.
	var byFeature []FeatureOutage
	for _, m := range hop.Releases {
		for _, o := range m.Outages {
			fi := c.ws.Config.featureIndex(o.Feature)
			if fi < 0 {
				continue
			}
			var causes []string
			for _, id := range o.CausedBy {
				// A source step runs when the step that runs for it is itself.
				if s := m.step(id); s != nil {
					if ps := c.standIn[s]; ps != nil && ps.Step == s {
						causes = append(causes, ps.Anchor)
					}
				}
			}
			if len(causes) == 0 {
				continue
			}
			if byFeature == nil {
				byFeature = make([]FeatureOutage, len(features))
			}
			fo := &byFeature[fi]
			fo.Feature = &features[fi]
			fo.MinMinutes += o.MinMinutes
			fo.MaxMinutes += o.MaxMinutes
			fo.CausedBy = append(fo.CausedBy, causes...)
			fo.Messages = append(fo.Messages, o.UserMessage)
		}
	}
	if byFeature == nil {
		return nil
	}
	var out []FeatureOutage
	for i := range features {
		if fo := &byFeature[c.ws.Config.featureIndex(features[i].ID)]; fo.Feature != nil {
			out = append(out, *fo)
		}
	}
	return out
}

func freeze(hop *Hop) FreezeSummary {
	fs := FreezeSummary{Decision: FreezeNotNeeded}
	for _, m := range hop.Releases {
		if m.ContentFreeze == nil {
			continue
		}
		if freezeStrength(m.ContentFreeze.Decision) > freezeStrength(fs.Decision) {
			fs.Decision = m.ContentFreeze.Decision
		}
		fs.Reasons = append(fs.Reasons, m.Version+": "+m.ContentFreeze.Reason)
	}
	if fs.Decision == FreezeNotNeeded {
		return fs
	}
	fs.StartMinute = -1
	for _, ps := range hop.Steps {
		switch ps.Phase {
		case PhaseFreeze:
			if fs.StartMinute < 0 || ps.Start < fs.StartMinute {
				fs.StartMinute = ps.Start
			}
		case PhaseUnfreeze:
			fs.EndMinute = max(fs.EndMinute, ps.Finish)
		}
	}
	fs.StartMinute = max(fs.StartMinute, 0)
	fs.EndMinute = max(fs.EndMinute, fs.StartMinute)
	return fs
}

func freezeStrength(d FreezeDecision) int {
	switch d {
	case FreezeRequired:
		return 2
	case FreezeRecommended:
		return 1
	}
	return 0
}

// gaBlocks finds the runs of consecutive steps that need a Global Administrator and
// numbers each step's block.
func gaBlocks(steps []*PlannedStep, cfg *Config) []GABlock {
	gaRoles := cfg.globalAdminRoles(make([]string, 0, 4))
	// Count the blocks and their steps first, to give them room at once.
	count, gaSteps := 0, 0
	for k, ps := range steps {
		if slices.Contains(gaRoles, ps.Role) {
			gaSteps++
			if k == 0 || !slices.Contains(gaRoles, steps[k-1].Role) {
				count++
			}
		}
	}
	var blocks []GABlock
	if count > 0 {
		blocks = make([]GABlock, 0, count)
	}
	room := make([]string, gaSteps)
	open := false
	for k, ps := range steps {
		if !slices.Contains(gaRoles, ps.Role) {
			ps.GABlock, open = 0, false
			continue
		}
		if !open {
			run := 1 // the block's steps
			for k+run < len(steps) && slices.Contains(gaRoles, steps[k+run].Role) {
				run++
			}
			blocks = append(blocks, GABlock{StartMinute: ps.Start, Steps: room[:0:run]})
			room = room[run:]
			open = true
		}
		b := &blocks[len(blocks)-1]
		b.Steps = append(b.Steps, ps.Anchor)
		b.EndMinute = max(b.EndMinute, ps.Finish)
		ps.GABlock = len(blocks)
	}
	return blocks
}

// total adds up the hops of the path.
func (c *composer) total() Figures {
	var t Figures
	handsOn := map[string]int{}
	outages := map[string]*FeatureOutage{}
	offset := 0
	for _, h := range c.path.Hops {
		t.HandsOnMinutes += h.HandsOnMinutes
		t.PrerequisiteMinutes += h.PrerequisiteMinutes
		t.Window.EstimateMinutes += h.Window.EstimateMinutes
		t.Window.MaxMinutes += h.Window.MaxMinutes
		for _, rm := range h.HandsOn {
			handsOn[rm.Role.ID] += rm.Minutes
		}
		for _, o := range h.Outages {
			fo := outages[o.Feature.ID]
			if fo == nil {
				fo = &FeatureOutage{Feature: o.Feature}
				outages[o.Feature.ID] = fo
			}
			fo.MinMinutes += o.MinMinutes
			fo.MaxMinutes += o.MaxMinutes
			fo.CausedBy = append(fo.CausedBy, o.CausedBy...)
			fo.Messages = append(fo.Messages, o.Messages...)
		}
		if freezeStrength(h.Freeze.Decision) > freezeStrength(t.Freeze.Decision) || t.Freeze.Decision == "" {
			t.Freeze.Decision = h.Freeze.Decision
		}
		t.Freeze.Reasons = append(t.Freeze.Reasons, h.Freeze.Reasons...)
		if h.Freeze.Decision != FreezeNotNeeded {
			t.Freeze.EndMinute += h.Freeze.SpanMinutes()
		}
		for _, b := range h.GABlocks {
			t.GABlocks = append(t.GABlocks, GABlock{Steps: b.Steps, StartMinute: offset + b.StartMinute, EndMinute: offset + b.EndMinute})
		}
		offset += h.Window.EstimateMinutes
	}
	cfg := c.ws.Config
	for i := range cfg.Roles {
		if m, ok := handsOn[cfg.Roles[i].ID]; ok {
			t.HandsOn = append(t.HandsOn, RoleMinutes{Role: &cfg.Roles[i], Minutes: m})
		}
	}
	for i := range cfg.Features {
		if fo := outages[cfg.Features[i].ID]; fo != nil {
			t.Outages = append(t.Outages, *fo)
		}
	}
	return t
}

// Role returns the catalogue role with the given id, or nil.
func (c *Config) Role(id string) *Role {
	if i := c.roleIndex(id); i >= 0 {
		return &c.Roles[i]
	}
	return nil
}

// roleIndex returns the index of the first catalogue role with the given id,
// or -1.
func (c *Config) roleIndex(id string) int {
	for i := range c.Roles {
		if c.Roles[i].ID == id {
			return i
		}
	}
	return -1
}

// Feature returns the catalogue feature with the given id, or nil.
func (c *Config) Feature(id string) *CatalogFeature {
	if i := c.featureIndex(id); i >= 0 {
		return &c.Features[i]
	}
	return nil
}

// featureIndex returns the index of the first catalogue feature with the given
// id, or -1.
func (c *Config) featureIndex(id string) int {
	for i := range c.Features {
		if c.Features[i].ID == id {
			return i
		}
	}
	return -1
}

// GlobalAdministrator is the Entra ID role that can do everything, and that
// customers least like to activate.
const GlobalAdministrator = "Global Administrator"

// NeedsGlobalAdmin reports whether the role's least privileged Entra ID role is
// Global Administrator.
func (r *Role) NeedsGlobalAdmin() bool {
	return r != nil && len(r.EntraRoles) > 0 && r.EntraRoles[0] == GlobalAdministrator
}

// globalAdminRoles appends to ids the ids of the catalogue roles that need a
// Global Administrator (the first role of an id decides, as Role finds it): a
// hop's steps are looked up among these few instead of in the whole catalogue.
func (c *Config) globalAdminRoles(ids []string) []string {
	for i := range c.Roles {
		if r := &c.Roles[i]; c.roleIndex(r.ID) == i && r.NeedsGlobalAdmin() {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// stepHeap is a binary min-heap of steps (see less).
type stepHeap struct {
	s []*PlannedStep
	// inPhase orders the steps in reading order alone: the heap holds the
	// ready Global Administrator steps of one phase. Otherwise they go by
	// phase, then those that need no Global Administrator first, then in
	// reading order.
	inPhase bool
}

func (h *stepHeap) less(a, b *PlannedStep) bool {
	if !h.inPhase {
		if a.key.phase != b.key.phase {
			return a.key.phase < b.key.phase
		}
		if a.ga != b.ga {
			return b.ga
		}
	}
	return a.key.compare(b.key) < 0
}

func (h *stepHeap) push(ps *PlannedStep) {
	h.s = append(h.s, ps)
	for i := len(h.s) - 1; i > 0; {
		parent := (i - 1) / 2
		if !h.less(h.s[i], h.s[parent]) {
			break
		}
		h.s[i], h.s[parent] = h.s[parent], h.s[i]
		i = parent
	}
}

func (h *stepHeap) pop() *PlannedStep {
	top := h.s[0]
	last := len(h.s) - 1
	h.s[0] = h.s[last]
	h.s[last] = nil
	h.s = h.s[:last]
	for i := 0; ; {
		first, l, r := i, 2*i+1, 2*i+2
		if l < len(h.s) && h.less(h.s[l], h.s[first]) {
			first = l
		}
		if r < len(h.s) && h.less(h.s[r], h.s[first]) {
			first = r
		}
		if first == i {
			return top
		}
		h.s[i], h.s[first] = h.s[first], h.s[i]
		i = first
	}
}

// popUntaken pops the heap's first step not yet placed, or returns nil.
func (h *stepHeap) popUntaken() *PlannedStep {
	for len(h.s) > 0 {
		if ps := h.pop(); !ps.taken {
			return ps
		}
	}
	return nil
}

// hopOrder answers, for one upgrade hop at a time, what composer.selectAndOrder
// answers about order alone: whether the steps that run can be ordered, and if
// not, which steps are stuck waiting in a cycle. Validation asks it of every
// direct upgrade of the workspace, so it plans no steps: it works on indices,
// resolves every step's dependsOn to indices once per manifest, and reuses its
// buffers from hop to hop.
//
// The steps stuck in a cycle are the same whatever order the ready steps are
// taken in (those on a cycle and those waiting for one), so a first-in,
// first-out sort finds the same ones as order's Global Administrator-aware one.
// It handles upgrade releases only (as combinations passes them): a hop of an
// install is composed by InstallPlan.
type hopOrder struct {
	// deps[m][i] are the indices in m.Steps of the steps m.Steps[i] names in
	// dependsOn, in order; names that are no step of m are left out.
	deps map[*Manifest][][]int

	newest map[string]int // dedupeKey → the global index of its newest supersede step
	once   map[string]int // once-key → the global index of the step that runs
	// Per source step of the hop, indexed globally (base[release] + index).
	runner []int // the global index of the step that runs for it
	// Per running step, in selection order.
	kept     []int // its global index
	keptOf   []int // global index → position in kept, -1 when it does not run
	pending  []int
	replaced [][]int // global indices of the superseded steps it stands in for
	edges    [][2]int
	outStart []int
	out      []int
	queue    []int
	base     []int // global index of each release's first step
	relOf    []int // global index → release
	rels     []*Manifest
}

func newHopOrder(manifests []*Manifest) *hopOrder {
	h := &hopOrder{deps: make(map[*Manifest][][]int, len(manifests)), newest: map[string]int{}, once: map[string]int{}}
	for _, m := range manifests {
		ids := make(map[string]int, len(m.Steps))
		for i := range m.Steps {
			if _, dup := ids[m.Steps[i].ID]; !dup { // Manifest.step finds the first
				ids[m.Steps[i].ID] = i
			}
		}
		deps := make([][]int, len(m.Steps))
		for i := range m.Steps {
			for _, id := range m.Steps[i].DependsOn {
				if j, ok := ids[id]; ok {
					deps[i] = append(deps[i], j)
				}
			}
		}
		h.deps[m] = deps
	}
	return h
}

// step returns the release, the step and the release's index at a global
// index of the hop.
func (h *hopOrder) step(g int) (*Manifest, *Step, int) {
	ri := h.relOf[g]
	return h.rels[ri], &h.rels[ri].Steps[g-h.base[ri]], ri
}

// check selects the steps of the hop from `from` to `to` that applies rels, as
// the composer does, and returns the composer's error when they cannot be
// ordered.
func (h *hopOrder) check(from, to *semver.Version, rels []*Manifest) error {
	h.rels = rels
	h.base, h.relOf = h.base[:0], h.relOf[:0]
	total := 0
	for ri, m := range rels {
		h.base = append(h.base, total)
		total += len(m.Steps)
		for range m.Steps {
			h.relOf = append(h.relOf, ri)
		}
	}
	clear(h.newest)
	clear(h.once)
	for ri, m := range rels {
		for i := range m.Steps {
			if s := &m.Steps[i]; s.Repeat == RepeatSupersede {
				h.newest[s.DedupeKey] = h.base[ri] + i
			}
		}
	}
	h.runner = resize(h.runner, total)
	h.keptOf = resize(h.keptOf, total)
	h.kept = h.kept[:0]
	var superseded []int
	for ri, m := range rels {
		for i := range m.Steps {
			s, g := &m.Steps[i], h.base[ri]+i
			h.keptOf[g] = -1
			switch {
			case s.Repeat == RepeatSupersede && h.newest[s.DedupeKey] != g:
				superseded = append(superseded, g)
				continue
			case s.Repeat == RepeatOnce:
				if first, ok := h.once[onceKey(s)]; ok {
					h.runner[g] = first
					continue
				}
				h.once[onceKey(s)] = g
			}
			h.runner[g] = g
			h.keptOf[g] = len(h.kept)
			h.kept = append(h.kept, g)
		}
	}
	n := len(h.kept)
	h.replaced = resize(h.replaced, n)
	for k := range h.replaced {
		h.replaced[k] = h.replaced[k][:0]
	}
	for _, g := range superseded {
		_, s, _ := h.step(g)
		by := h.newest[s.DedupeKey]
		h.runner[g] = by
		k := h.keptOf[by]
		h.replaced[k] = append(h.replaced[k], g)
	}

	// The edges: what each running step waits for (its own dependsOn and
	// those of the steps it supersedes, each mapped to the step that runs in
	// its place), and the step before it of its release and phase.
	h.edges = h.edges[:0]
	h.pending = resize(h.pending, n)
	type relPhase struct{ release, phase int }
	last := map[relPhase]int{}
	for k, g := range h.kept {
		first := len(h.edges)
		add := func(src int) {
			m, _, ri := h.step(src)
			for _, j := range h.deps[m][src-h.base[ri]] {
				d := h.keptOf[h.runner[h.base[ri]+j]]
				if d != k && !h.waitsFor(first, d) {
					h.edges = append(h.edges, [2]int{d, k})
				}
			}
		}
		add(g)
		for _, r := range h.replaced[k] {
			add(r)
		}
		_, s, ri := h.step(g)
		key := relPhase{ri, s.Phase.Rank()}
		if prev, ok := last[key]; ok && !h.waitsFor(first, prev) {
			h.edges = append(h.edges, [2]int{prev, k})
		}
		last[key] = k
		h.pending[k] = len(h.edges) - first
	}
	// Who waits for whom, as one slice per step in a shared backing.
	h.outStart = resize(h.outStart, n+1)
	clear(h.outStart)
	for _, e := range h.edges {
		h.outStart[e[0]+1]++
	}
	for k := range n {
		h.outStart[k+1] += h.outStart[k]
	}
	h.out = resize(h.out, len(h.edges))
	fill := slices.Clone(h.outStart[:n])
	for _, e := range h.edges {
		h.out[fill[e[0]]] = e[1]
		fill[e[0]]++
	}
	h.queue = h.queue[:0]
	for k := range n {
		if h.pending[k] == 0 {
			h.queue = append(h.queue, k)
		}
	}
	for i := 0; i < len(h.queue); i++ {
		k := h.queue[i]
		for _, w := range h.out[h.outStart[k]:h.outStart[k+1]] {
			if h.pending[w]--; h.pending[w] == 0 {
				h.queue = append(h.queue, w)
			}
		}
	}
	if len(h.queue) == n {
		return nil
	}
	var stuck []string
	for k, g := range h.kept {
		if h.pending[k] > 0 {
			m, s, _ := h.step(g)
			stuck = append(stuck, StepRef{Version: m.Version, Step: s.ID}.String())
		}
	}
	return fmt.Errorf("upgrade from %s to %s: steps wait for each other in a cycle: %s", from, to, strings.Join(stuck, ", "))
}

// waitsFor reports whether the edges from first on (those of the step being
// linked) already come from d.
func (h *hopOrder) waitsFor(first, d int) bool {
	for _, e := range h.edges[first:] {
		if e[0] == d {
			return true
		}
	}
	return false
}

// resize returns s with length n, reusing its backing when it is big enough.
func resize[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}
