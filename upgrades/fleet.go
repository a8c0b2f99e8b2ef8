package upgrades

import (
	"cmp"
	"container/heap"
	"context"
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
// A fleet of hundreds of customers plans in milliseconds: what a day is for a
// window whatever the load (its windows, blackouts, which engineers' hours
// cover it) is worked out once per window and day and shared by the entries
// with that window; each engineer's load is kept by start, so that only the
// windows around a day are read; and the greedy pass resumes each entry's
// search where it stopped, looking again only for the entry first in line
// (see greedy), with the plan of searching everything again after every slot.
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

	// quick: the plan is a what-if, of which only the slots count; the
	// entries without one are not explained.
	quick bool

	// facts caches what a day is for a window whatever the load: built on
	// first use, shared by the entries with the same window, and again by
	// each schedule.
	facts *dayCache
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

// load is the windows each engineer already covers, by email.
type load map[string]*engineerLoad

// engineerLoad is one engineer's windows, by start, so that the windows
// around one are found without reading all of them.
type engineerLoad struct {
	list []interval
	// longest is the longest window ever added: a window that overlaps w
	// starts after w.start-longest.
	longest time.Duration
}

func compareStarts(a, b interval) int { return a.start.Compare(b.start) }

// add adds windows to an engineer's load.
func (ld load) add(email string, windows ...interval) {
	el := ld[email]
	if el == nil {
		el = &engineerLoad{}
		ld[email] = el
	}
	for _, w := range windows {
		i, _ := slices.BinarySearchFunc(el.list, w, compareStarts)
		for i < len(el.list) && !el.list[i].start.After(w.start) {
			i++ // after equal starts: the order windows were added in
		}
		el.list = slices.Insert(el.list, i, w)
		el.longest = max(el.longest, w.end.Sub(w.start))
	}
}

// remove takes one occurrence of w from an engineer's load: another entry
// may cover an identical window.
func (ld load) remove(email string, w interval) {
	el := ld[email]
	if el == nil {
		return
	}
	i, _ := slices.BinarySearchFunc(el.list, w, compareStarts)
	for ; i < len(el.list) && el.list[i].start.Equal(w.start); i++ {
		if el.list[i].end.Equal(w.end) {
			el.list = slices.Delete(el.list, i, i+1)
			return
		}
	}
}

// overlapping are the windows of an engineer's load that overlap w.
func (ld load) overlapping(email string, w interval) []interval {
	el := ld[email]
	if el == nil {
		return nil
	}
	lo, _ := slices.BinarySearchFunc(el.list, interval{start: w.start.Add(-el.longest)}, compareStarts)
	var out []interval
	for _, l := range el.list[lo:] {
		if !l.start.Before(w.end) {
			break
		}
		if l.end.After(w.start) {
			out = append(out, l)
		}
	}
	return out
}

// concurrent is the most windows of the engineer's load running at once
// within w.
func (ld load) concurrent(email string, w interval) int {
	return concurrent(ld.overlapping(email, w), w)
}

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

// localSpan is a window in the entry's zone, e.g. "08:00–10:00 Europe/Berlin".
func localSpan(w interval, loc *time.Location) string {
	return fmt.Sprintf("%s–%s %s", w.start.In(loc).Format("15:04"), w.end.In(loc).Format("15:04"), loc)
}

// dayCache holds what the scheduler asks again and again and that no load
// changes: each time zone loaded once (loading one reads a file), and, per
// window and day, the windows, whether a blackout touches them and which
// engineers' hours cover them. Entries with the same window share it.
type dayCache struct {
	// zones are the engineers' time zones, by index into the roster; nil
	// for an engineer whose zone does not load (they cover nothing).
	zones  []*time.Location
	starts map[string]*windowStart
	keys   map[*fleetEntry]string
	days   map[dayKey]*dayFacts
}

// windowStart is a preferred window's start, parsed once.
type windowStart struct {
	err          error
	loc          *time.Location
	hour, minute int
}

type dayKey struct {
	window string
	day    int64 // the day's Unix time
}

// dayFacts are what a day is for a window, whatever the load.
type dayFacts struct {
	windows []interval
	// err is why the window has no start on the day (a bad start or zone).
	err error
	// blackout is the one its windows touch, if any.
	blackout *releases.Blackout
	covering []*releases.Engineer
	span     string
	// full is the reason when every covering engineer is at capacity.
	full string
}

func (in *fleetInput) cache() *dayCache {
	if in.facts != nil {
		return in.facts
	}
	c := &dayCache{starts: map[string]*windowStart{}, keys: map[*fleetEntry]string{}, days: map[dayKey]*dayFacts{}}
	for i := range in.engineers {
		loc, err := in.engineers[i].Location()
		if err != nil {
			loc = nil
		}
		c.zones = append(c.zones, loc)
	}
	in.facts = c
	return c
}

// zoneOf is the time zone of an engineer of the roster, loaded once; nil
// when it does not load.
func (in *fleetInput) zoneOf(en *releases.Engineer) *time.Location {
	c := in.cache()
	for i := range in.engineers {
		if &in.engineers[i] == en {
			return c.zones[i]
		}
	}
	loc, err := en.Location()
	if err != nil {
		return nil
	}
	return loc
}

// startOn is the window's start on a day, in its time zone: what
// MaintenanceWindow.StartOn says, without loading the zone every time.
func (c *dayCache) startOn(w releases.MaintenanceWindow, day releases.Date) (time.Time, error) {
	key := w.Start + "\x00" + w.TimeZone
	ws := c.starts[key]
	if ws == nil {
		ws = &windowStart{}
		if t, err := w.StartOn(day); err != nil {
			ws.err = err
		} else {
			ws.loc, ws.hour, ws.minute = t.Location(), t.Hour(), t.Minute()
		}
		c.starts[key] = ws
	}
	if ws.err != nil {
		return time.Time{}, ws.err
	}
	t := day.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), ws.hour, ws.minute, 0, 0, ws.loc), nil
}

