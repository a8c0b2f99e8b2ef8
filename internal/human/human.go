// Package human writes quantities the way people read them, the same way in
// every output of the project: sizes in IEC units (KiB, MiB, GiB), durations
// in the runbook's style ("1 h 05 min", "45 min", "1.2 s"), days with their
// weekday as a word ("Saturday 2026-03-07"). It imports only the standard
// library, so the model, the renderers and the command line may all use it.
package human

import (
	"fmt"
	"strconv"
	"time"
)

// Size writes n bytes in the largest IEC unit that keeps a whole number in
// front: "512 B", "1.5 KiB", "12.0 MiB", "1.1 GiB".
func Size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Duration writes d in the style of the runbook's minutes: "1 h 05 min",
// "45 min", "2 min 05 s", "1.2 s", "340 ms". From ten minutes on, the seconds
// are dropped: nobody needs them any more.
func Duration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < 10*time.Minute:
		m, s := int(d.Minutes()), int(d.Seconds())%60
		if s == 0 {
			return fmt.Sprintf("%d min", m)
		}
		return fmt.Sprintf("%d min %02d s", m, s)
	}
	return Minutes(int(d.Minutes()))
}

// Minutes writes a number of minutes as the runbook does: "45 min", "2 h",
// "1 h 05 min" (minutes after hours have two digits, so that a column of them
// lines up).
func Minutes(m int) string { return string(AppendMinutes(make([]byte, 0, 16), m)) }

// AppendMinutes appends Minutes(m) to b. The runbook's pages write a duration
// for every step of every path straight into their output buffer with it,
// without a string apiece.
func AppendMinutes(b []byte, m int) []byte {
	h, m := m/60, m%60
	switch {
	case h == 0:
		return append(strconv.AppendInt(b, int64(m), 10), " min"...)
	case m == 0:
		return append(strconv.AppendInt(b, int64(h), 10), " h"...)
	}
	b = append(strconv.AppendInt(b, int64(h), 10), " h "...)
	if m < 10 {
		b = append(b, '0')
	}
	return append(strconv.AppendInt(b, int64(m), 10), " min"...)
}

// Day writes a date with its weekday as a word: "Saturday 2026-03-07".
func Day(t time.Time) string { return t.Format("Monday 2006-01-02") }
