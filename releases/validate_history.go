package releases

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/Masterminds/semver/v3"
)

// Stats sum up recorded minutes: how many, the median and the worst.
type Stats struct {
	Count int `json:"count"`
	// Median is the middle value; of an even count, the mean of the two
	// middle ones, rounded up to the minute.
	Median int `json:"median"`
	Worst  int `json:"worst"`
}

// Summarize computes the statistics of some minutes; zero for none.
func Summarize(minutes []int) Stats {
	if len(minutes) == 0 {
		return Stats{}
	}
	s := slices.Clone(minutes)
	slices.Sort(s)
	n := len(s)
	median := s[n/2]
	if n%2 == 0 {
		// Rounded up: an estimate is wrong as soon as half the upgrades took longer.
		median = (s[n/2-1] + s[n/2] + 1) / 2
	}
	return Stats{Count: n, Median: median, Worst: s[n-1]}
}

// WindowCheck compares one maintenance window of a path (one hop) with what
// the recorded upgrades took.
type WindowCheck struct {
	Hop     int    `json:"hop"`
	HopFrom string `json:"from"`
	HopTo   string `json:"to"`
	// EstimateMinutes and MaxMinutes are the plan's window.
	EstimateMinutes int   `json:"estimateMinutes"`
	MaxMinutes      int   `json:"maxMinutes"`
	Actual          Stats `json:"actual"`
	// Flags say what the actuals contradict: the median above the estimate,
	// the worst above the maximum.
	Flags []string `json:"flags,omitempty"`
	// Fix is the manifest line to change: the elapsedMinutes of the window's
	// longest step, e.g. "releases/4.3.0.yaml:198 (step sync-search: estimate
	// 20, max 30)".
	Fix string `json:"fix,omitempty"`
}

// PathCheck compares a path's plan with the upgrades recorded on it.
type PathCheck struct {
	From string `json:"from"`
	To   string `json:"to"`
	// OK, RolledBack and Partial count the recorded outcomes; only ok
	// upgrades whose windows match the path's hops count in the statistics.
	OK         int `json:"ok"`
	RolledBack int `json:"rolledBack"`
	Partial    int `json:"partial"`
	// Skipped are ok upgrades recorded with another number of windows than
	// the path has hops: their windows cannot be matched to the plan's.
	Skipped int           `json:"skipped,omitempty"`
	Windows []WindowCheck `json:"windows"`
	// HandsOnEstimate is the plan's hands-on minutes; HandsOn the recorded
	// ones (of the upgrades that recorded them).
	HandsOnEstimate int      `json:"handsOnEstimate"`
	HandsOn         Stats    `json:"handsOn"`
	HandsOnFlag     string   `json:"handsOnFlag,omitempty"`
	Customers       []string `json:"customers"`
	// first is where the path's first completion is recorded.
	first Pos
}

// Flagged reports whether the actuals contradict the plan anywhere.
func (p *PathCheck) Flagged() bool {
	return p.HandsOnFlag != "" || slices.ContainsFunc(p.Windows, func(w WindowCheck) bool { return len(w.Flags) > 0 })
}

// CheckEstimates compares the plan of every path the history records
// upgrades on (by the version they started from) with the upgrades' actual
// windows and hands-on minutes, oldest source first. A path the workspace
// cannot plan (its source is no longer a release) is left out.
func (ws *Workspace) CheckEstimates(h *History) []PathCheck {
	to, err := ParseVersion(h.Version)
	if err != nil {
		return nil
	}
	byFrom := map[string][]*HistoryEntry{}
	var froms []*semver.Version
	for i := range h.Entries {
		e := &h.Entries[i]
		if e.Completion == nil {
			continue
		}
		from, err := ParseVersion(e.Completion.From)
		if err != nil {
			continue
		}
		if _, ok := byFrom[from.String()]; !ok {
			froms = append(froms, from)
		}
		byFrom[from.String()] = append(byFrom[from.String()], e)
	}
	slices.SortFunc(froms, func(a, b *semver.Version) int { return a.Compare(b) })
	var out []PathCheck
	for _, from := range froms {
		p, err := ws.Plan(from, to)
		if err != nil {
			continue
		}
		out = append(out, checkActuals(p, byFrom[from.String()]))
	}
	return out
}

