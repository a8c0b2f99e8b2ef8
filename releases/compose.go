package releases

import (
	"cmp"
	"fmt"
	"slices"
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

	ref      StepRef
	hop      int           // index of the hop the step runs in
	key      orderKey      // natural reading order
	replaced []*sourceStep // the superseded steps whose dependencies it inherits
	// waits is deps(standIn) of its hop, worked out once by order, which
	// anchoring and scheduling read again.
	waits []*PlannedStep
	// order's working state, kept on the step rather than in maps keyed by
	// it: validation orders every direct upgrade of the workspace.
	waitedBy []*PlannedStep // the steps that wait for this one
	pending  int            // how many steps this one still waits for
	ga       int            // 1 when the step needs a Global Administrator
	taken    bool           // placed
}

// sourceStep is a step with the release it belongs to.
type sourceStep struct {
	step    *Step
	release *Manifest
}

// Ref names the source step.
func (ps *PlannedStep) Ref() StepRef { return ps.ref }

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
}

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
	c := &composer{ws: ws, path: p, once: map[string]*PlannedStep{}, anchors: map[string]bool{}}
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
	c := &composer{ws: ws, path: p, once: map[string]*PlannedStep{}, anchors: map[string]bool{}}
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
	anchors map[string]bool
}

// orderKey is the natural reading order: phase, then release, then file order.
type orderKey struct{ phase, release, index int }

func (k orderKey) compare(o orderKey) int {
	return cmp.Or(cmp.Compare(k.phase, o.phase), cmp.Compare(k.release, o.release), cmp.Compare(k.index, o.index))
}

func onceKey(s *Step) string { return cmp.Or(s.DedupeKey, s.ID) }

