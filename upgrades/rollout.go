package upgrades

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/atlas-release/atlas-release/internal/human"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// InputError is a request the workspace cannot satisfy as it is — an unknown
// customer, constraints no slot meets — with a message that says what to
// change. Nothing has been written when one is returned.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func invalidf(format string, args ...any) error {
	return &InputError{fmt.Errorf(format, args...)}
}

// SlotStatus says how firm a slot is.
type SlotStatus string

// The slot statuses.
const (
	// SlotScheduled: every constraint holds on facts; --apply opens the ticket.
	SlotScheduled SlotStatus = "scheduled"
	// SlotTentative: the customer's change board has not approved yet; the
	// ticket is opened, tagged cab-pending, until `upgrades approve`.
	SlotTentative SlotStatus = "tentative"
	// SlotWaiting: an earlier ring has not completed; the slot rests on that
	// ring's planned dates and no ticket is opened yet.
	SlotWaiting SlotStatus = "waiting"
	// SlotDone: the entry completed the upgrade (its ticket is solved).
	SlotDone SlotStatus = "done"
)

// Slot is an entry's place in the rollout.
type Slot struct {
	Customer string `json:"customer"`
	Name     string `json:"name"`
	Internal bool   `json:"internal,omitempty"`
	Ring     int    `json:"ring"`
	// From is empty for a deployment.
	From string `json:"from"`
	To   string `json:"to"`
	// Deployment: the entry runs nothing yet; its window deploys To.
	Deployment bool       `json:"deployment,omitempty"`
	Status     SlotStatus `json:"status"`
	// Windows are the planned windows in the entry's time zone; none when done.
	Windows  []templates.ScheduledWindow `json:"windows,omitempty"`
	TimeZone string                      `json:"timeZone"`
	// Engineer is on standby for every window; EngineerHours is the first
	// window in the engineer's time zone.
	Engineer      string `json:"engineer,omitempty"`
	EngineerEmail string `json:"engineerEmail,omitempty"`
	EngineerHours string `json:"engineerHours,omitempty"`
	ChangeProcess string `json:"changeProcess"`
	// Approval is the change board's reference, once approved.
	Approval string `json:"approval,omitempty"`
	// Note says why a slot is tentative or waiting.
	Note string `json:"note,omitempty"`
	// Kept reports a slot held by the entry's open change ticket; Moved is
	// the day of that ticket when it no longer holds and the entry moved.
	Kept  bool   `json:"kept,omitempty"`
	Moved string `json:"moved,omitempty"`
	// Ticket is what --apply did to the change ticket.
	Ticket *TicketResult `json:"ticket,omitempty"`

	// requested is the day a kept ticket went to the change board: its
	// lead time counts from then.
	requested releases.Date
}

// Ring is one rollout ring of the plan.
type Ring struct {
	Number   int    `json:"ring"`
	Name     string `json:"name"`
	SoakDays int    `json:"soakDays"`
	// NotBefore is when the ring may start (UTC), and Why; empty for ring 0.
	NotBefore *time.Time `json:"notBefore,omitempty"`
	Why       string     `json:"why,omitempty"`
}

// Rollout is one plan for the whole fleet.
type Rollout struct {
	Product string `json:"product"`
	To      string `json:"to"`
	// From is the first day a window could start on.
	From     string   `json:"from"`
	Rings    []Ring   `json:"rings"`
	Slots    []Slot   `json:"slots"`
	UpToDate []string `json:"upToDate"`
	// Rosters are each engineer's standby windows, engineers by name.
	Rosters []templates.Roster `json:"rosters"`
}

// RolloutOptions say what to plan.
type RolloutOptions struct {
	Workspace *releases.Workspace
	To        *semver.Version
	// From is the first day a window may start on; Today is when the plan is
	// made, from which change boards' lead times count. The CLI passes them:
	// nothing here reads the clock.
	From  releases.Date
	Today releases.Date
	// Completed are the entries that completed the upgrade, and when: their
	// change ticket was solved, or --assume-complete names them.
	Completed map[string]time.Time
	// History is the release's record of approvals; nil for none.
	History *releases.History
	// Tickets are the open change tickets (ReadTickets), by entry: each keeps
	// its slot while that satisfies every constraint. Nil when ZenDesk was
	// not read.
	Tickets map[string]OpenTicket
	// Weeks bounds the search for a slot (default 52).
	Weeks int
}

