package releases

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
)

// Calendar is one year of the release plan: what shipped, what is planned
// (a manifest with a later date), what the cadence makes due next, and what
// does not follow the policy.
type Calendar struct {
	Year     int       `json:"year"`
	Today    string    `json:"today"`
	Cadence  Cadence   `json:"cadence"`
	Quarters []Quarter `json:"quarters"`
	// Problems are the cadence diagnostics of the year's releases and the
	// quarters without or with several releases.
	Problems []string `json:"problems"`
}

// Quarter is three months of the plan.
type Quarter struct {
	Number  int             `json:"number"`
	Start   string          `json:"start"`
	End     string          `json:"end"`
	Entries []CalendarEntry `json:"entries"`
}

// CalendarEntry is a release in the plan.
type CalendarEntry struct {
	Version string `json:"version"`
	Kind    Kind   `json:"kind"`
	// Date is the release date, or the date the cadence expects.
	Date string `json:"date"`
	// Status is released, planned (a manifest dated after today), due (no
	// manifest yet) or overdue (due, and the cadence's tolerance is past).
	Status string `json:"status"`
}

// The statuses of calendar entries.
const (
	Released = "released"
	Planned  = "planned"
	Due      = "due"
	Overdue  = "overdue"
)

// Calendar lays out a year's releases by quarter, as of a day. A quarter
// without a release is a problem once it is over, unless it ended before the
// workspace's first release: the product did not ship yet. Expected
// releases follow the latest one every policy.cadence.monthsBetweenReleases
// months; one of them is a major every 12/majorsPerYear months after the latest
// major.
func (ws *Workspace) Calendar(year int, today Date) *Calendar {
	cfg := ws.Config
	c := &Calendar{Year: year, Today: today.String(), Cadence: cfg.Policy.Cadence, Problems: []string{}}
	for q := range 4 {
		start := NewDate(year, time.Month(3*q+1), 1)
		c.Quarters = append(c.Quarters, Quarter{Number: q + 1, Start: start.String(), End: start.AddMonths(3).AddDays(-1).String(), Entries: []CalendarEntry{}})
	}
	add := func(e CalendarEntry, d Date) {
		if d.Year() == year {
			q := &c.Quarters[(int(d.Time().Month())-1)/3]
			q.Entries = append(q.Entries, e)
		}
	}
	var latest, latestMajor *Manifest
	var first Date // the workspace's first release: no gap before it
	for _, m := range ws.Manifests {
		if first.IsZero() || m.ReleaseDate.Before(first) {
			first = m.ReleaseDate
		}
		status := Released
		if today.Before(m.ReleaseDate) {
			status = Planned
		}
		add(CalendarEntry{Version: m.Version, Kind: m.Kind, Date: m.ReleaseDate.String(), Status: status}, m.ReleaseDate)
		if m.version.Patch() == 0 {
			latest = m
			if m.Kind == Major {
				latestMajor = m
			}
		}
	}
	if latest != nil {
		c.project(latest, latestMajor, today, add)
	}
	// Only the cadence rules: the rest of validation composes every hop.
	var cadence Diagnostics
	(&validator{ws: ws, cfg: cfg, diags: &cadence}).cadence()
	for _, d := range cadence.Sort() {
		for _, m := range ws.Manifests {
			if m.file == d.File && m.ReleaseDate.Year() == year {
				c.Problems = append(c.Problems, fmt.Sprintf("%s: %s", d.Code, d.Message))
			}
		}
	}
	for _, q := range c.Quarters {
		var real []string
		for _, e := range q.Entries {
			if e.Status == Released || e.Status == Planned {
				real = append(real, e.Version)
			}
		}
		end, _ := ParseDate(q.End)
		switch {
		case len(real) == 0 && end.Before(today) && !end.Before(first):
			c.Problems = append(c.Problems, fmt.Sprintf("Q%d %d shipped no release", q.Number, year))
		case len(real) > 1 && cfg.Policy.Cadence.MonthsBetweenReleases >= 3:
			c.Problems = append(c.Problems, fmt.Sprintf("Q%d %d has %d releases (%s); the policy plans one a quarter", q.Number, year, len(real), strings.Join(real, ", ")))
		}
	}
	for i := range c.Quarters {
		slices.SortStableFunc(c.Quarters[i].Entries, func(a, b CalendarEntry) int {
			return cmp.Or(strings.Compare(a.Date, b.Date), strings.Compare(a.Version, b.Version))
		})
	}
	return c
}

// project adds the releases the cadence expects after the latest one, up to
// the end of the calendar's year.
func (c *Calendar) project(latest, latestMajor *Manifest, today Date, add func(CalendarEntry, Date)) {
	months := max(c.Cadence.MonthsBetweenReleases, 1)
	majorEvery := 12
	if c.Cadence.MajorsPerYear > 0 {
		majorEvery = 12 / c.Cadence.MajorsPerYear
	}
	nextMajor := Date{}
	if latestMajor != nil {
		nextMajor = latestMajor.ReleaseDate.AddMonths(majorEvery)
	}
	v := latest.version
	for k := 1; k <= 100; k++ {
		d := latest.ReleaseDate.AddMonths(k * months)
		if d.Year() > c.Year {
			return
		}
		kind := Minor
		// The release nearest the next major's date is the major.
		if !nextMajor.IsZero() && abs(d.DaysUntil(nextMajor)) <= months*31/2 {
			kind = Major
			nextMajor = nextMajor.AddMonths(majorEvery)
		}
		if kind == Major {
			v = semver.New(v.Major()+1, 0, 0, "", "")
		} else {
			v = semver.New(v.Major(), v.Minor()+1, 0, "", "")
		}
		status := Due
		if d.AddDays(c.Cadence.ToleranceDays).Before(today) {
			status = Overdue
		}
		add(CalendarEntry{Version: v.String(), Kind: kind, Date: d.String(), Status: status}, d)
	}
}
