package human

import (
	"testing"
	"time"
)

func TestSize(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"},
		{5 << 20, "5.0 MiB"}, {3 << 30, "3.0 GiB"},
	} {
		if got := Size(tc.n); got != tc.want {
			t.Errorf("Size(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0 ms"}, {340 * time.Millisecond, "340 ms"}, {1200 * time.Millisecond, "1.2 s"},
		{42 * time.Second, "42 s"}, {125 * time.Second, "2 min 05 s"}, {3 * time.Minute, "3 min"},
		{45 * time.Minute, "45 min"}, {90 * time.Minute, "1 h 30 min"}, {2 * time.Hour, "2 h"},
	} {
		if got := Duration(tc.d); got != tc.want {
			t.Errorf("Duration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestMinutes(t *testing.T) {
	for _, tc := range []struct {
		m    int
		want string
	}{{0, "0 min"}, {45, "45 min"}, {60, "1 h"}, {90, "1 h 30 min"}, {125, "2 h 05 min"}} {
		if got := Minutes(tc.m); got != tc.want {
			t.Errorf("Minutes(%d) = %q, want %q", tc.m, got, tc.want)
		}
		if got := string(AppendMinutes([]byte("took "), tc.m)); got != "took "+tc.want {
			t.Errorf("AppendMinutes(took, %d) = %q, want %q", tc.m, got, "took "+tc.want)
		}
	}
}

// TestAppendMinutesAllocatesNothing: the pages append durations into a buffer
// with room, for every step of every path.
func TestAppendMinutesAllocatesNothing(t *testing.T) {
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { buf = AppendMinutes(buf[:0], 125) }); n != 0 {
		t.Errorf("AppendMinutes allocates %v times; want none", n)
	}
}

func TestDay(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 3, 7, 23, 30, 0, 0, time.UTC), "Saturday 2026-03-07"},
		{time.Date(2026, 3, 9, 0, 0, 0, 0, time.FixedZone("CET", 3600)), "Monday 2026-03-09"},
	} {
		if got := Day(tc.t); got != tc.want {
			t.Errorf("Day(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}
