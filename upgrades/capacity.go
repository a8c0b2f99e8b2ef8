package upgrades

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/atlas-release/atlas-release/releases"
)

// MaxWeeks is the most weeks a rollout looks ahead for slots.
const MaxWeeks = 520

// fullRosters explain the entries left without a slot because every
// engineer who covers them was at capacity, one line pair per set of such
// engineers: how many upgrades those engineers have in the plan, how many
// more need them, and what would give every one of those a slot — the
// engineers' capacity raised, or more weeks — each tried on the fleet, not
// estimated.
func (in *fleetInput) fullRosters(ctx context.Context, p *fleetPlan, unplaced []string) ([]string, error) {
	type roster struct {
		engineers []*releases.Engineer
		ids       []string
		// days is the most days one of the entries found them full.
		days int
	}
	var rosters []*roster
	for _, id := range unplaced {
		i := slices.IndexFunc(in.entries, func(e *fleetEntry) bool { return e.cu.ID == id })
		if i < 0 {
			continue
		}
		e := in.entries[i]
		var full []*releases.Engineer
		days := 0
		for _, s := range p.unplaced[id] {
			f := in.factsOn(e, s.First)
			if f.err != nil || len(f.covering) == 0 || s.Reason != f.full {
				continue
			}
			days += s.Days
			for _, en := range f.covering {
				if !slices.Contains(full, en) {
					full = append(full, en)
				}
			}
		}
		if len(full) == 0 {
			continue
		}
		slices.SortFunc(full, func(a, b *releases.Engineer) int { return strings.Compare(a.Email, b.Email) })
		j := slices.IndexFunc(rosters, func(r *roster) bool { return slices.Equal(r.engineers, full) })
		if j < 0 {
			rosters = append(rosters, &roster{engineers: full})
			j = len(rosters) - 1
		}
		rosters[j].ids = append(rosters[j].ids, id)
		rosters[j].days = max(rosters[j].days, days)
	}
	var out []string
	for _, r := range rosters {
		text, err := in.fullRoster(ctx, p, r.engineers, r.ids, r.days)
		if err != nil {
			return nil, err
		}
		out = append(out, text)
	}
	return out, nil
}

// fullRoster is one of fullRosters' explanations: the engineers full, the
// entries they would need to cover, and on how many days those found them
// full.
func (in *fleetInput) fullRoster(ctx context.Context, p *fleetPlan, full []*releases.Engineer, ids []string, days int) (string, error) {
	upgrades := 0
	var who, names []string
	for _, en := range full {
		upgrades += p.upgrades[en.Email]
		who = append(who, fmt.Sprintf("%s (%d at once)", en.Name, en.Capacity))
		names = append(names, en.Name)
	}
	one := len(full) == 1
	var b strings.Builder
	fmt.Fprintf(&b, "the standby roster is full: %s cover%s %d upgrade%s in the %d weeks from %s; %d more, whose windows only %s cover%s, %s no slot: %s",
		strings.Join(who, " and "), map[bool]string{true: "s", false: ""}[one], upgrades, pluralS(upgrades), in.weeks, in.from,
		len(ids), strings.Join(names, " and "), map[bool]string{true: "s", false: ""}[one], map[bool]string{true: "has", false: "have"}[len(ids) == 1], idList(ids))

	// fits reports whether every one of the entries gets a slot with the
	// engineers' capacity raised by more, in weeks weeks.
	fits := func(more, weeks int) (*fleetPlan, bool, error) {
		w := *in
		w.facts, w.weeks, w.quick = nil, weeks, true
		w.engineers = slices.Clone(in.engineers)
		for i := range w.engineers {
			if slices.ContainsFunc(full, func(en *releases.Engineer) bool { return en == &in.engineers[i] }) {
				w.engineers[i].Capacity += more
			}
		}
		q, err := w.schedule(ctx)
		if err != nil {
			return nil, false, err
		}
		for _, id := range ids {
			if q.assigned[id] == nil {
				return q, false, nil
			}
		}
		return q, true, nil
	}
	var fixes []string
	// Capacity: from a guess (the entries spread over the days they found
	// the roster full), doubled until they fit, then halved back while they
	// still do.
	known, enough := 0, 0
	for more := max(1, (len(ids)+days-1)/max(days, 1)); more <= 2*len(ids); more *= 2 {
		_, ok, err := fits(more, in.weeks)
		if err != nil {
			return "", err
		}
		if ok {
			enough = more
			break
		}
		known = more
	}
	for enough > 0 && enough-known > 1 {
		mid := (known + enough) / 2
		_, ok, err := fits(mid, in.weeks)
		if err != nil {
			return "", err
		}
		if ok {
			enough = mid
		} else {
			known = mid
		}
	}
	if enough > 0 {
		if len(full) == 1 {
			fixes = append(fixes, fmt.Sprintf("%s's capacity at %d", full[0].Name, full[0].Capacity+enough))
		} else {
			fixes = append(fixes, fmt.Sprintf("the capacity of each of %s raised by %d", strings.Join(names, " and "), enough))
		}
	}
	// Weeks: the last week one of them takes when the search goes on to
	// MaxWeeks, checked.
	if in.weeks < MaxWeeks {
		q, ok, err := fits(0, MaxWeeks)
		if err != nil {
			return "", err
		}
		if ok {
			weeks := 0
			for _, id := range ids {
				a := q.assigned[id]
				day := releases.DateOf(a.windows[0].start.In(a.e.loc))
				weeks = max(weeks, a.e.firstDay(in.from).DaysUntil(day)/7+1)
			}
			if _, ok, err := fits(0, weeks); err != nil {
				return "", err
			} else if ok {
				fixes = append(fixes, fmt.Sprintf("--weeks %d", weeks))
			}
		}
	}
	switch {
	case len(fixes) > 0:
		fmt.Fprintf(&b, "\n  all %d get a slot with %s (or another engineer on standby who covers their windows)", len(ids), strings.Join(fixes, ", or with "))
	default:
		fmt.Fprintf(&b, "\n  more capacity does not place all %d, nor do %d weeks: add an engineer on standby who covers their windows, or change their windows", len(ids), MaxWeeks)
	}
	return b.String(), nil
}