// covers is Engineer.Covers with the engineer's zone loaded already: one of
// their shifts, which may have begun the day before (a night shift), holds
// the whole of [start, end).
func covers(en *releases.Engineer, loc *time.Location, start, end time.Time) bool {
	if loc == nil {
		return false
	}
	day := releases.DateOf(start.In(loc))
	for _, d := range []releases.Date{day.AddDays(-1), day} {
		s, t, ok := en.Shift(d, loc)
		if ok && !start.Before(s) && !t.Before(end) {
			return true
		}
	}
	return false
}

// windowKey names what the facts of a day depend on for the entry.
func (c *dayCache) windowKey(e *fleetEntry) string {
	key, ok := c.keys[e]
	if !ok {
		var b strings.Builder
		fmt.Fprintf(&b, "%s|%s|%s", e.cu.Window.Start, e.cu.Window.TimeZone, e.loc)
		for _, m := range e.maxes {
			fmt.Fprintf(&b, "|%d", m)
		}
		key = b.String()
		c.keys[e] = key
	}
	return key
}

// factsOn are the facts of a day for the entry's window.
func (in *fleetInput) factsOn(e *fleetEntry, day releases.Date) *dayFacts {
	c := in.cache()
	key := dayKey{c.windowKey(e), day.Time().Unix()}
	if f := c.days[key]; f != nil {
		return f
	}
	f := &dayFacts{}
	c.days[key] = f
	start, err := c.startOn(e.cu.Window, day)
	if err != nil {
		f.err = err
		return f
	}
	for i, m := range e.maxes {
		s, end := templates.WindowAt(start, i, m)
		f.windows = append(f.windows, interval{s, end})
	}
	f.span = localSpan(f.windows[0], e.loc)
blackouts:
	for _, w := range f.windows {
		for _, d := range []releases.Date{releases.DateOf(w.start.In(e.loc)), releases.DateOf(w.end.Add(-time.Nanosecond).In(e.loc))} {
			for i := range in.blackouts {
				if in.blackouts[i].Contains(d) {
					f.blackout = &in.blackouts[i]
					break blackouts
				}
			}
		}
	}
	var names []string
	for i := range in.engineers {
		en := &in.engineers[i]
		ok := true
		for _, w := range f.windows {
			ok = ok && covers(en, c.zones[i], w.start, w.end)
		}
		if ok {
			f.covering = append(f.covering, en)
			names = append(names, en.Name)
		}
	}
	one := len(names) == 1
	f.full = fmt.Sprintf("%s, who cover%s %s, %s at capacity", strings.Join(names, " and "), map[bool]string{true: "s", false: ""}[one], f.span,
		map[bool]string{true: "is", false: "are"}[one])
	return f
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
	f := in.factsOn(e, day)
	if f.err != nil {
		return nil, f.err.Error(), fmt.Sprintf("fix %s's window in %s", e.cu.ID, releases.CustomersFile), ""
	}
	windows := f.windows
	if !g.at.IsZero() && windows[0].start.Before(g.at) {
		return nil, fmt.Sprintf("before %s: %s", releases.DateOf(g.at.In(e.loc)), g.why), "", ""
	}
	if b := f.blackout; b != nil {
		return nil, "blackout " + b.Reason, "", fmt.Sprintf("%s to %s", b.From, b.To)
	}
	if len(f.covering) == 0 {
		return nil, "no standby engineer covers " + f.span,
			fmt.Sprintf("give an engineer of standby in %s hours or days that cover it, or change %s's window in %s", releases.ConfigFile, e.cu.ID, releases.CustomersFile), ""
	}
	var free []*releases.Engineer
	for _, en := range f.covering {
		ok := true
		for _, w := range windows {
			ok = ok && ld.concurrent(en.Email, w)+1 <= en.Capacity
		}
		if ok {
			free = append(free, en)
		}
	}
	if len(free) == 0 {
		return nil, f.full, fmt.Sprintf("raise a capacity or add an engineer to standby in %s", releases.ConfigFile), ""
	}
	slices.SortFunc(free, func(a, b *releases.Engineer) int {
		return cmp.Or(cmp.Compare(used[a.Email], used[b.Email]), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Email, b.Email))
	})
	if i := slices.IndexFunc(free, func(en *releases.Engineer) bool { return prefer != "" && strings.EqualFold(en.Email, prefer) }); i > 0 {
		free[0], free[i] = free[i], free[0]
	}
	return &assignment{e: e, windows: slices.Clone(windows), engineer: free[0], waiting: g.waiting}, "", "", ""
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

