package templates

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/atlas-release/atlas-release/releases"
)

// RunbookSchemaVersion is the version of the runbook's JSON form.
const RunbookSchemaVersion = 1

// Runbook is the cumulative runbook of an upgrade path, as every format renders it:
// the JSON form is this value, and the Markdown and HTML templates receive it.
// The runbook of a deployment on a new tenant (an install) is the same value with
// Install set, no From, and Base naming the install procedure it starts from.
type Runbook struct {
	// SchemaVersion is the version of this format.
	SchemaVersion int `json:"schemaVersion"`
	// Generator names the tool that wrote the runbook.
	Generator string `json:"generator"`
	// Product is the product upgraded.
	Product Product `json:"product"`
	// Bundle names the runbook, e.g. "atlas-4.3.0-from-4.1.0". The HTML page keys
	// its saved checkbox state by it.
	Bundle string `json:"bundle"`
	// Install means the runbook deploys To on a new tenant: there is no From.
	Install bool `json:"install,omitempty"`
	// Base is, for an install, the release whose install procedure it starts
	// from; the releases after it add their steps for new deployments.
	Base string `json:"base,omitempty"`
	// From is the version installed before the upgrade; empty for an install.
	From string `json:"from,omitempty"`
	// To is the version installed after it.
	To string `json:"to"`
	// Title is the page's title and first heading: "Atlas upgrade runbook:
	// 4.1.0 → 4.3.0", or "Deploying Atlas 4.3.0 on a new tenant".
	Title string `json:"-"`
	// Releases are the releases the path applies, oldest first.
	Releases []Release `json:"releases"`
	// Hops are the upgrades, one maintenance window each: to every required stop,
	// then to the target.
	Hops []Hop `json:"hops"`
	// Prerequisites of every release on the path, to complete before the hop named
	// in each.
	Prerequisites []Prerequisite `json:"prerequisites"`
	// Total adds up the hops.
	Total Figures `json:"total"`
	// Roles describes every role the runbook names.
	Roles []Role `json:"roles"`
	// Accounting says what became of every step of every release on the path.
	Accounting []Fate `json:"accounting"`
}

// Product names a product.
type Product struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Vendor     string `json:"vendor,omitempty"`
	SupportURL string `json:"supportUrl,omitempty"`
}

// Release summarises a release on the path.
type Release struct {
	Version      string `json:"version"`
	Kind         string `json:"kind"`
	ReleaseDate  string `json:"releaseDate"`
	Codename     string `json:"codename,omitempty"`
	RequiredStop bool   `json:"requiredStop"`
	ChangeType   string `json:"changeType"`
	// Summary is Markdown.
	Summary string `json:"summary"`
	// Hop is the number of the hop that applies the release.
	Hop int `json:"hop"`
}

// Hop is one upgrade: one maintenance window.
type Hop struct {
	// Number counts hops from 1.
	Number int `json:"number"`
	// From is empty for the deployment of an install.
	From string `json:"from,omitempty"`
	To   string `json:"to"`
	// Heading names the hop: "Upgrade 1: 4.1.0 → 4.3.0", or "Deployment of
	// 4.3.0".
	Heading string `json:"-"`
	// Releases are the versions the hop applies.
	Releases []string `json:"releases"`
	// Steps are in the order to perform them.
	Steps []Step `json:"steps,omitempty"`
	Figures
}