// selectAndOrder builds the hop from `from` to `to`: it selects the steps that run
// (recording every source step's fate) and orders them.
func (c *composer) selectAndOrder(from, to *semver.Version, rels []*Manifest) (*Hop, error) {
	hopIndex := len(c.path.Hops)
	hop := &Hop{From: from, To: to, Releases: rels}

	// Supersede: the newest step with each dedupeKey runs.
	steps := 0
	for _, m := range hop.Releases {
		steps += len(m.Steps)
	}
	newest := map[string]*Step{}
	for _, m := range hop.Releases {
		for i := range m.Steps {
			if s := &m.Steps[i]; s.Repeat == RepeatSupersede {
				newest[s.DedupeKey] = s
			}
		}
	}
	// Select, in path order, and remember where every source step went.
	standIn := make(map[*Step]*PlannedStep, steps) // every source step → the step that runs for it
	hop.Steps = make([]*PlannedStep, 0, steps)
	c.path.Fates = slices.Grow(c.path.Fates, steps) // a fate for every source step
	// The hop's planned steps, allocated together; never grown, so that the
	// pointers into it stay valid.
	planned := make([]PlannedStep, 0, steps)
	var superseded []*Step
	supersededRel := map[*Step]*Manifest{}
	for ri, m := range hop.Releases {
		for i := range m.Steps {
			s := &m.Steps[i]
			ref := StepRef{Version: m.Version, Step: s.ID}
			switch {
			case s.Repeat == RepeatSupersede && newest[s.DedupeKey] != s:
				superseded = append(superseded, s)
				supersededRel[s] = m
				continue
			case s.Repeat == RepeatOnce && c.once[onceKey(s)] != nil:
				first := c.once[onceKey(s)]
				standIn[s] = first
				by := first.ref
				c.path.Fates = append(c.path.Fates, StepFate{StepRef: ref, Fate: FateMerged, Hop: hopIndex, By: &by, Origin: m.origin})
				first.Replaces = append(first.Replaces, ref)
				continue
			}
			planned = append(planned, PlannedStep{Step: s, Release: m, ref: ref, hop: hopIndex, key: orderKey{s.Phase.Rank(), ri, i}})
			ps := &planned[len(planned)-1]
			if s.Repeat == RepeatOnce {
				c.once[onceKey(s)] = ps
			}
			standIn[s] = ps
			hop.Steps = append(hop.Steps, ps)
			c.path.Fates = append(c.path.Fates, StepFate{StepRef: ref, Fate: FateKept, Hop: hopIndex, Origin: m.origin})
		}
	}
	for _, s := range superseded {
		by := standIn[newest[s.DedupeKey]]
		ref := StepRef{Version: supersededRel[s].Version, Step: s.ID}
		standIn[s] = by
		by.Replaces = append(by.Replaces, ref)
		by.replaced = append(by.replaced, &sourceStep{s, supersededRel[s]})
		byRef := by.ref
		c.path.Fates = append(c.path.Fates, StepFate{StepRef: ref, Fate: FateSuperseded, Hop: hopIndex, By: &byRef, Origin: supersededRel[s].origin})
	}
	standInUpgradeOnly(hop, standIn, newest, c.once)
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
	for _, ps := range hop.Steps {
		ps.Anchor = c.anchor(ps)
	}
	for _, ps := range hop.Steps {
		if len(ps.waits) > 0 {
			ps.After = make([]string, len(ps.waits))
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
// suffixed with its version.
func (c *composer) anchor(ps *PlannedStep) string {
	a := ps.ID
	if c.anchors[a] {
		a = ps.ID + "-v" + strings.ReplaceAll(ps.ref.Version, ".", "-")
	}
	for n := 2; c.anchors[a]; n++ {
		a = fmt.Sprintf("%s-v%s-%d", ps.ID, strings.ReplaceAll(ps.ref.Version, ".", "-"), n)
	}
	c.anchors[a] = true
	return a
}

// deps returns the planned steps this step waits for within its hop: its own
// dependsOn and those of the steps it supersedes (4.3's backend deployment still
// needs what 4.2's needed), each mapped to the step that runs in its place. A
// dependency that ran in an earlier hop (a "once" step) is already done.
func (ps *PlannedStep) deps(standIn map[*Step]*PlannedStep) []*PlannedStep {
	var out []*PlannedStep
	add := func(s *Step, rel *Manifest) {
		for _, id := range s.DependsOn {
			src := rel.step(id)
			if src == nil && rel.release != nil {
				src = rel.release.step(id) // see standInUpgradeOnly
			}
			if src == nil {
				continue
			}
			if d, ok := standIn[src]; ok && d != ps && d.hop == ps.hop && !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	add(ps.Step, ps.Release)
	for _, r := range ps.replaced {
		add(r.step, r.release)
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
func order(hop *Hop, standIn map[*Step]*PlannedStep, cfg *Config) error {
	n := len(hop.Steps)
	last := map[[2]int]*PlannedStep{} // (release, phase) → previous step, to keep file order
	for _, ps := range hop.Steps {
		ps.waits = ps.deps(standIn)
		preds := ps.waits
		if prev := last[[2]int{ps.key.release, ps.key.phase}]; prev != nil && !slices.Contains(preds, prev) {
			preds = append(preds[:len(preds):len(preds)], prev) // a copy: waits stays as it is
		}
		last[[2]int{ps.key.release, ps.key.phase}] = ps
		ps.pending = len(preds)
		for _, d := range preds {
			d.waitedBy = append(d.waitedBy, ps)
		}
	}
	// Whether a step needs a Global Administrator, looked up once per step.
	for _, ps := range hop.Steps {
		if cfg.needsGlobalAdmin(ps.Role) {
			ps.ga = 1
		}
	}
	// The next step is the first of the ready ones: first to continue an open
	// Global Administrator block in the same phase, then by phase, leaving Global
	// Administrator steps for last so that they gather, then in reading order.
	// Two heaps give it without rescanning the ready steps for every step placed:
	// every ready step in that order, and the ready Global Administrator steps of
	// each phase in reading order. A step taken from one heap is skipped when it
	// surfaces in the other.
	ready := stepHeap{less: func(a, b *PlannedStep) bool {
		return cmp.Or(cmp.Compare(a.key.phase, b.key.phase), cmp.Compare(a.ga, b.ga), a.key.compare(b.key)) < 0
	}}
	readyGA := map[int]*stepHeap{} // phase → ready Global Administrator steps
	push := func(ps *PlannedStep) {
		ready.push(ps)
		if ps.ga == 1 {
			h := readyGA[ps.key.phase]
			if h == nil {
				h = &stepHeap{less: func(a, b *PlannedStep) bool { return a.key.compare(b.key) < 0 }}
				readyGA[ps.key.phase] = h
			}
			h.push(ps)
		}
	}
	// popUntaken pops h's first step not yet placed, or nil.
	popUntaken := func(h *stepHeap) *PlannedStep {
		for h != nil && len(h.s) > 0 {
			if ps := h.pop(); !ps.taken {
				return ps
			}
		}
		return nil
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
		if prev != nil && prev.ga == 1 {
			ps = popUntaken(readyGA[prev.key.phase])
		}
		if ps == nil {
			ps = popUntaken(&ready)
		}
		if ps == nil {
			break
		}
		ps.taken = true
		out = append(out, ps)
		prev = ps
		for _, w := range ps.waitedBy {
			if w.pending--; w.pending == 0 {
				push(w)
			}
		}
	}
	if len(out) != n {
		var stuck []string
		for _, ps := range hop.Steps {
			if ps.pending > 0 {
				stuck = append(stuck, ps.ref.String())
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
	phaseEnd := map[int]bounds{} // phase rank → latest finish of the phase's steps
	barrier := func(phase int) bounds {
		var b bounds
		for p, e := range phaseEnd {
			if p < phase && (phase == 0) == (p == 0) {
				b.est, b.max = max(b.est, e.est), max(b.max, e.max)
			}
		}
		return b
	}
	for _, ps := range hop.Steps {
		b := barrier(ps.key.phase)
		start, maxStart := b.est, b.max
		for _, d := range ps.waits {
			if (d.key.phase == 0) == (ps.key.phase == 0) {
				start, maxStart = max(start, d.Finish), max(maxStart, d.MaxFinish)
			}
		}
		ps.Start = start
		ps.Finish = start + ps.ElapsedMinutes.Estimate
		ps.MaxFinish = maxStart + ps.ElapsedMinutes.Max
		e := phaseEnd[ps.key.phase]
		phaseEnd[ps.key.phase] = bounds{max(e.est, ps.Finish), max(e.max, ps.MaxFinish)}
	}
}

func (c *composer) figures(hop *Hop) Figures {
	cfg := c.ws.Config
	var f Figures
	handsOn := map[string]int{}
	presence := map[string]*Presence{}
	for _, ps := range hop.Steps {
		handsOn[ps.Role] += ps.HandsOnMinutes
		f.HandsOnMinutes += ps.HandsOnMinutes
		pr := presence[ps.Role]
		if pr == nil {
			pr = &Presence{Role: cfg.Role(ps.Role), FromMinute: -1}
			presence[ps.Role] = pr
		}
		pr.Steps = append(pr.Steps, ps.Anchor)
		pr.HandsOnMinutes += ps.HandsOnMinutes
		if ps.Phase == PhasePrepare {
			pr.Before = true
			continue
		}
		f.Window.EstimateMinutes = max(f.Window.EstimateMinutes, ps.Finish)
		f.Window.MaxMinutes = max(f.Window.MaxMinutes, ps.MaxFinish)
		if pr.FromMinute < 0 || ps.Start < pr.FromMinute {
			pr.FromMinute = ps.Start
		}
		pr.ToMinute = max(pr.ToMinute, ps.Finish)
	}
	for i := range cfg.Roles {
		r := &cfg.Roles[i]
		if m, ok := handsOn[r.ID]; ok {
			f.HandsOn = append(f.HandsOn, RoleMinutes{Role: r, Minutes: m})
		}
		if pr := presence[r.ID]; pr != nil {
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
	running := map[*Step]*PlannedStep{}
	for _, ps := range hop.Steps {
		running[ps.Step] = ps
	}
	byFeature := map[string]*FeatureOutage{}
	for _, m := range hop.Releases {
		for _, o := range m.Outages {
			var causes []string
			for _, id := range o.CausedBy {
				if ps := running[m.step(id)]; ps != nil {
					causes = append(causes, ps.Anchor)
				}
			}
			if len(causes) == 0 {
				continue
			}
			fo := byFeature[o.Feature]
			if fo == nil {
				fo = &FeatureOutage{Feature: c.ws.Config.Feature(o.Feature)}
				byFeature[o.Feature] = fo
			}
			fo.MinMinutes += o.MinMinutes
			fo.MaxMinutes += o.MaxMinutes
			fo.CausedBy = append(fo.CausedBy, causes...)
			fo.Messages = append(fo.Messages, o.UserMessage)
		}
	}
	var out []FeatureOutage
	for i := range c.ws.Config.Features {
		if fo := byFeature[c.ws.Config.Features[i].ID]; fo != nil {
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
	var blocks []GABlock
	open := false
	for _, ps := range steps {
		if !cfg.needsGlobalAdmin(ps.Role) {
			ps.GABlock, open = 0, false
			continue
		}
		if !open {
			blocks = append(blocks, GABlock{StartMinute: ps.Start})
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
	for i := range c.Roles {
		if c.Roles[i].ID == id {
			return &c.Roles[i]
		}
	}
	return nil
}

// Feature returns the catalogue feature with the given id, or nil.
func (c *Config) Feature(id string) *CatalogFeature {
	for i := range c.Features {
		if c.Features[i].ID == id {
			return &c.Features[i]
		}
	}
	return nil
}

// GlobalAdministrator is the Entra ID role that can do everything, and that
// customers least like to activate.
const GlobalAdministrator = "Global Administrator"

// NeedsGlobalAdmin reports whether the role's least privileged Entra ID role is
// Global Administrator.
func (r *Role) NeedsGlobalAdmin() bool {
	return r != nil && len(r.EntraRoles) > 0 && r.EntraRoles[0] == GlobalAdministrator
}

func (c *Config) needsGlobalAdmin(roleID string) bool { return c.Role(roleID).NeedsGlobalAdmin() }

// stepHeap is a binary min-heap of steps under less.
type stepHeap struct {
	s    []*PlannedStep
	less func(a, b *PlannedStep) bool
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
