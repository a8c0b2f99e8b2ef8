package releases

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/Masterminds/semver/v3"
)

// ErrNoInstall is wrapped by the errors that refuse to compose an install of a
// known version.
var ErrNoInstall = errors.New("no install procedure")

// InstallPlan composes the procedure that deploys version v on a new tenant:
// the install procedure of the newest release up to v that declares one (the
// base), then, release by release after the base up to v, the upgrade steps
// and prerequisites marked newDeployments. They are composed by the rules of an
// upgrade (repeat once and supersede by dedupeKey, dependsOn, phases) in one
// hop, one maintenance window, with its figures computed the same way; outages
// and the content freeze do not apply. The path's Fates say where every step
// came from (Origin) and which newer step superseded it.
//
// The path has Install set, From equal to To and Base the base's version. Its
// Hop.Releases and PlannedStep.Release are views of the releases that hold
// only what new deployments run; they carry the releases' versions, dates and
// summaries.
func (ws *Workspace) InstallPlan(v *semver.Version) (*Path, error) {
	if ws.Config == nil {
		return nil, errors.New("the workspace file " + ConfigFile + " is invalid; run validate")
	}
	target, err := ws.Release(v)
	if err != nil {
		return nil, err
	}
	oldest, err := ParseVersion(ws.Config.Policy.OldestVersion)
	if err != nil {
		return nil, err
	}
	if v.LessThan(oldest) {
		return nil, fmt.Errorf("%w: %s is older than %s, the oldest version customers deploy themselves; deploy %s or later",
			ErrNoInstall, v, oldest, oldest)
	}
	base := ws.installBase(target)
	if base == nil {
		return nil, fmt.Errorf("%w for %s: no release up to %s declares install; add an install section to %s",
			ErrNoInstall, v, v, ws.firstFrom(oldest).file)
	}
	rels := []*Manifest{installView(base)}
	for _, m := range ws.between(base.version, v) {
		rels = append(rels, newDeploymentsView(m))
	}
	p := &Path{From: v, To: v, Install: true, Base: base.version}
	steps := 0
	for _, m := range rels {
		steps += len(m.Steps)
	}
	c := newComposer(ws, p, steps)
	if err := c.addHop(v, v, rels); err != nil {
		return nil, err
	}
	p.Total = c.total()
	return p, nil
}

// installBase returns the newest release up to m (m included) that declares an
// install procedure, or nil.
func (ws *Workspace) installBase(m *Manifest) *Manifest {
	for i := len(ws.Manifests) - 1; i >= 0; i-- {
		if r := ws.Manifests[i]; !r.version.GreaterThan(m.version) && r.Install != nil {
			return r
		}
	}
	return nil
}

// firstFrom returns the oldest release at or after v, where an install
// procedure that every later release inherits belongs; the newest release when
// every release is older.
func (ws *Workspace) firstFrom(v *semver.Version) *Manifest {
	for _, m := range ws.Manifests {
		if !m.version.LessThan(v) {
			return m
		}
	}
	return ws.Manifests[len(ws.Manifests)-1]
}

// installView is the release m as the composer sees the base of an install:
// its install prerequisites and steps, no outages, no content freeze. The steps
// are m's own, so that diagnostics and plans point at the manifest's lines.
func installView(m *Manifest) *Manifest {
	view := *m
	view.Prerequisites = m.Install.Prerequisites
	view.Steps = m.Install.Steps
	view.Outages, view.ContentFreeze, view.Install = nil, nil, nil
	view.origin, view.release = OriginInstall, m
	return &view
}

// newDeploymentsView is the release m as the composer sees it on top of an
// install: its prerequisites and upgrade steps marked newDeployments, without
// outages (a new tenant has no service to interrupt) or content freeze.
func newDeploymentsView(m *Manifest) *Manifest {
	view := *m
	view.Prerequisites, view.Steps = nil, nil
	for _, p := range m.Prerequisites {
		if p.NewDeployments {
			view.Prerequisites = append(view.Prerequisites, p)
		}
	}
	for _, s := range m.Steps {
		if s.NewDeployments {
			s.CausesOutage = nil
			view.Steps = append(view.Steps, s)
		}
	}
	view.Outages, view.ContentFreeze, view.Install = nil, nil, nil
	view.origin, view.release = OriginNewDeployments, m
	return &view
}