// Step is a step of the runbook.
type Step struct {
	// Number counts the hop's steps from 1.
	Number int `json:"number"`
	// Anchor is unique in the runbook: the step id, suffixed with the version when
	// an earlier step of the path has the same id.
	Anchor string `json:"anchor"`
	ID     string `json:"id"`
	// Version is the release the step comes from.
	Version string `json:"version"`
	// Origin is, in an install, the part of its release the step comes from:
	// install (the install procedure) or new-deployments (an upgrade step
	// marked newDeployments).
	Origin string `json:"origin,omitempty"`
	Title  string `json:"title"`
	Phase  string `json:"phase"`
	Kind   string `json:"kind"`
	Role   string `json:"role"`
	// RoleName is the role's display name.
	RoleName string   `json:"roleName"`
	Script   string   `json:"script,omitempty"`
	Args     []string `json:"args,omitempty"`
	// CommandLine is the script with its arguments, quoted for PowerShell, as run
	// from the bundle's root folder.
	CommandLine    string  `json:"commandLine,omitempty"`
	HandsOnMinutes int     `json:"handsOnMinutes"`
	ElapsedMinutes Elapsed `json:"elapsedMinutes"`
	// StartMinute and FinishMinute place the step in its window (estimates);
	// preparation steps count from the start of the preparation.
	StartMinute  int `json:"startMinute"`
	FinishMinute int `json:"finishMinute"`
	// After lists the anchors of the steps to finish first.
	After []string `json:"after,omitempty"`
	// CausesOutage names the features the step takes offline.
	CausesOutage []string `json:"causesOutage,omitempty"`
	// Grants lists the privileged operations the step performs.
	Grants []string `json:"grants,omitempty"`
	// Details, Verify and the rollback are Markdown.
	Details         string   `json:"details,omitempty"`
	Verify          string   `json:"verify"`
	Rollback        Rollback `json:"rollback"`
	PointOfNoReturn bool     `json:"pointOfNoReturn"`
	Repeat          string   `json:"repeat"`
	// Replaces lists the steps of other releases this one stands in for
	// ("4.2.0/deploy-backend").
	Replaces []string `json:"replaces,omitempty"`
	// GlobalAdminBlock numbers the Global Administrator block (one PIM activation)
	// the step belongs to, from 1; 0 when it needs none.
	GlobalAdminBlock int `json:"globalAdminBlock"`
}

// Elapsed is a duration estimate in minutes.
type Elapsed struct {
	Estimate int `json:"estimate"`
	Max      int `json:"max"`
}

// Rollback says how to undo a step, or why it is not undone.
type Rollback struct {
	Instructions string `json:"instructions,omitempty"`
	None         string `json:"none,omitempty"`
}

// Figures are the derived facts of a hop or a path.
type Figures struct {
	HandsOnMinutes int `json:"handsOnMinutes"`
	// HandsOn is the hands-on effort per role, in catalogue order.
	HandsOn             []RoleMinutes `json:"handsOn"`
	PrerequisiteMinutes int           `json:"prerequisiteMinutes"`
	// Window is the maintenance window's length, by the estimates and maxima.
	Window        Window         `json:"window"`
	Outages       []Outage       `json:"outages"`
	ContentFreeze ContentFreeze  `json:"contentFreeze"`
	Presence      []Presence     `json:"presence"`
	GlobalAdmin   []AdminBlock   `json:"globalAdminBlocks"`
	Phases        []PhaseSummary `json:"phases,omitempty"`
}

// RoleMinutes is the hands-on effort of one role.
type RoleMinutes struct {
	Role    string `json:"role"`
	Name    string `json:"name"`
	Minutes int    `json:"minutes"`
}

// Window is a maintenance window's length in minutes.
type Window struct {
	EstimateMinutes int `json:"estimateMinutes"`
	MaxMinutes      int `json:"maxMinutes"`
}

// Outage is how long a feature is offline.
type Outage struct {
	Feature    string   `json:"feature"`
	Name       string   `json:"name"`
	MinMinutes int      `json:"minMinutes"`
	MaxMinutes int      `json:"maxMinutes"`
	CausedBy   []string `json:"causedBy"`
	Messages   []string `json:"messages"`
}

// ContentFreeze is the content-freeze decision and span.
type ContentFreeze struct {
	Decision    string   `json:"decision"`
	Reasons     []string `json:"reasons,omitempty"`
	StartMinute int      `json:"startMinute"`
	EndMinute   int      `json:"endMinute"`
	SpanMinutes int      `json:"spanMinutes"`
}

// Presence says when a role is needed.
type Presence struct {
	Role        string   `json:"role"`
	Name        string   `json:"name"`
	EntraRoles  []string `json:"entraRoles,omitempty"`
	ExtraRights []string `json:"extraRights,omitempty"`
	PIMLikely   bool     `json:"pimLikely"`
	// BeforeWindow means the role also has preparation steps.
	BeforeWindow   bool     `json:"beforeWindow"`
	InWindow       bool     `json:"inWindow"`
	FromMinute     int      `json:"fromMinute"`
	ToMinute       int      `json:"toMinute"`
	HandsOnMinutes int      `json:"handsOnMinutes"`
	Steps          []string `json:"steps"`
}