// firstFrom is the entry's first slot from week k of the search on (0 is
// the first), and its week; nil when there is none.
func (in *fleetInput) firstFrom(e *fleetEntry, k int, g gate, ld load, used map[string]int) (*assignment, int) {
	day := e.firstDay(in.from).AddDays(7 * k)
	for ; k < in.weeks; k++ {
		if a, _, _, _ := in.try(e, day, g, ld, used); a != nil {
			return a, k
		}
		day = day.AddDays(7)
	}
	return nil, k
}

// candidate is a queue of entries still without a slot in the greedy pass
// that are alike — same ring, window and bounds — so that each one's
// earliest slot is always the others': the first by id takes it before the
// next looks. With it, the earliest slot of the first as last found: the
// load only grows during the pass, so a day that did not do then does not
// do now, and the slot found then is a lower bound of the one it can take
// now.
type candidate struct {
	queue []*fleetEntry
	week  int
	start time.Time
}

// candidates are ordered as the greedy pass takes them: earliest slot
// first, then by id.
type candidates []candidate

func (c candidates) Len() int { return len(c) }
func (c candidates) Less(i, j int) bool {
	return cmp.Or(c[i].start.Compare(c[j].start), cmp.Compare(c[i].queue[0].cu.ID, c[j].queue[0].cu.ID)) < 0
}
func (c candidates) Swap(i, j int) { c[i], c[j] = c[j], c[i] }
func (c *candidates) Push(x any)   { *c = append(*c, x.(candidate)) }
func (c *candidates) Pop() any {
	old := *c
	x := old[len(old)-1]
	*c = old[:len(old)-1]
	return x
}