// fleet is the scheduler's input built from the workspace, with each entry's
// plan.
type fleet struct {
	in      *fleetInput
	entries map[string]*Entry
	ids     []string // every customer id, in the file's order
	upToDay []string
	target  *releases.Manifest
}

func buildFleet(o RolloutOptions) (*fleet, error) {
	ws := o.Workspace
	if ws.Customers == nil {
		return nil, &InputError{ErrNoCustomers}
	}
	cfg := ws.Config
	if cfg.Standby == nil {
		return nil, invalidf("%s has no standby roster: add standby: with the engineers who can be on standby (name, ZenDesk email, time zone, days, hours, capacity) to plan a rollout", releases.ConfigFile)
	}
	target, err := ws.Release(o.To)
	if err != nil {
		return nil, err
	}
	f := &fleet{entries: map[string]*Entry{}, target: target, in: &fleetInput{engineers: cfg.Standby.Engineers, blackouts: cfg.Standby.Blackouts,
		rings: cfg.Policy.RingList(), from: o.From, weeks: cmp.Or(o.Weeks, 52)}}
	for id := range o.Completed {
		if ws.Customers.Customer(id) == nil {
			return nil, invalidf("no customer %q in %s (customers: %s)", id, releases.CustomersFile, strings.Join(customerIDs(ws), ", "))
		}
	}
	earliest := target.ReleaseDate.AddDays(target.LeadTimeDays)
	memo := &pathMemo{}
	zones := map[string]*time.Location{}
	for i := range ws.Customers.Customers {
		c := &ws.Customers.Customers[i]
		f.ids = append(f.ids, c.ID)
		e, _, err := memo.planOne(ws, c, o.To)
		if err != nil {
			return nil, &InputError{err}
		}
		switch {
		case e.Status == NeedsInstall && len(e.Windows) == 0:
			// validate (AR1701) keeps this from happening to a valid workspace.
			return nil, invalidf("%s", e.Note)
		case e.Status != NeedsUpgrade && e.Status != NeedsInstall:
			f.upToDay = append(f.upToDay, c.ID)
			continue
		}
		// A new deployment takes its place like an upgrade, in one window as
		// long as the install's.
		loc := zones[c.Window.TimeZone]
		if loc == nil {
			if loc, err = c.Window.Location(); err != nil {
				return nil, invalidf("%s: window: %w", c.ID, err)
			}
			zones[c.Window.TimeZone] = loc
		}
		fe := &fleetEntry{cu: c, ring: c.RingOf(&cfg.Policy), loc: loc, done: completedAt(o, c.ID),
			bounds: []bound{{earliest, fmt.Sprintf("%s can be installed from %s (released %s, %d days' lead time)", o.To, earliest, target.ReleaseDate, target.LeadTimeDays)}}}
		for _, w := range e.Windows {
			fe.maxes = append(fe.maxes, w.MaxMinutes)
		}
		general := fe.bounds
		cab := func(requested releases.Date) []bound { return fe.bounds }
		if c.ChangeProcess == releases.CABProcess {
			if a := approval(o.History, c.ID); a == nil {
				cab = func(requested releases.Date) []bound {
					first := requested.AddDays(c.CABLeadTimeDays)
					return append(slices.Clip(general), bound{first, fmt.Sprintf("%s's change board needs %d days from the request (cabLeadTimeDays)", c.ID, c.CABLeadTimeDays)})
				}
				fe.bounds = cab(o.Today)
			} else if !a.Window.IsZero() {
				// The board approved a day: the upgrade stays there (or later,
				// when that day no longer works, which needs a new approval).
				fe.bounds = append(fe.bounds, bound{a.Window, fmt.Sprintf("%s's change board approved %s (%s)", c.ID, a.Window, a.Ref)})
			}
		}
		if t, ok := o.Tickets[c.ID]; ok && fe.done.IsZero() {
			// The ticket's request reached the board the day it was opened.
			fe.pin = &pin{day: t.Day, start: t.Start, engineer: t.Engineer, bounds: cab(t.Opened)}
		}
		f.entries[c.ID] = e
		f.in.entries = append(f.in.entries, fe)
	}
	slices.SortFunc(f.in.entries, func(a, b *fleetEntry) int { return cmp.Or(cmp.Compare(a.ring, b.ring), cmp.Compare(a.cu.ID, b.cu.ID)) })
	return f, nil
}

func customerIDs(ws *releases.Workspace) []string {
	var ids []string
	for _, c := range ws.Customers.Customers {
		ids = append(ids, c.ID)
	}
	return ids
}