// AdminBlock is a run of steps that need a Global Administrator: one PIM activation.
type AdminBlock struct {
	Steps       []string `json:"steps"`
	StartMinute int      `json:"startMinute"`
	EndMinute   int      `json:"endMinute"`
}

// PhaseSummary counts a hop's steps in one phase.
type PhaseSummary struct {
	Phase          string `json:"phase"`
	Steps          int    `json:"steps"`
	HandsOnMinutes int    `json:"handsOnMinutes"`
}

// Prerequisite is a prerequisite of a release on the path.
type Prerequisite struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	// Before is the version whose upgrade must wait for it.
	Before        string `json:"before"`
	Title         string `json:"title"`
	Role          string `json:"role"`
	RoleName      string `json:"roleName"`
	EffortMinutes int    `json:"effortMinutes"`
	LeadTimeDays  int    `json:"leadTimeDays"`
	Details       string `json:"details"`
	Verify        string `json:"verify"`
	Blocking      bool   `json:"blocking"`
}

// Role describes a role of the catalogue.
type Role struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	EntraRoles  []string `json:"entraRoles,omitempty"`
	ExtraRights []string `json:"extraRights,omitempty"`
	PIMLikely   bool     `json:"pimLikely"`
	Source      string   `json:"source,omitempty"`
	Checked     string   `json:"checked,omitempty"`
}

// Fate says what became of a step of a release on the path.
type Fate struct {
	Version string `json:"version"`
	Step    string `json:"step"`
	// Fate is kept, superseded or merged.
	Fate string `json:"fate"`
	// Hop is the number of the hop that applies the step's release.
	Hop int `json:"hop"`
	// By names the step that runs instead ("4.3.0/deploy-backend").
	By string `json:"by,omitempty"`
	// Origin is, in an install, the part of its release the step comes from
	// (see Step.Origin).
	Origin string `json:"origin,omitempty"`
	// Source says where the step comes from, for people: "install procedure of
	// 4.0.0", "4.2.0, also for new deployments"; empty in an upgrade.
	Source string `json:"-"`
	// order places the step release by release and, in each release, in its
	// manifest's order: the order in which the pages list the account (see
	// account). Accounting itself keeps the composer's order.
	order int
}

// BundleName names the runbook of an upgrade: <product>-<to>-from-<from>.
func BundleName(product, from, to string) string {
	return fmt.Sprintf("%s-%s-from-%s", product, to, from)
}

// InstallBundleName names the runbook that deploys a version on a new tenant:
// <product>-<version>-install.
func InstallBundleName(product, version string) string {
	return fmt.Sprintf("%s-%s-install", product, version)
}

// SourceOf says where a step of an install comes from, for people: "install
// procedure of 4.0.0" or "4.2.0, also for new deployments"; empty for an
// upgrade step.
func SourceOf(version string, origin releases.Origin) string {
	switch origin {
	case releases.OriginInstall:
		return "install procedure of " + version
	case releases.OriginNewDeployments:
		return version + ", also for new deployments"
	}
	return ""
}