// The rules of group 17: deploying new tenants. They are registered with the
// rest (Rules) when the package starts, in code order after group 16.
func init() {
	Rules = append(Rules,
		Rule{"AR1701", SeverityError, "release without an install procedure", "add an install section (prerequisites and steps that deploy a new tenant) to the oldest self-service release; every later release inherits it"},
		Rule{"AR1702", SeverityError, "new-deployment step depends on an upgrade-only step", "add the step it waits for to install.steps, or mark it newDeployments: true too, or drop the dependency"},
		Rule{"AR1703", SeverityError, "install step causes an outage", "remove causesOutage: a new tenant has no users to interrupt"},
		Rule{"AR1704", SeverityWarning, "newDeployments has no effect", "put the step or prerequisite in install.steps or install.prerequisites of the release that declares install; newDeployments is for upgrade steps of later releases"},
	)
	slices.SortFunc(Rules, func(a, b Rule) int { return cmp.Compare(a.Code, b.Code) })
}

// install checks the install section of a release and its steps marked
// newDeployments. Install steps go through the checks of upgrade steps (roles,
// durations, rollback, scripts, grants, dependencies, Global Administrator
// blocks), run over a view of the release that holds them.
func (v *validator) install(r reporter, m *Manifest) {
	for i := range m.Prerequisites {
		if p := &m.Prerequisites[i]; p.NewDeployments && m.Install != nil {
			r.report(p.PosOf("newDeployments"), "AR1704", "prerequisite %q is marked newDeployments, but %s declares its own install procedure, which new deployments follow instead", p.ID, m.version)
		}
	}
	for i := range m.Steps {
		if s := &m.Steps[i]; s.NewDeployments && m.Install != nil {
			r.report(s.PosOf("newDeployments"), "AR1704", "step %q is marked newDeployments, but %s declares its own install procedure, which new deployments follow instead", s.ID, m.version)
		}
	}
	if m.Install == nil {
		return
	}
	view := installView(m)
	ids := map[string]Pos{}
	for _, p := range view.Prerequisites {
		unique(r, ids, "install prerequisite", p.ID, p.PosOf("id"))
		v.role(r, p.Role, p.PosOf("role"))
		if p.NewDeployments {
			r.report(p.PosOf("newDeployments"), "AR1704", "install prerequisite %q is marked newDeployments; every prerequisite of the install section is for new deployments", p.ID)
		}
	}
	dedupe := map[string]Pos{}
	for i := range view.Steps {
		s := &view.Steps[i]
		unique(r, ids, "install step", s.ID, s.PosOf("id"))
		if s.Repeat == RepeatSupersede && s.DedupeKey != "" {
			unique(r, dedupe, "supersede dedupeKey", s.DedupeKey, s.PosOf("dedupeKey"))
		}
		v.step(r, s)
		for j, id := range s.CausesOutage {
			r.report(s.PosOf("causesOutage."+strconv.Itoa(j)), "AR1703", "install step %q causes outage %q, but a new tenant has no users to interrupt; remove causesOutage", s.ID, id)
		}
		if s.NewDeployments {
			r.report(s.PosOf("newDeployments"), "AR1704", "install step %q is marked newDeployments; every step of the install section is for new deployments", s.ID)
		}
	}
	v.dependencies(r, view)
	v.adminBlocks(r, view)
}

