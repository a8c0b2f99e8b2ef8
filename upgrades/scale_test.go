package upgrades

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/releases"
)

// referenceSchedule is the schedule with the greedy pass as first written:
// after every slot taken, every entry still without one searches all its weeks
// again, and the earliest (ties: by id) takes its slot. schedule must give the
// same plan.
func referenceSchedule(in *fleetInput) *fleetPlan {
	p, err := in.scheduleWith(context.Background(), func(_ context.Context, p *fleetPlan, g gate, todo []*fleetEntry) error {
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
		return nil
	})
	if err != nil {
		panic(err)
	}
	return p
}

// crowd adds n entries to a random fleet whose windows are drawn from a few,
// so that many are alike and engineers run out of capacity.
func crowd(t *testing.T, r *rand.Rand, in *fleetInput, n int) {
	t.Helper()
	type window struct{ day, start, zone string }
	var windows []window
	for range 1 + r.IntN(4) {
		windows = append(windows, window{testDays[r.IntN(7)], fmt.Sprintf("%02d:00", r.IntN(24)), testZones[r.IntN(len(testZones))]})
	}
	maxes := [][]int{{120}, {120, 90}, {240}}
	for i := range n {
		w := windows[r.IntN(len(windows))]
		loc, err := time.LoadLocation(w.zone)
		if err != nil {
			t.Fatal(err)
		}
		c := &releases.Customer{ID: fmt.Sprintf("k%03d", i), Window: releases.MaintenanceWindow{Day: w.day, Start: w.start, TimeZone: w.zone}}
		e := &fleetEntry{cu: c, ring: r.IntN(3), loc: loc, maxes: maxes[r.IntN(len(maxes))]}
		if r.IntN(4) == 0 {
			e.bounds = append(e.bounds, bound{in.from.AddDays(7 * r.IntN(4)), "change board"})
		}
		in.entries = append(in.entries, e)
	}
}

// TestScheduleMatchesReference: the greedy pass that resumes each search and
// looks again only for the entry first in line gives the plan of the one
// that searched everything again after every slot, over random fleets,
// sparse and crowded.
func TestScheduleMatchesReference(t *testing.T) {
	crowded := 0
	for seed := range uint64(150) {
		r := rand.New(rand.NewPCG(seed, 41))
		in := randomFleet(t, r)
		if seed%2 == 1 {
			crowd(t, r, in, 20+r.IntN(60))
		}
		got := describePlan(mustSchedule(t, in))
		ref := referenceSchedule(in)
		if want := describePlan(ref); got != want {
			t.Fatalf("seed %d: schedule differs from the reference:\n%s\nvs\n%s", seed, got, want)
		}
		if len(ref.unplaced) > 0 && seed%2 == 1 {
			crowded++
		}
	}
	if crowded < 10 {
		t.Fatalf("only %d crowded fleets left entries without a slot: the generator tests too little", crowded)
	}
}

// TestScheduleEndsWhenCancelled: a cancelled context ends the plan, with
// the context's error.
func TestScheduleEndsWhenCancelled(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 41))
	in := randomFleet(t, r)
	crowd(t, r, in, 50)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := in.schedule(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("schedule with a cancelled context: %v", err)
	}
}
