package upgrades

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// The fleet scheduler: given every entry that needs a release (its ring, its
// preferred window and the length of each window of its path), the standby
// roster and the blackouts, it gives each entry a slot.
//
// It is greedy, ring by ring: within a ring, of the entries still without a
// slot, the one whose earliest feasible slot comes first (ties: by id) takes
// it, with the least loaded engineer who covers it (ties: by name), and the
// rest try again against the new load. Greedy is acceptable here because the
// constraints are loose — one candidate a week per entry, a handful of
// engineers with capacity for several upgrades at once — and because what a
// release manager needs is a plan that is valid, explainable ("X took the
// earliest slot it could") and identical for identical inputs. It does not
// guarantee the shortest rollout or the fewest weeks per ring (an early
// entry may take the only engineer another entry could have used).
//
// Entries whose change ticket is open are pinned: within their ring they are
// placed before the greedy pass, on their ticket's day with their ticket's
// engineer, when that still satisfies every constraint — first those whose
// window is the ticket's, then those whose window changed (a new start time
// on the same day). So a re-run after one customer's change moves that
// customer, and others only when their own slot no longer holds (the change
// moved the gate of their ring, or took the capacity their slot needs).

// interval is a window in absolute time.
type interval struct{ start, end time.Time }

// fleetEntry is one entry that needs the target.
type fleetEntry struct {
	cu   *releases.Customer
	ring int
	loc  *time.Location
	// maxes are the maximum durations of the path's windows, in minutes.
	maxes []int
	// bounds are the first days the entry's first window may be on.
	bounds []bound
	// done is when the entry completed the target; zero while it has not.
	done time.Time
	// pin is the slot of the entry's open change ticket; nil for none.
	pin *pin
}

// pin is the slot an open change ticket holds.
type pin struct {
	day releases.Date
	// start is the ticket's local start (HH:MM); engineer the email of its
	// assignee, "" when not one of the roster.
	start    string
	engineer string
	// bounds replace the entry's bounds on the pinned day: a change board's
	// lead time counts from the day the ticket went to it, not from today.
	bounds []bound
}

// unchanged reports whether the entry's window on the pinned day starts when
// the ticket says.
func (e *fleetEntry) unchanged() bool { return e.pin != nil && e.cu.Window.Start == e.pin.start }

// bound is a first day, and why.
type bound struct {
	day releases.Date
	why string
}

// fleetInput is everything the scheduler needs.
type fleetInput struct {
	entries   []*fleetEntry
	engineers []releases.Engineer
	blackouts []releases.Blackout
	rings     []releases.RingPolicy
	// from is the first day a window may start on.
	from  releases.Date
	weeks int
}

// assignment is an entry's slot.
type assignment struct {
	e        *fleetEntry
	windows  []interval
	engineer *releases.Engineer
	// waiting: an earlier ring has not completed yet, so the slot rests on
	// that ring's planned dates.
	waiting bool
	// pinned: the slot is the one the entry's open ticket holds.
	pinned bool
}

// gate is when a ring may start.
type gate struct {
	at      time.Time
	why     string
	waiting bool
	// blocked names the entries of earlier rings without a slot.
	blocked []string
}

// skip is why days were passed over: one line per reason, not per day.
type skip struct {
	Reason string        `json:"reason"`
	Days   int           `json:"days"`
	First  releases.Date `json:"first"`
	Last   releases.Date `json:"last"`
	// Fix says what to change in the workspace for the reason to go away.
	Fix string `json:"-"`
	// span is set for a blackout, which is named by its own range.
	span string
}

