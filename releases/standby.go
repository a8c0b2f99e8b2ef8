package releases

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RingPolicy is one rollout ring.
type RingPolicy struct {
	Loc `json:"-"`
	// Name says who is in the ring, e.g. "early adopters".
	Name string `json:"name" jsonschema:"required,minLength=1"`
	// SoakDays is how many days must pass after every entry of this ring has
	// completed a release before the next ring's first upgrade to it; at most
	// 90.
	SoakDays int `json:"soakDays,omitempty" jsonschema:"minimum=0,maximum=90"`
}

// defaultRings are the rings of a policy that declares none.
var defaultRings = []RingPolicy{{Name: "vendor environments"}, {Name: "customers"}}

// RingList is the policy's rings, or the two default ones.
func (p *Policy) RingList() []RingPolicy {
	if len(p.Rings) == 0 {
		return defaultRings
	}
	return p.Rings
}

// Standby is the roster of engineers who can be on standby during upgrades.
type Standby struct {
	Loc `json:"-"`
	// Engineers are the vendor's engineers who can be on standby, each once.
	Engineers []Engineer `json:"engineers" jsonschema:"required,minItems=1,maxItems=500"`
	// Blackouts are the days no upgrade is scheduled: holidays, a December
	// freeze. A window is blacked out when any day it touches, in the
	// customer's time zone, is inside one.
	Blackouts []Blackout `json:"blackouts,omitempty" jsonschema:"maxItems=500"`
}

// Engineer is one engineer of the standby roster.
type Engineer struct {
	Loc `json:"-"`
	// Name is the engineer's name.
	Name string `json:"name" jsonschema:"required,minLength=1"`
	// Email is the engineer's ZenDesk agent email: change tickets are assigned
	// to the agent with this email.
	Email string `json:"email" jsonschema:"required,pattern=^[^@ ]+@[^@ ]+$"`
	// TimeZone is the IANA time zone of the engineer's hours, e.g. Europe/London.
	TimeZone string `json:"timeZone" jsonschema:"required,minLength=1"`
	// Days are the days of the week the engineer's shifts start on.
	Days []string `json:"days" jsonschema:"required,minItems=1,maxItems=7,enum=monday,enum=tuesday,enum=wednesday,enum=thursday,enum=friday,enum=saturday,enum=sunday"`
	// Hours are the engineer's standby hours on those days, in their time zone.
	Hours Hours `json:"hours" jsonschema:"required"`
	// Capacity is how many upgrades the engineer can cover at once; at most 20.
	Capacity int `json:"capacity" jsonschema:"required,minimum=1,maximum=20"`
}

// Hours are a shift: from a local time to another. A shift whose end is not
// after its start ends the next day (22:00 to 06:00 is a night shift);
// 00:00 to 24:00 is the whole day.
type Hours struct {
	Loc `json:"-"`
	// From is the local start of the shift, HH:MM.
	From string `json:"from" jsonschema:"required,pattern=^([01][0-9]|2[0-3]):[0-5][0-9]$"`
	// To is the local end of the shift, HH:MM or 24:00.
	To string `json:"to" jsonschema:"required,pattern=^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"`
}

// Blackout is a range of days without upgrades.
type Blackout struct {
	Loc `json:"-"`
	// From is the first day of the blackout.
	From Date `json:"from" jsonschema:"required"`
	// To is the last day of the blackout (the same as from for one day).
	To Date `json:"to" jsonschema:"required"`
	// Reason says why, e.g. "December freeze".
	Reason string `json:"reason" jsonschema:"required,minLength=1"`
}

// Contains reports whether a day is inside the blackout.
func (b Blackout) Contains(d Date) bool { return !d.Before(b.From) && !b.To.Before(d) }

// Location is the engineer's time zone.
func (e *Engineer) Location() (*time.Location, error) {
	return loadZone(e.TimeZone)
}

// loadZone loads an IANA time zone, refusing paths.
func loadZone(name string) (*time.Location, error) {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "..") || strings.EqualFold(name, "local") {
		return nil, fmt.Errorf("%q is not an IANA time zone like Europe/Berlin", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%q is not an IANA time zone like Europe/Berlin", name)
	}
	return loc, nil
}

// clock parses HH:MM (and 24:00 when end is true) into minutes after midnight.
func clock(s string, end bool) (int, bool) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) != 2 || len(mm) != 2 {
		return 0, false
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	switch {
	case err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59:
		return 0, false
	case h == 24 && m == 0 && end:
		return 24 * 60, true
	case h > 23:
		return 0, false
	}
	return h*60 + m, true
}

