package releases

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/Masterminds/semver/v3"
)

// TestSummarize: the median of an even count is the mean of the middle two,
// rounded up; the input is not reordered.
func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want Stats
	}{
		{nil, Stats{}},
		{[]int{90}, Stats{1, 90, 90}},
		{[]int{120, 60}, Stats{2, 90, 120}},
		{[]int{61, 60}, Stats{2, 61, 61}},
		{[]int{300, 60, 90}, Stats{3, 90, 300}},
		{[]int{5, 5, 5, 5}, Stats{4, 5, 5}},
		{[]int{10, 40, 20, 30}, Stats{4, 25, 40}},
	} {
		in := append([]int(nil), tc.in...)
		if got := Summarize(tc.in); got != tc.want {
			t.Errorf("%v: %+v, want %+v", tc.in, got, tc.want)
		}
		for i := range in {
			if in[i] != tc.in[i] {
				t.Fatalf("Summarize reordered its input: %v", tc.in)
			}
		}
	}
}

// TestCheckEstimates: only ok upgrades whose windows match the hops count;
// the median above the estimate and the worst above the maximum are flagged
// with the manifest line to change; a path within its plan is not.
func TestCheckEstimates(t *testing.T) {
	fsys := exampleFS(t)
	ws := mustLoad(t, fsys)
	ok := func(from, s, f string, handsOn int) *Completion {
		return &Completion{From: from, Outcome: OutcomeOK, HandsOnMinutes: handsOn, Windows: []ActualWindow{{Started: s, Finished: f}}}
	}
	h := &History{SchemaVersion: 1, Version: "4.3.0", Entries: []HistoryEntry{
		{Customer: "atlas-dev", Completion: ok("4.2.0", "2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z", 0)},
		{Customer: "atlas-test", Completion: ok("4.2.0", "2026-12-01T10:00:00Z", "2026-12-01T11:30:00Z", 500)},
		{Customer: "atlas-prod", Completion: ok("4.2.0", "2026-12-01T10:00:00Z", "2026-12-01T15:00:00Z", 0)},
		{Customer: "fabrikam", Completion: &Completion{From: "4.2.0", Outcome: OutcomeRolledBack, Windows: []ActualWindow{{Started: "2026-12-01T10:00:00Z", Finished: "2026-12-02T10:00:00Z"}}}},
		{Customer: "contoso", Completion: ok("4.1.0", "2026-12-01T10:00:00Z", "2026-12-01T10:30:00Z", 0)},
		{Customer: "northwind", Completion: &Completion{From: "4.1.0", Outcome: OutcomeOK, Windows: []ActualWindow{
			{Started: "2026-12-01T10:00:00Z", Finished: "2026-12-01T10:30:00Z"}, {Started: "2026-12-08T10:00:00Z", Finished: "2026-12-08T19:30:00Z"}}}},
		{Customer: "adatum"},
	}}
	checks := ws.CheckEstimates(h)
	if len(checks) != 2 || checks[0].From != "4.1.0" || checks[1].From != "4.2.0" {
		t.Fatalf("%+v", checks)
	}
	from41, from42 := checks[0], checks[1]
	if from41.Flagged() || from41.Skipped != 1 || from41.OK != 2 || from41.Windows[0].Actual.Count != 1 {
		t.Errorf("4.1.0: %+v", from41)
	}
	w := from42.Windows[0]
	if from42.RolledBack != 1 || from42.OK != 3 || w.Actual != (Stats{3, 90, 300}) || !from42.Flagged() || len(w.Flags) != 2 ||
		!strings.Contains(w.Flags[0], "the median, 90 min, exceeds the estimate of 65 min") ||
		!strings.Contains(w.Flags[1], "the worst, 300 min, exceeds the maximum of 120 min") ||
		!strings.HasPrefix(w.Fix, "releases/4.3.0.yaml:") || from42.HandsOn != (Stats{1, 500, 500}) || from42.HandsOnFlag == "" {
		t.Errorf("4.2.0: %+v", from42)
	}
	// Validation warns from MinActuals upgrades on: three here, then two.
	src, _ := h.Marshal()
	fsys[HistoryFile(semver.MustParse("4.3.0"))] = &fstest.MapFile{Data: src}
	if d := mustLoad(t, fsys).Validate(); len(d) != 2 || d[0].Code != "AR1606" || d[0].Severity != SeverityWarning || d[0].Line != 9 {
		t.Errorf("%v", d)
	}
	h.Entries = h.Entries[1:]
	src, _ = h.Marshal()
	fsys[HistoryFile(semver.MustParse("4.3.0"))] = &fstest.MapFile{Data: src}
	if d := mustLoad(t, fsys).Validate(); len(d) != 0 {
		t.Errorf("two upgrades are no pattern: %v", d)
	}
}
