package upgrades

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/releases"
)

var (
	testZones = []string{"Europe/Berlin", "Europe/London", "America/Chicago", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo", "UTC"}
	testDays  = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)

// randomFleet is a fleet with random windows, rings, engineers (some with
// night shifts), capacities, bounds and blackouts.
func randomFleet(t *testing.T, r *rand.Rand) *fleetInput {
	t.Helper()
	from := releases.NewDate(2026, time.Month(1+r.IntN(12)), 1+r.IntN(28))
	in := &fleetInput{from: from, weeks: 30, rings: []releases.RingPolicy{{Name: "r0", SoakDays: r.IntN(10)}, {Name: "r1", SoakDays: r.IntN(10)}, {Name: "r2"}}}
	for i := range 1 + r.IntN(4) {
		days := []string{}
		for _, d := range testDays {
			if r.IntN(3) > 0 {
				days = append(days, d)
			}
		}
		if len(days) == 0 {
			days = []string{"saturday"}
		}
		fromH, toH := r.IntN(24), r.IntN(25)
		if fromH == toH {
			toH = (toH + 8) % 24
		}
		in.engineers = append(in.engineers, releases.Engineer{Name: fmt.Sprintf("eng%d", i), Email: fmt.Sprintf("eng%d@x.example", i),
			TimeZone: testZones[r.IntN(len(testZones))], Days: days, Capacity: 1 + r.IntN(3),
			Hours: releases.Hours{From: fmt.Sprintf("%02d:00", fromH), To: fmt.Sprintf("%02d:%02d", toH, 0)}})
	}
	if r.IntN(2) == 0 {
		b := from.AddDays(r.IntN(60))
		in.blackouts = append(in.blackouts, releases.Blackout{From: b, To: b.AddDays(r.IntN(14)), Reason: "freeze"})
	}
	for i := range 2 + r.IntN(12) {
		zone := testZones[r.IntN(len(testZones))]
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		c := &releases.Customer{ID: fmt.Sprintf("c%02d", i), Name: fmt.Sprintf("Customer %d", i),
			Window: releases.MaintenanceWindow{Day: testDays[r.IntN(7)], Start: fmt.Sprintf("%02d:%02d", r.IntN(24), 15*r.IntN(4)), TimeZone: zone}}
		e := &fleetEntry{cu: c, ring: r.IntN(3), loc: loc}
		for range 1 + r.IntN(2) {
			e.maxes = append(e.maxes, 30+r.IntN(300))
		}
		if r.IntN(3) == 0 {
			e.bounds = append(e.bounds, bound{from.AddDays(r.IntN(40)), "change board"})
		}
		if r.IntN(8) == 0 {
			e.done = from.Time().AddDate(0, 0, -r.IntN(5))
		}
		in.entries = append(in.entries, e)
	}
	return in
}

// TestScheduleProperties checks, over random fleets, every constraint of the
// rollout: each entry has a slot or reasons, in its preferred window, covered
// by its engineer's hours, no engineer over capacity, outside blackouts, not
// before its bounds, ring order and soak held; and the same input (in any
// order) gives the same plan.
func TestScheduleProperties(t *testing.T) {
	placed := 0
	for seed := range uint64(120) {
		r := rand.New(rand.NewPCG(seed, 13))
		in := randomFleet(t, r)
		p := mustSchedule(t, in)
		for _, e := range in.entries {
			a, ok := p.assigned[e.cu.ID]
			why, unplaced := p.unplaced[e.cu.ID]
			switch {
			case !e.done.IsZero():
				if ok || unplaced {
					t.Fatalf("seed %d: %s is done but was planned", seed, e.cu.ID)
				}
				continue
			case ok == unplaced:
				t.Fatalf("seed %d: %s placed %v, unplaced %v", seed, e.cu.ID, ok, unplaced)
			case unplaced:
				if len(why) == 0 {
					t.Fatalf("seed %d: %s has no slot and no reason", seed, e.cu.ID)
				}
				continue
			}
			placed++
			checkAssignment(t, seed, in, a)
		}
		checkCapacity(t, seed, in, p)
		checkRings(t, seed, in, p)
		// Deterministic, whatever the order of the input.
		shuffled := *in
		shuffled.entries = slices.Clone(in.entries)
		r.Shuffle(len(shuffled.entries), func(i, j int) { shuffled.entries[i], shuffled.entries[j] = shuffled.entries[j], shuffled.entries[i] })
		if got, want := describePlan(mustSchedule(t, &shuffled)), describePlan(p); got != want {
			t.Fatalf("seed %d: not deterministic:\n%s\nvs\n%s", seed, got, want)
		}
	}
	if placed < 120 {
		t.Fatalf("only %d entries placed over all seeds: the generator is too harsh to test much", placed)
	}
}

// mustSchedule is the fleet's plan.
func mustSchedule(t *testing.T, in *fleetInput) *fleetPlan {
	t.Helper()
	p, err := in.schedule(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func checkAssignment(t *testing.T, seed uint64, in *fleetInput, a *assignment) {
	t.Helper()
	e := a.e
	first := a.windows[0].start.In(e.loc)
	if first.Weekday() != e.cu.Window.Weekday() {
		t.Fatalf("seed %d: %s on a %s, prefers %s", seed, e.cu.ID, first.Weekday(), e.cu.Window.Day)
	}
	want, err := e.cu.Window.StartOn(releases.DateOf(first))
	if err != nil || !want.Equal(a.windows[0].start) {
		t.Fatalf("seed %d: %s starts %s, its window %s", seed, e.cu.ID, first, want)
	}
	if releases.DateOf(first).Before(in.from) {
		t.Fatalf("seed %d: %s before --from-date", seed, e.cu.ID)
	}
	for _, b := range e.bounds {
		if releases.DateOf(first).Before(b.day) {
			t.Fatalf("seed %d: %s on %s, before its bound %s", seed, e.cu.ID, first, b.day)
		}
	}
	for i, w := range a.windows {
		if got := w.end.Sub(w.start); got != time.Duration(e.maxes[i])*time.Minute {
			t.Fatalf("seed %d: %s window %d lasts %s, its maximum is %d min", seed, e.cu.ID, i, got, e.maxes[i])
		}
		if !a.engineer.Covers(w.start, w.end) {
			t.Fatalf("seed %d: %s window %s–%s outside %s's hours", seed, e.cu.ID, w.start, w.end, a.engineer.Name)
		}
		last := releases.DateOf(w.end.Add(-time.Nanosecond).In(e.loc))
		for d := releases.DateOf(w.start.In(e.loc)); !last.Before(d); d = d.AddDays(1) {
			for _, b := range in.blackouts {
				if b.Contains(d) {
					t.Fatalf("seed %d: %s window touches the blackout on %s", seed, e.cu.ID, d)
				}
			}
		}
	}
}

func checkCapacity(t *testing.T, seed uint64, in *fleetInput, p *fleetPlan) {
	t.Helper()
	for _, en := range in.engineers {
		var windows []interval
		for _, a := range p.assigned {
			if a.engineer.Email == en.Email {
				windows = append(windows, a.windows...)
			}
		}
		for _, w := range windows {
			n := 0
			for _, o := range windows {
				if !w.start.Before(o.start) && w.start.Before(o.end) {
					n++
				}
			}
			if n > en.Capacity {
				t.Fatalf("seed %d: %s covers %d windows at %s, capacity %d", seed, en.Name, n, w.start, en.Capacity)
			}
		}
	}
}

func checkRings(t *testing.T, seed uint64, in *fleetInput, p *fleetPlan) {
	t.Helper()
	for _, b := range p.assigned {
		for _, e := range in.entries {
			if e.ring >= b.e.ring {
				continue
			}
			end := e.done
			if a := p.assigned[e.cu.ID]; a != nil {
				end = a.windows[len(a.windows)-1].end
			}
			if end.IsZero() {
				t.Fatalf("seed %d: %s (ring %d) planned although %s (ring %d) has no slot", seed, b.e.cu.ID, b.e.ring, e.cu.ID, e.ring)
			}
			soak := 0
			if e.ring == b.e.ring-1 {
				soak = in.rings[e.ring].SoakDays
			}
			if b.windows[0].start.Before(end.AddDate(0, 0, soak)) {
				t.Fatalf("seed %d: %s (ring %d) starts %s, before %s (ring %d) ends %s plus the soak", seed, b.e.cu.ID, b.e.ring, b.windows[0].start, e.cu.ID, e.ring, end)
			}
		}
	}
}

func describePlan(p *fleetPlan) string {
	var lines []string
	for id, a := range p.assigned {
		lines = append(lines, fmt.Sprintf("%s %s %s", id, a.windows[0].start.UTC().Format(time.RFC3339), a.engineer.Email))
	}
	for id, why := range p.unplaced {
		lines = append(lines, fmt.Sprintf("%s none %v", id, why))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// TestWindowAcrossDST: a 2-hour window at 01:30 in Berlin on the night the
// clocks go forward ends at 04:30 local time, so an engineer on until 04:00
// cannot cover it that night, but can the week before and after.
func TestWindowAcrossDST(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Berlin")
	c := &releases.Customer{ID: "contoso", Window: releases.MaintenanceWindow{Day: "sunday", Start: "01:30", TimeZone: "Europe/Berlin"}}
	en := releases.Engineer{Name: "Jonas", Email: "j@x.example", TimeZone: "Europe/Berlin", Days: []string{"sunday"}, Capacity: 1,
		Hours: releases.Hours{From: "01:00", To: "04:00"}}
	in := &fleetInput{from: releases.NewDate(2026, 3, 22), weeks: 5, engineers: []releases.Engineer{en}, rings: defaultTestRings}
	e := &fleetEntry{cu: c, loc: loc, maxes: []int{120}}
	found, why := in.search(e, gate{}, load{}, map[string]int{}, 2)
	if len(found) != 2 {
		t.Fatalf("found %d slots", len(found))
	}
	if got := releases.DateOf(found[0].windows[0].start.In(loc)).String() + " " + releases.DateOf(found[1].windows[0].start.In(loc)).String(); got != "2026-03-22 2026-04-05" {
		t.Errorf("slots %s", got)
	}
	if len(why) != 1 || why[0].String() != "1 day: no standby engineer covers 01:30–04:30 Europe/Berlin" {
		t.Errorf("skipped %v", why)
	}
	// Night shifts cross midnight: 22:00 to 06:00 covers 23:00 to 02:00.
	night := releases.Engineer{Name: "Night", Email: "n@x.example", TimeZone: "Europe/London", Days: []string{"friday"}, Capacity: 1,
		Hours: releases.Hours{From: "22:00", To: "06:00"}}
	london, _ := time.LoadLocation("Europe/London")
	start := time.Date(2026, 5, 1, 23, 0, 0, 0, london) // a Friday
	if !night.Covers(start, start.Add(3*time.Hour)) || night.Covers(start.Add(24*time.Hour), start.Add(27*time.Hour)) {
		t.Error("a night shift covers the night after its day, and only that")
	}
}

var defaultTestRings = []releases.RingPolicy{{Name: "vendor"}, {Name: "customers"}}

// TestSkipsOneLinePerReason: twelve weeks without cover read as one line.
func TestSkipsOneLinePerReason(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Berlin")
	c := &releases.Customer{ID: "contoso", Window: releases.MaintenanceWindow{Day: "saturday", Start: "22:00", TimeZone: "Europe/Berlin"}}
	en := releases.Engineer{Name: "Day", Email: "d@x.example", TimeZone: "Europe/Berlin", Days: []string{"saturday"}, Capacity: 1,
		Hours: releases.Hours{From: "08:00", To: "18:00"}}
	in := &fleetInput{from: releases.NewDate(2026, 1, 1), weeks: 12, engineers: []releases.Engineer{en}, rings: defaultTestRings,
		blackouts: []releases.Blackout{{From: releases.NewDate(2026, 1, 10), To: releases.NewDate(2026, 1, 18), Reason: "January freeze"}}}
	e := &fleetEntry{cu: c, loc: loc, maxes: []int{240}}
	found, why := in.search(e, gate{}, load{}, map[string]int{}, 1)
	var lines []string
	for _, w := range why {
		lines = append(lines, w.String())
	}
	want := "10 days: no standby engineer covers 22:00–02:00 Europe/Berlin|2026-01-10 to 2026-01-18: blackout January freeze"
	if len(found) != 0 || strings.Join(lines, "|") != want {
		t.Errorf("found %d, skipped:\n%s", len(found), strings.Join(lines, "\n"))
	}
}