// installs checks that every release from the policy's oldest version on
// resolves to an install procedure, and that deploying each within one window
// stays within the hands-on budget. It walks the releases once, oldest first,
// adding each release's newDeployments steps to the running procedure by the
// composer's rules (the newest supersede step of a key runs, the first once
// step of a key runs, every always step runs), so that checking every release
// costs one pass over the steps rather than one composition per release.
func (v *validator) installs() {
	if v.ws.incomplete() {
		return // a manifest that did not load may declare the install procedure
	}
	budget := v.cfg.Policy.HandsOnBudgetMinutes
	var (
		base       *Manifest
		total      int
		superseded map[string]int // dedupeKey → minutes of the step that runs
		once       map[string]bool
	)
	// keyed reports whether an upgrade-only step has a stand-in in the install
	// so far (see standInUpgradeOnly).
	keyed := func(s *Step) bool {
		switch s.Repeat {
		case RepeatSupersede:
			_, ok := superseded[s.DedupeKey]
			return ok
		case RepeatOnce:
			return once[onceKey(s)]
		}
		return false
	}
	add := func(s *Step) {
		switch s.Repeat {
		case RepeatSupersede:
			total += s.HandsOnMinutes - superseded[s.DedupeKey]
			superseded[s.DedupeKey] = s.HandsOnMinutes
		case RepeatOnce:
			if !once[onceKey(s)] {
				once[onceKey(s)] = true
				total += s.HandsOnMinutes
			}
		default:
			total += s.HandsOnMinutes
		}
	}
	for _, m := range v.ws.Manifests {
		if m.Install != nil {
			base, total, superseded, once = m, 0, map[string]int{}, map[string]bool{}
			for i := range m.Install.Steps {
				add(&m.Install.Steps[i])
			}
		} else if base != nil {
			for i := range m.Steps {
				if m.Steps[i].NewDeployments {
					add(&m.Steps[i])
				}
			}
			v.newDeploymentsDependencies(m, keyed)
		}
		if m.version.LessThan(v.oldest) {
			continue
		}
		r := v.at(m.file)
		if base == nil {
			r.report(m.PosOf("version"), "AR1701", "%s has no install procedure: no release up to %s declares install, so a new tenant cannot be deployed at %s; add an install section to %s",
				m.version, m.version, m.version, v.ws.firstFrom(v.oldest).file)
			continue
		}
		if total > budget {
			p := m.PosOf("version")
			if m.Install != nil {
				p = m.Install.PosOf("steps")
			}
			what := "the install procedure of " + base.version.String()
			if base != m {
				what += ", with the steps later releases mark newDeployments"
			}
			r.report(p, "AR0901", "deploying %s on a new tenant takes %d minutes of hands-on effort, over the policy budget of %d (%s)",
				m.version, total, budget, what)
		}
	}
}

// standInUpgradeOnly lets the newDeployments steps of an install wait for the
// upgrade-only steps of their release they depend on: such a step, when it
// supersedes or runs once under a key, stands for the step that runs under that
// key in the install (4.2's analytics set-up waits for 4.2's backend
// deployment, which a new tenant gets from the install procedure). A dependency
// with no such stand-in is refused by validation (AR1702). Upgrades hold no
// views of releases, so this does nothing to them.
func standInUpgradeOnly(hop *Hop, standIn map[*Step]*PlannedStep, keys map[string]supersedeKey, once map[string]*PlannedStep) {
	for _, m := range hop.Releases {
		if m.origin != OriginNewDeployments {
			continue
		}
		for i := range m.release.Steps {
			s := &m.release.Steps[i]
			if s.NewDeployments {
				continue
			}
			switch s.Repeat {
			case RepeatSupersede:
				if n := keys[s.DedupeKey].newest; n != nil && standIn[n] != nil {
					standIn[s] = standIn[n]
				}
			case RepeatOnce:
				if ps := once[onceKey(s)]; ps != nil {
					standIn[s] = ps
				}
			}
		}
	}
}

// newDeploymentsDependencies checks that every step of m marked newDeployments
// waits only for steps a new deployment runs: steps marked newDeployments, or
// upgrade-only steps that stand for a step of the install (keyed).
func (v *validator) newDeploymentsDependencies(m *Manifest, keyed func(*Step) bool) {
	r := v.at(m.file)
	for i := range m.Steps {
		s := &m.Steps[i]
		if !s.NewDeployments {
			continue
		}
		for j, id := range s.DependsOn {
			if d := m.step(id); d != nil && !d.NewDeployments && !keyed(d) {
				r.report(s.PosOf("dependsOn."+strconv.Itoa(j)), "AR1702", "step %q is marked newDeployments but depends on %q, which new deployments do not run and no step of the install stands for; mark %q newDeployments: true too or drop the dependency", s.ID, id, id)
			}
		}
	}
}