// NewRunbook builds the runbook view of a composed path.
func NewRunbook(ws *releases.Workspace, p *releases.Path, generator string) *Runbook {
	cfg := ws.Config
	rb := &Runbook{
		SchemaVersion: RunbookSchemaVersion,
		Generator:     generator,
		Product:       productOf(cfg),
		Bundle:        BundleName(cfg.Product.ID, p.From.String(), p.To.String()),
		From:          p.From.String(),
		To:            p.To.String(),
		Title:         cfg.Product.Name + " upgrade runbook: " + p.From.String() + " → " + p.To.String(),
		Total:         figures(p.Total, nil),
		Releases:      []Release{},
		Hops:          []Hop{},
		Prerequisites: []Prerequisite{},
		Roles:         []Role{},
		// Sized once: a path of many releases has thousands of fates.
		Accounting: make([]Fate, 0, len(p.Fates)),
	}
	if p.Install {
		rb.Install, rb.Base, rb.From = true, p.Base.String(), ""
		rb.Bundle = InstallBundleName(cfg.Product.ID, p.To.String())
		rb.Title = "Deploying " + cfg.Product.Name + " " + p.To.String() + " on a new tenant"
	}
	used := map[string]bool{}
	for i, h := range p.Hops {
		hop := Hop{Number: i + 1, From: h.From.String(), To: h.To.String(), Releases: []string{}, Figures: figures(h.Figures, h.Steps)}
		hop.Heading = fmt.Sprintf("Upgrade %d: %s → %s", hop.Number, hop.From, hop.To)
		if p.Install {
			hop.From, hop.Heading = "", "Deployment of "+hop.To
		}
		for _, m := range h.Releases {
			hop.Releases = append(hop.Releases, m.Version)
			r := releaseOf(m)
			r.Hop = i + 1
			rb.Releases = append(rb.Releases, r)
		}
		if len(h.Steps) > 0 {
			hop.Steps = make([]Step, 0, len(h.Steps)) // sized once: a Step is large
		}
		for n, ps := range h.Steps {
			hop.Steps = append(hop.Steps, stepOf(ws, ps, n+1))
			used[ps.Role] = true
		}
		rb.Hops = append(rb.Hops, hop)
	}
	for _, pp := range p.Prerequisites {
		used[pp.Role] = true
		rb.Prerequisites = append(rb.Prerequisites, Prerequisite{
			ID: pp.ID, Version: pp.Release.Version, Before: pp.Before.String(), Title: pp.Title,
			Role: pp.Role, RoleName: roleName(cfg, pp.Role), EffortMinutes: pp.EffortMinutes, LeadTimeDays: pp.LeadTimeDays,
			Details: pp.Details, Verify: pp.Verify, Blocking: pp.Blocking,
		})
	}
	for i := range cfg.Roles {
		if r := &cfg.Roles[i]; used[r.ID] {
			rb.Roles = append(rb.Roles, roleOf(r))
		}
	}
	offsets := releaseOffsets(p)
	for i := range p.Fates {
		f := &p.Fates[i]
		fate := Fate{Version: f.Version, Step: f.Step, Fate: string(f.Fate), Hop: f.Hop + 1, Origin: string(f.Origin), Source: SourceOf(f.Version, f.Origin),
			order: offsets[f.Version] + f.Index() + 1}
		if f.By != nil {
			fate.By = f.By.String()
		}
		rb.Accounting = append(rb.Accounting, fate)
	}
	return rb
}

// releaseOffsets gives, for each release of the path, how many source steps
// the releases before it hold: a fate's place in the order in which the
// manifests list the steps, release by release (oldest first) and in each
// release in its manifest's order, is its release's offset plus its Index,
// from 1. (Each release appears once on a path, and a step id once in a
// valid release.)
func releaseOffsets(p *releases.Path) map[string]int {
	offsets := map[string]int{}
	n := 0
	for _, h := range p.Hops {
		for _, m := range h.Releases {
			offsets[m.Version] = n
			n += len(m.Steps)
		}
	}
	return offsets
}

// account is the account of every step as the pages list it: release by
// release, oldest first, and in each release in its manifest's order
// (accountIntro says so). The composer lists the steps a newer one supersedes
// after the others; a runbook built without NewRunbook keeps its order. Both
// the Markdown and the HTML page list it, for every path: it yields the fates
// in place, through a permutation of their indexes, rather than sorting a copy
// of them, and not even that when they are in order already.
func account(rb *Runbook) iter.Seq[*Fate] {
	fates := rb.Accounting
	byOrder := func(a, b Fate) int { return cmp.Compare(a.order, b.order) }
	if slices.IsSortedFunc(fates, byOrder) {
		return func(yield func(*Fate) bool) {
			for i := range fates {
				if !yield(&fates[i]) {
					return
				}
			}
		}
	}
	idx := make([]int32, len(fates))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(a, b int32) int { return byOrder(fates[a], fates[b]) })
	return func(yield func(*Fate) bool) {
		for _, i := range idx {
			if !yield(&fates[i]) {
				return
			}
		}
	}
}

// accountTitle is the heading of the account of every step.
func accountTitle(rb *Runbook) string {
	if rb.Install {
		return "Where every step came from"
	}
	return "Where every step went"
}