// alike names what an entry's slots depend on in the greedy pass: entries
// with the same name have the same slots.
func (in *fleetInput) alike(e *fleetEntry) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d\x00%s\x00%s", e.ring, e.cu.Window.Weekday(), in.cache().windowKey(e))
	for _, bd := range e.bounds {
		fmt.Fprintf(&b, "\x00%s\x00%s", bd.day, bd.why)
	}
	return b.String()
}

// schedule gives every entry a slot, ring by ring. It ends early, with the
// context's error, when the context is done.
func (in *fleetInput) schedule(ctx context.Context) (*fleetPlan, error) {
	return in.scheduleWith(ctx, in.greedy)
}

// placer places a ring's entries still without a slot, after the open
// tickets kept theirs.
type placer func(ctx context.Context, p *fleetPlan, g gate, todo []*fleetEntry) error

// scheduleWith runs the ring-by-ring schedule with place choosing each ring's
// slots: the greedy pass, or a test's reference to check it against.
func (in *fleetInput) scheduleWith(ctx context.Context, place placer) (*fleetPlan, error) {
	p := &fleetPlan{assigned: map[string]*assignment{}, unplaced: map[string][]skip{}, load: load{}, upgrades: map[string]int{}}
	// The facts are of the input as it is now: a test may have changed it.
	in.facts = nil
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
		if err := place(ctx, p, g, todo); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// greedy places a ring's entries: of those still without a slot, the one
// whose earliest slot comes first (ties: by id) takes it, and the rest try
// again against the new load. Each search goes on from where the last one
// stopped, only the entry first in line looks again, and of entries alike
// only the first by id: so a ring costs about weeks × kinds of entries
// tries, not entries² × weeks.
func (in *fleetInput) greedy(ctx context.Context, p *fleetPlan, g gate, todo []*fleetEntry) error {
	unplaced := func(e *fleetEntry) {
		if in.quick {
			p.unplaced[e.cu.ID] = []skip{}
			return
		}
		_, why := in.search(e, g, p.load, p.upgrades, 1)
		p.unplaced[e.cu.ID] = why
	}
	var h candidates
	queues := map[string]int{}
	for _, e := range todo { // by id
		key := in.alike(e)
		if i, ok := queues[key]; ok {
			h[i].queue = append(h[i].queue, e)
			continue
		}
		queues[key] = len(h)
		h = append(h, candidate{queue: []*fleetEntry{e}})
	}
	for i := 0; i < len(h); {
		a, k := in.firstFrom(h[i].queue[0], 0, g, p.load, p.upgrades)
		if a == nil {
			for _, e := range h[i].queue {
				unplaced(e)
			}
			h = slices.Delete(h, i, i+1)
			continue
		}
		h[i].week, h[i].start = k, a.windows[0].start
		i++
	}
	heap.Init(&h)
	for n := 0; len(h) > 0; n++ {
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		c := &h[0]
		a, k := in.firstFrom(c.queue[0], c.week, g, p.load, p.upgrades)
		switch {
		case a == nil:
			for _, e := range c.queue {
				unplaced(e)
			}
			heap.Pop(&h)
		case k == c.week:
			// Still the earliest of all: every other is no earlier than
			// it was found, and that was no earlier than this.
			p.take(a)
			if c.queue = c.queue[1:]; len(c.queue) == 0 {
				heap.Pop(&h)
			} else {
				heap.Fix(&h, 0)
			}
		default:
			c.week, c.start = k, a.windows[0].start
			heap.Fix(&h, 0)
		}
	}
	return nil
}

func (p *fleetPlan) take(a *assignment) {
	p.assigned[a.e.cu.ID] = a
	p.load.add(a.engineer.Email, a.windows...)
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
	for _, w := range a.windows {
		p.load.remove(a.engineer.Email, w)
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