// completedAt is when an entry completed the release: as the caller says
// (--assume-complete, a solved ticket), or else as the history records an ok
// upgrade, at the end of its last window; zero while it has not.
func completedAt(o RolloutOptions, id string) time.Time {
	if at, ok := o.Completed[id]; ok {
		return at
	}
	if o.History == nil {
		return time.Time{}
	}
	e := o.History.Entry(id)
	if e == nil || e.Completion == nil || e.Completion.Outcome != releases.OutcomeOK || len(e.Completion.Windows) == 0 {
		return time.Time{}
	}
	_, finished, err := e.Completion.Windows[len(e.Completion.Windows)-1].Span()
	if err != nil {
		return time.Time{}
	}
	return finished
}

func approval(h *releases.History, id string) *releases.Approval {
	if h == nil {
		return nil
	}
	if e := h.Entry(id); e != nil {
		return e.Approval
	}
	return nil
}

func approvalOf(h *releases.History, id string) string {
	if a := approval(h, id); a != nil {
		return a.Ref
	}
	return ""
}

// PlanRollout plans every entry that needs the target: ring by ring, each in
// its preferred window, with a standby engineer whose hours cover the whole
// of every window and who has capacity left, outside blackouts, not before
// the release may be installed, the change board's lead time, or the end of
// the earlier ring plus its soak. An entry that cannot get a slot is an
// InputError that says why and what to change.
func PlanRollout(ctx context.Context, o RolloutOptions) (*Rollout, error) {
	f, err := buildFleet(o)
	if err != nil {
		return nil, err
	}
	p, err := f.in.schedule(ctx)
	if err != nil {
		return nil, err
	}
	if len(p.unplaced) > 0 {
		return nil, f.unplacedError(ctx, p)
	}
	return f.rollout(o, p), nil
}

// unplacedError explains every entry without a slot, first the earliest ring,
// the entries passed over for the same reasons together; first of all, when
// the standby roster is full, how much of it there is and what would give
// every one of them a slot.
func (f *fleet) unplacedError(ctx context.Context, p *fleetPlan) error {
	type group struct {
		ids []string
		why []skip
	}
	var groups []*group
	byWhy := map[string]*group{}
	var ids []string
	for _, e := range f.in.entries {
		why, ok := p.unplaced[e.cu.ID]
		if !ok {
			continue
		}
		ids = append(ids, e.cu.ID)
		key := fmt.Sprint(e.ring)
		for _, s := range why {
			key += fmt.Sprintf("\x00%s\x00%d\x00%s\x00%s\x00%s\x00%s", s.Reason, s.Days, s.First, s.Last, s.Fix, s.span)
		}
		g := byWhy[key]
		if g == nil {
			g = &group{why: why}
			byWhy[key] = g
			groups = append(groups, g)
		}
		g.ids = append(g.ids, e.cu.ID)
	}
	parts, err := f.in.fullRosters(ctx, p, ids)
	if err != nil {
		return err
	}
	for _, g := range groups {
		text := noSlot(idList(g.ids), f.in, g.why)
		if len(g.ids) > 1 {
			text = strings.Replace(text, ":", fmt.Sprintf(" (%d entries, passed over for the same reasons):", len(g.ids)), 1)
		}
		parts = append(parts, text)
	}
	return &InputError{errors.New(strings.Join(parts, "\n"))}
}

// idList names entries, the first twenty of a longer list and how many more.
func idList(ids []string) string {
	const most = 20
	if len(ids) > most {
		return fmt.Sprintf("%s and %d more", strings.Join(ids[:most], ", "), len(ids)-most)
	}
	if len(ids) > 1 {
		return strings.Join(ids[:len(ids)-1], ", ") + " and " + ids[len(ids)-1]
	}
	return strings.Join(ids, "")
}

func noSlot(id string, in *fleetInput, why []skip) string {
	var b strings.Builder
	fmt.Fprintf(&b, "no slot for %s in the %d weeks from %s:", id, in.weeks, in.from)
	var fixes []string
	for _, s := range why {
		fmt.Fprintf(&b, "\n  %s", s)
		if s.Fix != "" && !slices.Contains(fixes, s.Fix) {
			fixes = append(fixes, s.Fix)
		}
	}
	if len(fixes) > 0 {
		fmt.Fprintf(&b, "\n  to change: %s", strings.Join(fixes, "; or "))
	}
	return b.String()
}