// accountIntro explains the account of every step and its order.
func accountIntro(rb *Runbook) string {
	if rb.Install {
		return "Every step this deployment draws on — the install procedure of " + rb.Base +
			", then the steps later releases add for new deployments — where it comes from, and what became of it: " +
			"kept, superseded by a newer step, or merged into the same step earlier. " +
			"Release by release, oldest first, and in each release in the order of its manifest."
	}
	return "Every step of every release on this path, and what became of it: kept, superseded by a newer step, " +
		"or merged into the same step earlier on the path. Release by release, oldest first, and in each release in the order of its manifest."
}

// undoOrder lists the runbook's steps in the order to undo them: the reverse
// of the order they run, last hop first.
func undoOrder(rb *Runbook) []*Step {
	var steps []*Step
	for i := len(rb.Hops) - 1; i >= 0; i-- {
		h := &rb.Hops[i]
		for j := len(h.Steps) - 1; j >= 0; j-- {
			steps = append(steps, &h.Steps[j])
		}
	}
	return steps
}

// rollbackIntro says how to roll back, and in which order the rollback
// section lists the steps.
func rollbackIntro(rb *Runbook) string {
	const order = "undo the completed steps in reverse order: the list below starts with the last step and ends with the first."
	if rb.Install {
		return "A new tenant has no earlier version to return to: to abandon the deployment, " + order
	}
	return "To roll back, " + order
}

// pointOfNoReturn says what a point of no return means for the step: in an
// install (whose steps have an origin) the deployment cannot be undone, in an
// upgrade the upgrade cannot be rolled back.
func pointOfNoReturn(st *Step) string {
	if st.Origin != "" {
		return "once this step is done, the deployment cannot be undone."
	}
	return "once this step is done, the upgrade cannot be rolled back."
}

func productOf(cfg *releases.Config) Product {
	return Product{ID: cfg.Product.ID, Name: cfg.Product.Name, Vendor: cfg.Product.Vendor, SupportURL: cfg.Product.SupportURL}
}

func releaseOf(m *releases.Manifest) Release {
	return Release{
		Version: m.Version, Kind: string(m.Kind), ReleaseDate: m.ReleaseDate.String(), Codename: m.Codename,
		RequiredStop: m.IsRequiredStop(), ChangeType: string(m.ChangeType), Summary: m.Summary,
	}
}

func roleOf(r *releases.Role) Role {
	return Role{ID: r.ID, Name: r.Name, EntraRoles: r.EntraRoles, ExtraRights: r.ExtraRights, PIMLikely: r.PIMLikely,
		Source: r.Source, Checked: r.Checked.String()}
}

func roleName(cfg *releases.Config, id string) string {
	if r := cfg.Role(id); r != nil {
		return r.Name
	}
	return id
}

func stepOf(ws *releases.Workspace, ps *releases.PlannedStep, number int) Step {
	s := Step{
		Number: number, Anchor: ps.Anchor, ID: ps.ID, Version: ps.Release.Version, Origin: string(ps.Origin()), Title: ps.Title,
		Phase: string(ps.Phase), Kind: string(ps.Kind), Role: ps.Role, RoleName: roleName(ws.Config, ps.Role),
		Script: ps.Script, Args: ps.Args, CommandLine: CommandLine(ps.Script, ps.Args),
		HandsOnMinutes: ps.HandsOnMinutes, ElapsedMinutes: Elapsed{ps.ElapsedMinutes.Estimate, ps.ElapsedMinutes.Max},
		StartMinute: ps.Start, FinishMinute: ps.Finish, After: ps.After, Grants: ps.Grants,
		Details: ps.Details, Verify: ps.Verify, Rollback: Rollback{ps.Rollback.Instructions, ps.Rollback.None},
		PointOfNoReturn: ps.PointOfNoReturn, Repeat: string(defaultRepeat(ps.Repeat)), GlobalAdminBlock: ps.GABlock,
	}
	for _, id := range ps.CausesOutage {
		for _, o := range ps.Release.Outages {
			if o.ID == id {
				s.CausesOutage = append(s.CausesOutage, featureName(ws.Config, o.Feature))
			}
		}
	}
	for _, r := range ps.Replaces {
		s.Replaces = append(s.Replaces, r.String())
	}
	return s
}

