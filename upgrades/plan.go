// Package upgrades plans and schedules customers' upgrades: which path each
// customer of customers.yaml needs to reach a version, what it takes, and the
// ZenDesk change ticket that tracks one — created at most once, however often
// it is scheduled, with the change request, communications and calendar that
// go with it.
package upgrades

import (
	"errors"
	"fmt"
	"slices"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// Status says whether a customer needs an upgrade.
type Status string

// The statuses.
const (
	NeedsUpgrade Status = "upgrade"
	UpToDate     Status = "up to date"
	Ahead        Status = "ahead"
	// NeedsInstall is a customer being implemented with nothing deployed yet
	// (no version in customers.yaml): a new deployment of the target, from
	// its install bundle.
	NeedsInstall Status = "install"
)

// Entry is one customer's upgrade to the target.
type Entry struct {
	Customer string `json:"customer"`
	Name     string `json:"name"`
	// From is the version the customer runs; empty for a new deployment.
	From   string `json:"from,omitempty"`
	To     string `json:"to"`
	Status Status `json:"status"`
	// Stops are the versions the path lands on, the target last.
	Stops []string `json:"stops,omitempty"`
	// Windows are the maintenance windows, one per hop.
	Windows           []templates.Window `json:"windows,omitempty"`
	HandsOnMinutes    int                `json:"handsOnMinutes,omitempty"`
	Prerequisites     int                `json:"prerequisites,omitempty"`
	People            []string           `json:"people,omitempty"`
	GlobalAdminBlocks int                `json:"globalAdminBlocks"`
	Outages           []string           `json:"outages,omitempty"`
	ContentFreeze     string             `json:"contentFreeze,omitempty"`
	ChangeProcess     string             `json:"changeProcess"`
	// PreferredWindow is the customer's day, start and time zone.
	PreferredWindow string `json:"preferredWindow"`
	Locale          string `json:"locale"`
	// Bundle is the runbook bundle of the cut of the target that starts at
	// the customer's version (for a new deployment, the target's install
	// bundle), and BundleURL where it is downloaded; Note says what to do when
	// no bundle starts there.
	Bundle    string `json:"bundle,omitempty"`
	BundleURL string `json:"bundleUrl,omitempty"`
	Note      string `json:"note,omitempty"`
}

// ErrNoCustomers means the workspace has no customers.yaml.
var ErrNoCustomers = errors.New("the workspace has no " + releases.CustomersFile + ": list the customers there to plan their upgrades")

// Plan plans every customer's upgrade to version to, in the file's order.
func Plan(ws *releases.Workspace, to *semver.Version) ([]Entry, error) {
	if ws.Customers == nil {
		return nil, ErrNoCustomers
	}
	if _, err := ws.Release(to); err != nil {
		return nil, err
	}
	var out []Entry
	memo := &pathMemo{}
	for i := range ws.Customers.Customers {
		e, _, err := memo.planOne(ws, &ws.Customers.Customers[i], to)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, nil
}

// planOne plans a customer's upgrade; the path is nil when there is none to do.
func planOne(ws *releases.Workspace, c *releases.Customer, to *semver.Version) (*Entry, *releases.Path, error) {
	return (*pathMemo)(nil).planOne(ws, c, to)
}

// pathMemo remembers the paths and bundle sources planned for one workspace
// and target, for a fleet whose customers run a few versions: planning a
// path composes it from the manifests. Its paths are shared: they are read,
// never changed. A nil memo plans every time.
type pathMemo struct {
	paths   map[string]memoPath
	install *memoPath
	sources []*releases.Manifest
	sourced bool
}

type memoPath struct {
	path *releases.Path
	err  error
}

func (m *pathMemo) plan(ws *releases.Workspace, from, to *semver.Version) (*releases.Path, error) {
	if m == nil {
		return ws.Plan(from, to)
	}
	if mp, ok := m.paths[from.String()]; ok {
		return mp.path, mp.err
	}
	p, err := ws.Plan(from, to)
	if m.paths == nil {
		m.paths = map[string]memoPath{}
	}
	m.paths[from.String()] = memoPath{p, err}
	return p, err
}

// installPlan is the target's install procedure, composed once.
func (m *pathMemo) installPlan(ws *releases.Workspace, to *semver.Version) (*releases.Path, error) {
	if m == nil {
		return ws.InstallPlan(to)
	}
	if m.install == nil {
		p, err := ws.InstallPlan(to)
		m.install = &memoPath{p, err}
	}
	return m.install.path, m.install.err
}

func (m *pathMemo) sourcesOf(ws *releases.Workspace, to *semver.Version) []*releases.Manifest {
	if m == nil {
		return ws.Sources(to)
	}
	if !m.sourced {
		m.sources, m.sourced = ws.Sources(to), true
	}
	return m.sources
}

// planOne is planOne, planning each path once.
func (m *pathMemo) planOne(ws *releases.Workspace, c *releases.Customer, to *semver.Version) (*Entry, *releases.Path, error) {
	cfg := ws.Config
	e := &Entry{Customer: c.ID, Name: c.Name, From: c.Version, To: to.String(), ChangeProcess: string(c.ChangeProcess),
		PreferredWindow: fmt.Sprintf("%s %s %s", c.Window.Weekday(), c.Window.Start, c.Window.TimeZone), Locale: c.Locale, GlobalAdminBlocks: 0}
	if e.Locale == "" {
		e.Locale = cfg.DefaultLocale()
	}
	if c.NeedsDeployment() {
		return m.planInstall(ws, e, to)
	}
	from, err := releases.ParseVersion(c.Version)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", c.ID, err)
	}
	switch from.Compare(to) {
	case 0:
		e.Status = UpToDate
		return e, nil, nil
	case 1:
		e.Status = Ahead
		return e, nil, nil
	}
	p, err := m.plan(ws, from, to)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", c.ID, err)
	}
	e.Status = NeedsUpgrade
	figuresOf(e, p)
	sources := m.sourcesOf(ws, to)
	bundled := slices.ContainsFunc(sources, func(m *releases.Manifest) bool { return m.SemVer().Equal(from) })
	switch {
	case bundled:
		e.Bundle = templates.BundleName(cfg.Product.ID, from.String(), to.String()) + ".tar.gz"
		if cfg.GitHub != nil {
			e.BundleURL = cfg.GitHub.DownloadURL(to.String(), e.Bundle)
		}
	case len(sources) > 0:
		oldest := sources[len(sources)-1].Version
		e.Note = fmt.Sprintf("no bundle of %s starts at %s (each cut bundles the %d previous versions): upgrade to %s first, with a runbook of that release",
			to, from, cfg.Policy.BundleSources, oldest)
	default:
		e.Note = fmt.Sprintf("%s has no runbook bundle", to)
	}
	return e, p, nil
}