// Shift is the engineer's shift that starts on a day (in their zone), or false
// when they do not work that day or the hours are invalid. Local times are
// resolved by time.Date, so a shift spanning a change of daylight saving time
// is as long in absolute time as the clocks say.
func (e *Engineer) Shift(d Date, loc *time.Location) (start, end time.Time, ok bool) {
	from, ok1 := clock(e.Hours.From, false)
	to, ok2 := clock(e.Hours.To, true)
	if !ok1 || !ok2 || from == to {
		return time.Time{}, time.Time{}, false
	}
	t := d.Time()
	if !e.worksOn(t.Weekday()) {
		return time.Time{}, time.Time{}, false
	}
	start = time.Date(t.Year(), t.Month(), t.Day(), 0, from, 0, 0, loc)
	endDay := t.Day()
	if to <= from {
		endDay++
	}
	end = time.Date(t.Year(), t.Month(), endDay, 0, to, 0, 0, loc)
	return start, end, true
}

func (e *Engineer) worksOn(wd time.Weekday) bool {
	for _, d := range e.Days {
		if strings.EqualFold(d, wd.String()) {
			return true
		}
	}
	return false
}

// Covers reports whether one of the engineer's shifts holds the whole of
// [start, end).
func (e *Engineer) Covers(start, end time.Time) bool {
	loc, err := e.Location()
	if err != nil {
		return false
	}
	// A shift holding start began on start's local day or the day before (a
	// night shift).
	day := DateOf(start.In(loc))
	for _, d := range []Date{day.AddDays(-1), day} {
		s, t, ok := e.Shift(d, loc)
		if ok && !start.Before(s) && !t.Before(end) {
			return true
		}
	}
	return false
}

// customerFleet checks a customer's rollout fields: stage, ring, CAB lead time.
func (v *validator) customerFleet(r reporter, cu *Customer) {
	switch {
	case cu.Internal && cu.Stage != "":
		r.report(cu.PosOf("stage"), "AR1505", "%s is one of the vendor's own environments (internal: true): it has no stage; remove stage", cu.ID)
	case !cu.Internal && cu.Stage == "":
		r.report(cu.Pos(), "AR1505", "%s has no stage: add stage: implementation (owned by an implementation lead) or stage: bau (owned by a customer success agent)", cu.ID)
	}
	rings := v.cfg.Policy.RingList()
	ring := cu.RingOf(&v.cfg.Policy)
	at := cu.PosOf("ring")
	if !cu.Has("ring") {
		at = cu.Pos()
	}
	switch {
	case ring >= len(rings):
		r.report(at, "AR1506", "%s is in ring %d, but policy.rings in %s has %d ring%s (0 to %d)", cu.ID, ring, ConfigFile, len(rings), plural(len(rings)), len(rings)-1)
	case cu.Internal && ring != 0:
		r.report(at, "AR1506", "%s is one of the vendor's own environments: they are ring 0, upgraded before any customer; set ring: 0", cu.ID)
	case !cu.Internal && ring == 0:
		r.report(at, "AR1506", "ring 0 is the vendor's own environments: put %s in ring 1 or later, or mark it internal: true", cu.ID)
	}
	switch {
	case cu.ChangeProcess == CABProcess && cu.CABLeadTimeDays == 0:
		r.report(cu.PosOf("changeProcess"), "AR1507", "%s's changes go to a change board (cab): add cabLeadTimeDays, the days the board needs before a window", cu.ID)
	case cu.ChangeProcess != CABProcess && cu.CABLeadTimeDays != 0:
		r.report(cu.PosOf("cabLeadTimeDays"), "AR1507", "%s's changes are %s, without a change board: remove cabLeadTimeDays or set changeProcess: cab", cu.ID, cu.ChangeProcess)
	}
}

// fleet checks the standby roster and the workspace's approvals history.
func (v *validator) fleet() {
	v.histories()
	s := v.cfg.Standby
	if s == nil {
		return
	}
	r := v.at(ConfigFile)
	seen := map[string]Pos{}
	for i := range s.Engineers {
		e := &s.Engineers[i]
		key := strings.ToLower(e.Email)
		if first, dup := seen[key]; dup {
			r.report(e.PosOf("email"), "AR1603", "standby engineer %s <%s> is already listed at line %d", e.Name, e.Email, first.Line)
		}
		seen[key] = e.PosOf("email")
		if _, err := e.Location(); err != nil {
			r.report(e.PosOf("timeZone"), "AR1601", "standby engineer %s: timeZone: %v", e.Name, err)
		}
		from, _ := clock(e.Hours.From, false)
		to, _ := clock(e.Hours.To, true)
		if from == to {
			r.report(e.Hours.PosOf("to"), "AR1602", "standby engineer %s's hours start and end at %s: give the end of the shift (24:00 for a whole day)", e.Name, e.Hours.From)
		}
	}
	for _, b := range s.Blackouts {
		if b.To.Before(b.From) {
			r.report(b.PosOf("to"), "AR1604", "blackout %q ends (%s) before it starts (%s)", b.Reason, b.To, b.From)
		}
	}
}