func defaultRepeat(r releases.Repeat) releases.Repeat {
	if r == "" {
		return releases.RepeatAlways
	}
	return r
}

func featureName(cfg *releases.Config, id string) string {
	if f := cfg.Feature(id); f != nil {
		return f.Name
	}
	return id
}

func figures(f releases.Figures, steps []*releases.PlannedStep) Figures {
	out := Figures{
		HandsOnMinutes:      f.HandsOnMinutes,
		PrerequisiteMinutes: f.PrerequisiteMinutes,
		Window:              Window{f.Window.EstimateMinutes, f.Window.MaxMinutes},
		ContentFreeze: ContentFreeze{Decision: string(f.Freeze.Decision), Reasons: f.Freeze.Reasons,
			StartMinute: f.Freeze.StartMinute, EndMinute: f.Freeze.EndMinute, SpanMinutes: f.Freeze.SpanMinutes()},
		HandsOn:     []RoleMinutes{},
		Outages:     []Outage{},
		Presence:    []Presence{},
		GlobalAdmin: []AdminBlock{},
	}
	for _, rm := range f.HandsOn {
		out.HandsOn = append(out.HandsOn, RoleMinutes{Role: rm.Role.ID, Name: rm.Role.Name, Minutes: rm.Minutes})
	}
	for _, o := range f.Outages {
		out.Outages = append(out.Outages, Outage{Feature: o.Feature.ID, Name: o.Feature.Name, MinMinutes: o.MinMinutes,
			MaxMinutes: o.MaxMinutes, CausedBy: o.CausedBy, Messages: o.Messages})
	}
	// The anchors of the steps inside the window, gathered once rather than
	// searched for every step of every role.
	windowed := make(map[string]bool, len(steps))
	for _, s := range steps {
		if s.Phase != releases.PhasePrepare {
			windowed[s.Anchor] = true
		}
	}
	for _, p := range f.Presence {
		inWindow := false
		for _, a := range p.Steps {
			inWindow = inWindow || windowed[a]
		}
		out.Presence = append(out.Presence, Presence{Role: p.Role.ID, Name: p.Role.Name, EntraRoles: p.Role.EntraRoles,
			ExtraRights: p.Role.ExtraRights, PIMLikely: p.Role.PIMLikely, BeforeWindow: p.Before, InWindow: inWindow,
			FromMinute: p.FromMinute, ToMinute: p.ToMinute, HandsOnMinutes: p.HandsOnMinutes, Steps: p.Steps})
	}
	for _, b := range f.GABlocks {
		out.GlobalAdmin = append(out.GlobalAdmin, AdminBlock{Steps: b.Steps, StartMinute: b.StartMinute, EndMinute: b.EndMinute})
	}
	for _, phase := range releases.Phases {
		sum := PhaseSummary{Phase: string(phase)}
		for _, s := range steps {
			if s.Phase == phase {
				sum.Steps++
				sum.HandsOnMinutes += s.HandsOnMinutes
			}
		}
		if sum.Steps > 0 {
			out.Phases = append(out.Phases, sum)
		}
	}
	return out
}

// The characters, besides ASCII letters and digits, of the arguments PowerShell
// reads as typed without quotes: no blanks, quotes, $, backticks, or characters
// that end or group a command. Anything else is quoted.
const plainArgPunct = `._:/\=+,-`

// The characters, besides ASCII letters and digits, of the script paths that can
// be run as typed.
const plainScriptPunct = "._/-"