// planInstall plans a new deployment of the target for a customer being
// implemented: the target's install procedure, in one window, from the
// install bundle that every cut of a release with an install procedure
// carries. A target without one is a note, not an error: the rest of the
// fleet's plan still stands.
func (m *pathMemo) planInstall(ws *releases.Workspace, e *Entry, to *semver.Version) (*Entry, *releases.Path, error) {
	cfg := ws.Config
	e.Status = NeedsInstall
	p, err := m.installPlan(ws, to)
	if errors.Is(err, releases.ErrNoInstall) {
		e.Note = fmt.Sprintf("%s has nothing deployed yet, but there is %v", e.Customer, err)
		return e, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", e.Customer, err)
	}
	figuresOf(e, p)
	e.Bundle = templates.InstallBundleName(cfg.Product.ID, to.String()) + ".tar.gz"
	if cfg.GitHub != nil {
		e.BundleURL = cfg.GitHub.DownloadURL(to.String(), e.Bundle)
	}
	return e, p, nil
}

// figuresOf fills in what a path takes: its windows, effort, people, Global
// Administrator blocks, outages and content freeze.
func figuresOf(e *Entry, p *releases.Path) {
	for _, h := range p.Hops {
		e.Stops = append(e.Stops, h.To.String())
		e.Windows = append(e.Windows, templates.Window{EstimateMinutes: h.Window.EstimateMinutes, MaxMinutes: h.Window.MaxMinutes})
	}
	e.HandsOnMinutes = p.Total.HandsOnMinutes
	e.Prerequisites = len(p.Prerequisites)
	e.GlobalAdminBlocks = len(p.Total.GABlocks)
	for _, rm := range p.Total.HandsOn {
		e.People = append(e.People, rm.Role.Name)
	}
	for _, o := range p.Total.Outages {
		e.Outages = append(e.Outages, fmt.Sprintf("%s %d–%d min", o.Feature.Name, o.MinMinutes, o.MaxMinutes))
	}
	e.ContentFreeze = string(p.Total.Freeze.Decision)
}