// String is the reason as a line of propose's explanation.
func (s skip) String() string {
	if s.span != "" {
		return s.span + ": " + s.Reason
	}
	return fmt.Sprintf("%d day%s: %s", s.Days, pluralS(s.Days), s.Reason)
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// skips collects the reasons days were skipped, in the order first seen.
type skips struct{ list []*skip }

func (s *skips) add(day releases.Date, reason, fix, span string) {
	for _, k := range s.list {
		if k.Reason == reason {
			k.Days++
			k.Last = day
			return
		}
	}
	s.list = append(s.list, &skip{Reason: reason, Days: 1, First: day, Last: day, Fix: fix, span: span})
}

func (s *skips) lines() []skip {
	out := make([]skip, 0, len(s.list))
	for _, k := range s.list {
		out = append(out, *k)
	}
	slices.SortStableFunc(out, func(a, b skip) int {
		return cmp.Or(a.First.Time().Compare(b.First.Time()), cmp.Compare(a.Reason, b.Reason))
	})
	return out
}

// load is the windows each engineer already covers.
type load map[string][]interval

// concurrent is the most windows of list running at once within w.
func concurrent(list []interval, w interval) int {
	most := 0
	points := []time.Time{w.start}
	for _, l := range list {
		if l.start.After(w.start) && l.start.Before(w.end) {
			points = append(points, l.start)
		}
	}
	for _, p := range points {
		n := 0
		for _, l := range list {
			if !p.Before(l.start) && p.Before(l.end) {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}

// fleetPlan is the scheduler's result.
type fleetPlan struct {
	assigned map[string]*assignment
	// unplaced are the entries without a slot, with why.
	unplaced map[string][]skip
	gates    []gate
	load     load
	upgrades map[string]int
}

// windowsOn are the entry's windows if its first starts on day.
func (e *fleetEntry) windowsOn(day releases.Date) ([]interval, error) {
	start, err := e.cu.Window.StartOn(day)
	if err != nil {
		return nil, err
	}
	var out []interval
	for i, m := range e.maxes {
		s, end := templates.WindowAt(start, i, m)
		out = append(out, interval{s, end})
	}
	return out, nil
}

// localSpan is a window in the entry's zone, e.g. "08:00–10:00 Europe/Berlin".
func localSpan(w interval, loc *time.Location) string {
	return fmt.Sprintf("%s–%s %s", w.start.In(loc).Format("15:04"), w.end.In(loc).Format("15:04"), loc)
}

// try checks one day for an entry against everything; it returns the
// assignment, or the reason the day does not do and what to change.
func (in *fleetInput) try(e *fleetEntry, day releases.Date, g gate, ld load, used map[string]int) (*assignment, string, string, string) {
	return in.tryWith(e, day, e.bounds, "", g, ld, used)
}

// tryPin tries the entry's pinned day, with its ticket's engineer when they
// still can cover it; nil when the day no longer satisfies everything.
func (in *fleetInput) tryPin(e *fleetEntry, g gate, ld load, used map[string]int) *assignment {
	if e.pin.day.Time().Weekday() != e.cu.Window.Weekday() || e.pin.day.Before(in.from) {
		return nil
	}
	a, _, _, _ := in.tryWith(e, e.pin.day, e.pin.bounds, e.pin.engineer, g, ld, used)
	if a != nil {
		a.pinned = true
	}
	return a
}

// tryWith is try with the bounds given, preferring an engineer (by email)
// over the least loaded one.
func (in *fleetInput) tryWith(e *fleetEntry, day releases.Date, bounds []bound, prefer string, g gate, ld load, used map[string]int) (*assignment, string, string, string) {
	for _, b := range bounds {
		if day.Before(b.day) {
			return nil, fmt.Sprintf("before %s: %s", b.day, b.why), "", ""
		}
	}
	if len(g.blocked) > 0 {
		return nil, fmt.Sprintf("ring %d waits for %s, without a slot", e.ring, strings.Join(g.blocked, ", ")),
			"give the entries of the earlier rings a slot first", ""
	}
	windows, err := e.windowsOn(day)
	if err != nil {
		return nil, err.Error(), fmt.Sprintf("fix %s's window in %s", e.cu.ID, releases.CustomersFile), ""
	}
	if !g.at.IsZero() && windows[0].start.Before(g.at) {
		return nil, fmt.Sprintf("before %s: %s", releases.DateOf(g.at.In(e.loc)), g.why), "", ""
	}
	for _, w := range windows {
		for _, d := range []releases.Date{releases.DateOf(w.start.In(e.loc)), releases.DateOf(w.end.Add(-time.Nanosecond).In(e.loc))} {
			for _, b := range in.blackouts {
				if b.Contains(d) {
					return nil, "blackout " + b.Reason, "", fmt.Sprintf("%s to %s", b.From, b.To)
				}
			}
		}
	}
	var covering []*releases.Engineer
	for i := range in.engineers {
		en := &in.engineers[i]
		ok := true
		for _, w := range windows {
			ok = ok && en.Covers(w.start, w.end)
		}
		if ok {
			covering = append(covering, en)
		}
	}
	span := localSpan(windows[0], e.loc)
	if len(covering) == 0 {
		return nil, "no standby engineer covers " + span,
			fmt.Sprintf("give an engineer of standby in %s hours or days that cover it, or change %s's window in %s", releases.ConfigFile, e.cu.ID, releases.CustomersFile), ""
	}
	var free []*releases.Engineer
	for _, en := range covering {
		ok := true
		for _, w := range windows {
			ok = ok && concurrent(ld[en.Email], w)+1 <= en.Capacity
		}
		if ok {
			free = append(free, en)
		}
	}
	if len(free) == 0 {
		var names []string
		for _, en := range covering {
			names = append(names, en.Name)
		}
		return nil, fmt.Sprintf("%s, who cover%s %s, %s at capacity", strings.Join(names, " and "), map[bool]string{true: "s", false: ""}[len(names) == 1], span,
				map[bool]string{true: "is", false: "are"}[len(names) == 1]),
			fmt.Sprintf("raise a capacity or add an engineer to standby in %s", releases.ConfigFile), ""
	}
	slices.SortFunc(free, func(a, b *releases.Engineer) int {
		return cmp.Or(cmp.Compare(used[a.Email], used[b.Email]), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Email, b.Email))
	})
	if i := slices.IndexFunc(free, func(en *releases.Engineer) bool { return prefer != "" && strings.EqualFold(en.Email, prefer) }); i > 0 {
		free[0], free[i] = free[i], free[0]
	}
	return &assignment{e: e, windows: windows, engineer: free[0], waiting: g.waiting}, "", "", ""
}

// firstDay is the first day on or after from that is the entry's preferred day.
func (e *fleetEntry) firstDay(from releases.Date) releases.Date {
	want := e.cu.Window.Weekday()
	d := from
	for d.Time().Weekday() != want {
		d = d.AddDays(1)
	}
	return d
}

// search looks for the entry's first n slots (n > 0) against the load, and
// reports why the days before the last one found were skipped.
func (in *fleetInput) search(e *fleetEntry, g gate, ld load, used map[string]int, n int) ([]*assignment, []skip) {
	var found []*assignment
	var why skips
	day := e.firstDay(in.from)
	for range in.weeks {
		a, reason, fix, span := in.try(e, day, g, ld, used)
		if a != nil {
			found = append(found, a)
			if len(found) == n {
				break
			}
		} else {
			why.add(day, reason, fix, span)
		}
		day = day.AddDays(7)
	}
	return found, why.lines()
}

// schedule gives every entry a slot, ring by ring.
func (in *fleetInput) schedule() *fleetPlan {
	p := &fleetPlan{assigned: map[string]*assignment{}, unplaced: map[string][]skip{}, load: load{}, upgrades: map[string]int{}}
	// Whatever order the entries come in, the plan is the same.
	in.entries = slices.Clone(in.entries)
	slices.SortFunc(in.entries, func(a, b *fleetEntry) int { return cmp.Or(cmp.Compare(a.ring, b.ring), cmp.Compare(a.cu.ID, b.cu.ID)) })
	maxRing := 0
	for _, e := range in.entries {
		maxRing = max(maxRing, e.ring)
	}
	var g gate
	for ring := 0; ring <= maxRing; ring++ {
		if ring > 0 {
			g = in.nextGate(p, g, ring-1)
		}
		p.gates = append(p.gates, g)
		var todo []*fleetEntry
		for _, e := range in.entries {
			if e.ring == ring && e.done.IsZero() {
				todo = append(todo, e)
			}
		}
		// Open tickets keep their slot when it still holds: unchanged
		// windows first, so that a changed one cannot take their place.
		for _, unchanged := range []bool{true, false} {
			for _, e := range todo {
				if e.pin == nil || e.unchanged() != unchanged {
					continue
				}
				if a := in.tryPin(e, g, p.load, p.upgrades); a != nil {
					p.take(a)
				}
			}
		}
		todo = slices.DeleteFunc(todo, func(e *fleetEntry) bool { return p.assigned[e.cu.ID] != nil })
		for len(todo) > 0 {
			var best *assignment
			for _, e := range todo {
				found, why := in.search(e, g, p.load, p.upgrades, 1)
				if len(found) == 0 {
					p.unplaced[e.cu.ID] = why
					continue
				}
				a := found[0]
				if best == nil || a.windows[0].start.Before(best.windows[0].start) ||
					(a.windows[0].start.Equal(best.windows[0].start) && a.e.cu.ID < best.e.cu.ID) {
					best = a
				}
			}
			if best == nil {
				break
			}
			p.take(best)
			todo = slices.DeleteFunc(todo, func(e *fleetEntry) bool { return e == best.e || p.unplaced[e.cu.ID] != nil })
		}
	}
	return p
}

func (p *fleetPlan) take(a *assignment) {
	p.assigned[a.e.cu.ID] = a
	p.load[a.engineer.Email] = append(p.load[a.engineer.Email], a.windows...)
	p.upgrades[a.engineer.Email]++
}

// release gives an entry's slot back, for propose to look for its own.
func (p *fleetPlan) release(id string) {
	a := p.assigned[id]
	if a == nil {
		return
	}
	delete(p.assigned, id)
	p.upgrades[a.engineer.Email]--
	// One occurrence each: another entry may cover an identical window.
	for _, w := range a.windows {
		if i := slices.Index(p.load[a.engineer.Email], w); i >= 0 {
			p.load[a.engineer.Email] = slices.Delete(p.load[a.engineer.Email], i, i+1)
		}
	}
}

// nextGate is when the ring after ring may start: once every entry of ring has
// completed (really, or by its planned last window) plus ring's soak days, and
// not before the gate of ring itself.
func (in *fleetInput) nextGate(p *fleetPlan, prev gate, ring int) gate {
	g := gate{at: prev.at, why: prev.why, waiting: prev.waiting, blocked: slices.Clone(prev.blocked)}
	var last time.Time
	var names []string
	planned := false
	for _, e := range in.entries {
		if e.ring != ring {
			continue
		}
		names = append(names, e.cu.ID)
		switch a := p.assigned[e.cu.ID]; {
		case !e.done.IsZero():
			last = latest(last, e.done)
		case a != nil:
			last = latest(last, a.windows[len(a.windows)-1].end)
			planned = true
		default:
			g.blocked = append(g.blocked, e.cu.ID)
		}
	}
	if len(names) == 0 || last.IsZero() {
		return g
	}
	soak := 0
	if ring < len(in.rings) {
		soak = in.rings[ring].SoakDays
	}
	at := last.AddDate(0, 0, soak)
	if at.After(g.at) {
		verb := "completes"
		if !planned {
			verb = "completed"
		}
		g.at = at
		g.why = fmt.Sprintf("ring %d (%s) %s on %s, plus %d days' soak", ring, strings.Join(names, ", "), verb, last.UTC().Format("2006-01-02 15:04 UTC"), soak)
	}
	g.waiting = g.waiting || planned
	return g
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