// rollout turns the scheduler's plan into the report.
func (f *fleet) rollout(o RolloutOptions, p *fleetPlan) *Rollout {
	ws := o.Workspace
	r := &Rollout{Product: ws.Config.Product.Name, To: o.To.String(), From: o.From.String(), UpToDate: append([]string{}, f.upToDay...), Slots: []Slot{}, Rosters: []templates.Roster{}}
	slices.Sort(r.UpToDate)
	for i, rp := range f.in.rings {
		ring := Ring{Number: i, Name: rp.Name, SoakDays: rp.SoakDays}
		if i < len(p.gates) && !p.gates[i].at.IsZero() {
			at := p.gates[i].at.UTC()
			ring.NotBefore, ring.Why = &at, p.gates[i].why
		}
		r.Rings = append(r.Rings, ring)
	}
	for _, fe := range f.in.entries {
		r.Slots = append(r.Slots, f.slot(o, fe, p.assigned[fe.cu.ID]))
	}
	slices.SortStableFunc(r.Slots, func(a, b Slot) int {
		return cmp.Or(cmp.Compare(a.Ring, b.Ring), compareStart(a, b), cmp.Compare(a.Customer, b.Customer))
	})
	byEmail := map[string]*templates.Roster{}
	for i := range f.in.engineers {
		en := &f.in.engineers[i]
		byEmail[en.Email] = &templates.Roster{Engineer: en.Name, Email: en.Email, TimeZone: en.TimeZone, Product: r.Product, To: r.To,
			Stamp: f.target.ReleaseDate.AddDays(f.target.LeadTimeDays).Time()}
	}
	for _, s := range r.Slots {
		if s.Engineer == "" {
			continue
		}
		ro := byEmail[s.EngineerEmail]
		for _, w := range s.Windows {
			ro.Windows = append(ro.Windows, templates.RosterWindow{Customer: s.Customer, Name: s.Name, Ring: s.Ring, Hop: w.Hop, From: w.From, To: w.To,
				StartUTC: w.StartUTC, EndUTC: w.EndUTC, Tentative: s.Status != SlotScheduled})
		}
	}
	for _, ro := range byEmail {
		slices.SortFunc(ro.Windows, func(a, b templates.RosterWindow) int {
			return cmp.Or(a.StartUTC.Compare(b.StartUTC), cmp.Compare(a.Customer, b.Customer), cmp.Compare(a.Hop, b.Hop))
		})
		r.Rosters = append(r.Rosters, *ro)
	}
	slices.SortFunc(r.Rosters, func(a, b templates.Roster) int {
		return cmp.Or(cmp.Compare(a.Engineer, b.Engineer), cmp.Compare(a.Email, b.Email))
	})
	return r
}

func compareStart(a, b Slot) int {
	switch {
	case len(a.Windows) == 0 && len(b.Windows) == 0:
		return 0
	case len(a.Windows) == 0:
		return -1
	case len(b.Windows) == 0:
		return 1
	}
	return a.Windows[0].StartUTC.Compare(b.Windows[0].StartUTC)
}

// slot reports one entry's place.
func (f *fleet) slot(o RolloutOptions, fe *fleetEntry, a *assignment) Slot {
	c := fe.cu
	e := f.entries[c.ID]
	s := Slot{Customer: c.ID, Name: c.Name, Internal: c.Internal, Ring: fe.ring, From: e.From, To: e.To, Deployment: e.Status == NeedsInstall,
		TimeZone: fe.loc.String(), ChangeProcess: string(c.ChangeProcess), Approval: approvalOf(o.History, c.ID)}
	if !fe.done.IsZero() {
		s.Status, s.Note = SlotDone, "completed "+fe.done.UTC().Format("2006-01-02 15:04 UTC")
		return s
	}
	prev := e.From
	for i, w := range a.windows {
		start, end := w.start.In(fe.loc), w.end.In(fe.loc)
		s.Windows = append(s.Windows, templates.ScheduledWindow{Hop: i + 1, From: prev, To: e.Stops[i],
			Date: start.Format("2006-01-02"), Time: start.Format("15:04"), EndDate: end.Format("2006-01-02"), EndTime: end.Format("15:04"),
			StartUTC: w.start.UTC(), EndUTC: w.end.UTC()})
		prev = e.Stops[i]
	}
	en := a.engineer
	s.Engineer, s.EngineerEmail = en.Name, en.Email
	if fe.pin != nil {
		if a.pinned {
			s.Kept = true
			if t, ok := o.Tickets[c.ID]; ok {
				s.requested = t.Opened
			}
		} else if fe.pin.day.String() != s.Windows[0].Date {
			s.Moved = fe.pin.day.String()
		}
	}
	if loc := f.in.zoneOf(en); loc != nil {
		w := a.windows[0]
		s.EngineerHours = human.Day(w.start.In(loc)) + " " + localSpan(w, loc)
	}
	switch {
	case a.waiting:
		s.Status, s.Note = SlotWaiting, fmt.Sprintf("until %s", f.gateNote(fe.ring))
	case c.ChangeProcess == releases.CABProcess && s.Approval == "":
		s.Status, s.Note = SlotTentative, fmt.Sprintf("until %s's change board approves (upgrades approve %s --ref …)", c.ID, c.ID)
	case c.ChangeProcess == releases.CABProcess && !approval(o.History, c.ID).Window.IsZero() && approval(o.History, c.ID).Window.String() != s.Windows[0].Date:
		s.Status, s.Note = SlotTentative, fmt.Sprintf("the change board approved %s, which no longer works: it needs to approve %s", approval(o.History, c.ID).Window, s.Windows[0].Date)
	default:
		s.Status = SlotScheduled
	}
	return s
}

