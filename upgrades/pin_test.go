package upgrades

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/releases"
)

// TestOpenTicketsKeepTheirSlots: over random fleets whose every slot has an
// open ticket, a change of one customer's preferred start moves that
// customer alone; another entry moves only when its own slot no longer holds
// (its ring's gate moved past it, or the
// changed customer lost its slot and holds its ring up). Every constraint still holds after.
func TestOpenTicketsKeepTheirSlots(t *testing.T) {
	kept := 0
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 29))
		in := randomFleet(t, r)
		before := mustSchedule(t, in)
		for _, e := range in.entries {
			if a := before.assigned[e.cu.ID]; a != nil {
				start := a.windows[0].start.In(e.loc)
				e.pin = &pin{day: releases.DateOf(start), start: start.Format("15:04"), engineer: a.engineer.Email, bounds: e.bounds}
			}
		}
		changed := in.entries[r.IntN(len(in.entries))]
		cu := *changed.cu
		var h, m int
		if _, err := fmt.Sscanf(cu.Window.Start, "%d:%d", &h, &m); err != nil {
			t.Fatal(err)
		}
		cu.Window.Start = fmt.Sprintf("%02d:%02d", (h+1+r.IntN(3))%24, m)
		changed.cu = &cu
		after := mustSchedule(t, in)
		for _, e := range in.entries {
			a, b := before.assigned[e.cu.ID], after.assigned[e.cu.ID]
			if e == changed || a == nil {
				continue
			}
			if b != nil && b.pinned && b.windows[0].start.Equal(a.windows[0].start) && b.engineer.Email == a.engineer.Email {
				kept++
				continue
			}
			if g := after.gates[e.ring]; e.ring > changed.ring && (g.at.After(a.windows[0].start) || len(g.blocked) > 0) {
				continue // the change moved its ring's gate past its slot, or left it without one
			}
			t.Fatalf("seed %d: %s changed its start to %s, and %s (ring %d) moved from %s %s to %s", seed, changed.cu.ID, cu.Window.Start,
				e.cu.ID, e.ring, a.windows[0].start, a.engineer.Name, describe(b))
		}
		for _, b := range after.assigned {
			checkAssignment(t, seed, in, b)
		}
		checkCapacity(t, seed, in, after)
		checkRings(t, seed, in, after)
	}
	if kept < 300 {
		t.Fatalf("only %d slots kept over all seeds: the generator tests too little", kept)
	}
}

func describe(a *assignment) string {
	if a == nil {
		return "no slot"
	}
	return a.windows[0].start.String() + " " + a.engineer.Name
}

