package releases

import (
	"strings"
	"testing"
)

func TestCalendar(t *testing.T) {
	ws := mustLoad(t, exampleFS(t))
	today := NewDate(2023, 10, 15)
	c := ws.Calendar(2023, today)
	var got []string
	for _, q := range c.Quarters {
		for _, e := range q.Entries {
			got = append(got, strings.Join([]string{"Q" + string(rune('0'+q.Number)), e.Version, string(e.Kind), e.Date, e.Status}, " "))
		}
	}
	want := []string{
		"Q1 4.2.0 minor 2023-02-13 released",
		"Q2 4.3.0 minor 2023-05-15 released",
		"Q3 5.0.0 major 2023-08-15 overdue",
		"Q4 5.1.0 minor 2023-11-15 due",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("calendar 2023:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(c.Problems) != 1 || !strings.Contains(c.Problems[0], "Q3 2023 shipped no release") {
		t.Errorf("problems %q", c.Problems)
	}
	// A release planned ahead, and a quarter with two releases.
	fsys := exampleFS(t)
	fsys["releases/4.3.0.yaml"].Data = []byte(strings.Replace(string(fsys["releases/4.3.0.yaml"].Data), "releaseDate: 2023-05-15", "releaseDate: 2023-03-20", 1))
	c = mustLoad(t, fsys).Calendar(2023, NewDate(2023, 3, 1))
	if c.Quarters[0].Entries[1].Status != Planned || !strings.Contains(strings.Join(c.Problems, "|"), "Q1 2023 has 2 releases") ||
		!strings.Contains(strings.Join(c.Problems, "|"), "AR1003") {
		t.Errorf("early 4.3: %+v %q", c.Quarters[0], c.Problems)
	}
}

// TestCalendarGaps reports the quarters without a release once they are over,
// but none before the workspace's first release (2022-08-15, in Q3 2022).
func TestCalendarGaps(t *testing.T) {
	ws := mustLoad(t, exampleFS(t))
	for _, tc := range []struct {
		year  int
		today Date
		want  []string
	}{
		{year: 2021, today: NewDate(2023, 10, 15), want: nil},
		{year: 2022, today: NewDate(2023, 10, 15), want: nil},
		{year: 2022, today: NewDate(2022, 7, 1), want: nil},
		{year: 2023, today: NewDate(2023, 10, 15), want: []string{"Q3 2023 shipped no release"}},
		{year: 2024, today: NewDate(2024, 12, 31), want: []string{"Q1 2024 shipped no release", "Q2 2024 shipped no release", "Q3 2024 shipped no release"}},
	} {
		var gaps []string
		for _, p := range ws.Calendar(tc.year, tc.today).Problems {
			if strings.Contains(p, "shipped no release") {
				gaps = append(gaps, p)
			}
		}
		if strings.Join(gaps, "|") != strings.Join(tc.want, "|") {
			t.Errorf("calendar %d as of %s: gaps %q, want %q", tc.year, tc.today, gaps, tc.want)
		}
	}
}

func TestWindowStart(t *testing.T) {
	w := MaintenanceWindow{Day: "saturday", Start: "08:00", TimeZone: "Europe/Berlin"}
	start, err := w.StartOn(NewDate(2026, 3, 28))
	if err != nil || start.UTC().Hour() != 7 {
		t.Errorf("winter time: %v %v", start, err)
	}
	start, _ = w.StartOn(NewDate(2026, 3, 29)) // summer time from that night
	if start.UTC().Hour() != 6 {
		t.Errorf("summer time: %v", start.UTC())
	}
	for _, bad := range []string{"25:00", "8:00", "08:60", "noon"} {
		w.Start = bad
		if _, err := w.StartOn(NewDate(2026, 3, 28)); err == nil {
			t.Errorf("start %q accepted", bad)
		}
	}
	w.Start, w.TimeZone = "08:00", "../../etc/passwd"
	if _, err := w.StartOn(NewDate(2026, 3, 28)); err == nil {
		t.Error("a path accepted as a time zone")
	}
}