// plain reports whether s is not empty and holds only ASCII letters, digits and
// bytes of punct: a byte scan, as every argument of every step is checked.
func plain(s, punct string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte(punct, c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// CommandLine writes a script invocation as it is typed in PowerShell from the
// bundle's root folder, quoting arguments that PowerShell would otherwise
// interpret (placeholders such as <tenant> included). A script path that is
// not plain is quoted too, and run with the call operator (&).
func CommandLine(script string, args []string) string {
	if script == "" {
		return ""
	}
	parts := []string{"./" + script}
	if !plain(script, plainScriptPunct) {
		parts[0] = "& " + psQuote("./"+script)
	}
	for _, a := range args {
		if !plain(a, plainArgPunct) {
			a = psQuote(a)
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// psQuote writes s as one PowerShell string: a single-quoted literal, in which
// PowerShell expands nothing and a quote is written twice. PowerShell takes
// U+2018, U+2019, U+201A and U+201B for single quotes as well as ', so each of
// them is doubled too. Characters that a reader cannot see or that break the
// line (control, format and bidirectional characters, line and paragraph
// separators) are not put in the literal but joined to it as [char] codes:
// ('a' + [char]0x0A + 'b'), so that the command shows what it does.
func psQuote(s string) string {
	var pieces []string
	var lit strings.Builder
	lit.WriteByte('\'')
	for _, r := range s { // invalid UTF-8 reads as U+FFFD
		switch {
		case isPSSingleQuote(r):
			lit.WriteRune(r)
			lit.WriteRune(r)
		case psInvisible(r):
			if lit.Len() > 1 || len(pieces) == 0 {
				// The expression starts with a string, even an empty one,
				// so that + joins strings rather than adding char codes.
				pieces = append(pieces, lit.String()+"'")
			}
			lit.Reset()
			lit.WriteByte('\'')
			pieces = append(pieces, psCharCode(r))
		default:
			lit.WriteRune(r)
		}
	}
	if len(pieces) == 0 {
		return lit.String() + "'"
	}
	if lit.Len() > 1 {
		pieces = append(pieces, lit.String()+"'")
	}
	return "(" + strings.Join(pieces, " + ") + ")"
}

// isPSSingleQuote reports the characters PowerShell reads as a single quote.
func isPSSingleQuote(r rune) bool {
	switch r {
	case '\'', '\u2018', '\u2019', '\u201a', '\u201b':
		return true
	}
	return false
}

// psInvisible reports characters that must not appear raw in a command shown
// to a person: controls (C0, DEL, C1), format characters (bidirectional
// overrides and isolates, zero-width characters, tags), line and paragraph
// separators, and U+FFFD, which stands for bytes that are not UTF-8.
func psInvisible(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.In(r, unicode.Zl, unicode.Zp) || r == utf8.RuneError
}

// psCharCode is the PowerShell expression of one character.
func psCharCode(r rune) string {
	if r > 0xFFFF {
		return fmt.Sprintf("[char]::ConvertFromUtf32(0x%X)", r)
	}
	return fmt.Sprintf("[char]0x%02X", r)
}

// Format is a document format.
type Format string

// The document formats.
const (
	Markdown Format = "md"
	HTML     Format = "html"
	JSON     Format = "json"
)

// ParseFormat accepts md, markdown, html and json.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "md", "markdown":
		return Markdown, nil
	case "html":
		return HTML, nil
	case "json":
		return JSON, nil
	}
	return "", fmt.Errorf("unknown format %q (md, html or json)", s)
}

// runbookBuffers holds the 64 KiB buffers the Markdown and HTML runbooks are
// written through: rendering every path renders thousands of pages, and a
// buffer each was a tenth of all the memory allocated.
var runbookBuffers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 64<<10) }}

// bufferFor returns a buffered writer to out, and done, which flushes it and
// returns the first write error. A *bufio.Writer is written to directly; any
// other writer goes through a buffer of runbookBuffers, which done gives back.
func bufferFor(out io.Writer) (w *bufio.Writer, done func() error) {
	if b, ok := out.(*bufio.Writer); ok {
		return b, b.Flush
	}
	b := runbookBuffers.Get().(*bufio.Writer)
	b.Reset(out)
	return b, func() error {
		err := b.Flush()
		b.Reset(nil) // keep no reference to out in the pool
		runbookBuffers.Put(b)
		return err
	}
}

// RenderRunbook writes the runbook in the given format.
func (s *Set) RenderRunbook(w io.Writer, rb *Runbook, f Format) error {
	switch f {
	case Markdown:
		return writeRunbookMarkdown(w, rb)
	case HTML:
		return writeRunbookHTML(w, rb, s.runbookCSS)
	case JSON:
		return WriteJSON(w, rb)
	}
	return fmt.Errorf("runbooks have no %q format", f)
}