// TestPinsHoldOnlyWhatStillHolds: a ticket's day that is no longer the
// customer's day, before --from-date, or inside a bound, is not kept; the
// ticket's engineer is kept over a less loaded one.
func TestPinsHoldOnlyWhatStillHolds(t *testing.T) {
	base := func() *fleetInput {
		in := &fleetInput{from: releases.NewDate(2026, 12, 1), weeks: 10, rings: []releases.RingPolicy{{Name: "all"}}}
		for _, n := range []string{"a", "b"} {
			in.engineers = append(in.engineers, releases.Engineer{Name: n, Email: n + "@x.example", TimeZone: "UTC", Days: testDays, Capacity: 5,
				Hours: releases.Hours{From: "00:00", To: "24:00"}})
		}
		c := &releases.Customer{ID: "c", Window: releases.MaintenanceWindow{Day: "saturday", Start: "08:00", TimeZone: "UTC"}}
		in.entries = []*fleetEntry{{cu: c, loc: mustLoc(t, "UTC"), maxes: []int{60}}}
		return in
	}
	for name, c := range map[string]struct {
		pin    pin
		bounds []bound
		want   string
	}{
		"kept, with its engineer":   {pin: pin{day: releases.NewDate(2026, 12, 19), start: "08:00", engineer: "b@x.example"}, want: "2026-12-19 b kept"},
		"a new start, the same day": {pin: pin{day: releases.NewDate(2026, 12, 19), start: "07:00", engineer: "b@x.example"}, want: "2026-12-19 b kept"},
		"not the customer's day":    {pin: pin{day: releases.NewDate(2026, 12, 20), start: "08:00", engineer: "b@x.example"}, want: "2026-12-05 a"},
		"before --from-date":        {pin: pin{day: releases.NewDate(2026, 11, 28), start: "08:00", engineer: "b@x.example"}, want: "2026-12-05 a"},
		"inside its bounds": {pin: pin{day: releases.NewDate(2026, 12, 19), start: "08:00", engineer: "b@x.example",
			bounds: []bound{{releases.NewDate(2026, 12, 24), "board"}}}, want: "2026-12-05 a"},
		"an engineer gone": {pin: pin{day: releases.NewDate(2026, 12, 19), start: "08:00", engineer: "z@x.example"}, want: "2026-12-19 a kept"},
	} {
		t.Run(name, func(t *testing.T) {
			in := base()
			p := c.pin
			in.entries[0].pin = &p
			a := mustSchedule(t, in).assigned["c"]
			got := releases.DateOf(a.windows[0].start).String() + " " + a.engineer.Name
			if a.pinned {
				got += " kept"
			}
			if got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

// TestParseChangeSubject reads back the slot of the subjects Schedule writes,
// and nothing from others.
func TestParseChangeSubject(t *testing.T) {
	for subject, want := range map[string]string{
		"Upgrade Contoso Ltd to Atlas 4.3.0 on 2026-12-05 08:00 (Europe/Berlin)":           "2026-12-05 08:00",
		"Upgrade A (on 2026-01-01 01:00) to X 1.0.0 on 2027-01-09 23:59 (America/Chicago)": "2027-01-09 23:59",
		"Upgrade Contoso Ltd to Atlas 4.3.0 on 2026-12-05 08:00 (Europe/Berlin) - moved":   "",
		"Upgrade Contoso Ltd to Atlas 4.3.0 on 2026-02-30 08:00 (Europe/Berlin)":           "",
		"Upgrade Contoso Ltd to Atlas 4.3.0 on 2026-12-05 24:00 (Europe/Berlin)":           "",
		"Upgrade Contoso Ltd to Atlas 4.3.0 on 2026-12-05 08:60 (Europe/Berlin)":           "",
		"Re: Upgrade Contoso Ltd to Atlas 4.3.0 on 2026-12-05 08:00 (Europe/Berlin)":       "",
		"Deploy Atlas 4.3.0 for Litware Inc. on 2026-12-09 09:00 (America/New_York)":       "2026-12-09 09:00",
		"Deployed Atlas 4.3.0 for Litware Inc. on 2026-12-09 09:00 (America/New_York)":     "",
		"":                                "",
		"Upgrade on  ()":                  "",
		"Upgrade x on 2026-12-05 08:00 (": "",
	} {
		day, start, ok := parseChangeSubject(subject)
		got := ""
		if ok {
			got = day.String() + " " + start
		}
		if got != want {
			t.Errorf("%q: %q, want %q", subject, got, want)
		}
	}
}

// FuzzParseChangeSubject: any subject parses without panicking, and what
// parses is a real day and time that a subject written back says again.
func FuzzParseChangeSubject(f *testing.F) {
	for _, s := range []string{"Upgrade Contoso Ltd to Atlas 4.3.0 on 2026-12-05 08:00 (Europe/Berlin)", "Upgrade on 0000-00-00 99:99 ()", "", "Upgrade \x00 on 2026-12-05 08:00 (\n)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, subject string) {
		day, start, ok := parseChangeSubject(subject)
		if !ok {
			return
		}
		if !strings.HasPrefix(subject, "Upgrade ") || len(start) != 5 || start > "23:59" || start[3:] > "59" {
			t.Fatalf("%q gave %s %s", subject, day, start)
		}
		if d2, s2, ok := parseChangeSubject("Upgrade x to y z on " + day.String() + " " + start + " (UTC)"); !ok || d2 != day || s2 != start {
			t.Fatalf("%s %s does not round-trip", day, start)
		}
	})
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