func checkActuals(p *Path, entries []*HistoryEntry) PathCheck {
	pc := PathCheck{From: p.From.String(), To: p.To.String(), HandsOnEstimate: p.Total.HandsOnMinutes}
	windows := make([][]int, len(p.Hops))
	var handsOn []int
	for _, e := range entries {
		c := e.Completion
		pc.Customers = append(pc.Customers, e.Customer)
		if pc.first == (Pos{}) || e.PosOf("completion").Line < pc.first.Line {
			pc.first = e.PosOf("completion")
		}
		switch c.Outcome {
		case OutcomeRolledBack:
			pc.RolledBack++
			continue
		case OutcomePartial:
			pc.Partial++
			continue
		}
		pc.OK++
		if c.HandsOnMinutes > 0 {
			handsOn = append(handsOn, c.HandsOnMinutes)
		}
		if len(c.Windows) != len(p.Hops) {
			pc.Skipped++
			continue
		}
		for i, w := range c.Windows {
			if m := w.Minutes(); m > 0 {
				windows[i] = append(windows[i], m)
			}
		}
	}
	slices.Sort(pc.Customers)
	for i, hop := range p.Hops {
		wc := WindowCheck{Hop: i + 1, HopFrom: hop.From.String(), HopTo: hop.To.String(), EstimateMinutes: hop.Window.EstimateMinutes,
			MaxMinutes: hop.Window.MaxMinutes, Actual: Summarize(windows[i])}
		if wc.Actual.Count > 0 && wc.Actual.Median > wc.EstimateMinutes {
			wc.Flags = append(wc.Flags, fmt.Sprintf("the median, %d min, exceeds the estimate of %d min", wc.Actual.Median, wc.EstimateMinutes))
		}
		if wc.Actual.Count > 0 && wc.Actual.Worst > wc.MaxMinutes {
			wc.Flags = append(wc.Flags, fmt.Sprintf("the worst, %d min, exceeds the maximum of %d min", wc.Actual.Worst, wc.MaxMinutes))
		}
		if len(wc.Flags) > 0 {
			wc.Fix = longestStep(hop)
		}
		pc.Windows = append(pc.Windows, wc)
	}
	pc.HandsOn = Summarize(handsOn)
	if pc.HandsOn.Count > 0 && pc.HandsOn.Median > pc.HandsOnEstimate {
		pc.HandsOnFlag = fmt.Sprintf("the median hands-on, %d min, exceeds the estimate of %d min", pc.HandsOn.Median, pc.HandsOnEstimate)
	}
	return pc
}

// longestStep names the manifest line of the window's longest step: the
// estimate most likely to be wrong.
func longestStep(hop *Hop) string {
	var best *PlannedStep
	for _, ps := range hop.Steps {
		if ps.Phase == PhasePrepare {
			continue
		}
		if best == nil || cmp.Compare(ps.ElapsedMinutes.Estimate, best.ElapsedMinutes.Estimate) > 0 {
			best = ps
		}
	}
	if best == nil {
		return ""
	}
	pos := best.PosOf("elapsedMinutes")
	return fmt.Sprintf("%s:%d (step %s, the window's longest: elapsedMinutes estimate %d, max %d)", best.Release.File(), pos.Line,
		best.ID, best.ElapsedMinutes.Estimate, best.ElapsedMinutes.Max)
}

// MinActuals is how many upgrades of a window validation wants recorded
// before it says the window's estimate is wrong: one long upgrade is an
// incident, three are a pattern. The report (upgrades report) flags from one.
const MinActuals = 3

// estimates warns when a history's recorded upgrades contradict the plan of
// their path: at the path's first completion, naming the manifest line to
// change.
func (v *validator) estimates(file string, h *History) {
	if _, err := ParseVersion(h.Version); err != nil {
		return
	}
	r := v.at(file)
	for _, pc := range v.ws.CheckEstimates(h) {
		for _, w := range pc.Windows {
			if w.Actual.Count < MinActuals {
				continue
			}
			for _, f := range w.Flags {
				r.report(pc.first, "AR1606", "%s → %s, window %d (%s → %s), %d upgrade%s recorded: %s; change %s",
					pc.From, pc.To, w.Hop, w.HopFrom, w.HopTo, w.Actual.Count, plural(w.Actual.Count), f, w.Fix)
			}
		}
	}
}