// alternatives are an entry's next count slots against the rest of the
// fleet's plan: its own slot is given back while looking and taken again
// after, so that the plan is left as it was.
func (in *fleetInput) alternatives(p *fleetPlan, fe *fleetEntry, count int) ([]*assignment, []skip) {
	own := p.assigned[fe.cu.ID]
	p.release(fe.cu.ID)
	g := gate{}
	if fe.ring < len(p.gates) {
		g = p.gates[fe.ring]
	}
	found, why := in.search(fe, g, p.load, p.upgrades, count)
	if own != nil {
		p.take(own)
	}
	return found, why
}

// gateNote names the earlier rings' entries that have not completed.
func (f *fleet) gateNote(ring int) string {
	var open []string
	for _, e := range f.in.entries {
		if e.ring < ring && e.done.IsZero() {
			open = append(open, e.cu.ID)
		}
	}
	return strings.Join(open, ", ") + " complete"
}

// Proposal is the next slots a customer could take.
type Proposal struct {
	Customer string `json:"customer"`
	Name     string `json:"name"`
	Ring     int    `json:"ring"`
	To       string `json:"to"`
	From     string `json:"from"`
	// Slots are the next slots that satisfy everything, earliest first; each
	// is an alternative.
	Slots []Slot `json:"slots"`
	// Skipped says why the days before the last slot were passed over: one
	// line per reason.
	Skipped []string `json:"skipped"`
}

// Propose finds the next count slots of one customer's preferred window that
// satisfy every constraint, against the load of the rest of the fleet's plan
// (the customer's own slot in it given back), so that a slot it proposes is
// one the rollout could take.
func Propose(ctx context.Context, o RolloutOptions, customer string, count int) (*Proposal, error) {
	ws := o.Workspace
	if ws.Customers == nil {
		return nil, &InputError{ErrNoCustomers}
	}
	c := ws.Customers.Customer(customer)
	if c == nil {
		return nil, invalidf("no customer %q in %s (customers: %s)", customer, releases.CustomersFile, strings.Join(customerIDs(ws), ", "))
	}
	f, err := buildFleet(o)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(f.in.entries, func(e *fleetEntry) bool { return e.cu.ID == customer })
	if i < 0 {
		return nil, invalidf("%s runs %s already: nothing to upgrade to %s", customer, c.Version, o.To)
	}
	fe := f.in.entries[i]
	if !fe.done.IsZero() {
		return nil, invalidf("%s completed the upgrade to %s already", customer, o.To)
	}
	p, err := f.in.schedule(ctx)
	if err != nil {
		return nil, err
	}
	found, why := f.in.alternatives(p, fe, max(count, 1))
	if len(found) == 0 {
		return nil, &InputError{errors.New(noSlot(customer, f.in, why))}
	}
	pr := &Proposal{Customer: c.ID, Name: c.Name, Ring: fe.ring, To: o.To.String(), From: o.From.String(), Slots: []Slot{}, Skipped: []string{}}
	for _, a := range found {
		pr.Slots = append(pr.Slots, f.slot(o, fe, a))
	}
	for _, s := range why {
		pr.Skipped = append(pr.Skipped, s.String())
	}
	return pr, nil
}
