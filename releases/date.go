package releases

import (
	"fmt"
	"time"
)

// Date is a calendar day, written YYYY-MM-DD. It has no time of day and no zone, so
// it means the same day everywhere and never depends on the machine's clock.
type Date struct {
	t time.Time // midnight UTC
}

const dateLayout = "2006-01-02"

// NewDate returns the given day.
func NewDate(year int, month time.Month, day int) Date {
	return Date{t: time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date { return NewDate(t.Year(), t.Month(), t.Day()) }

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return Date{t: t}, nil
}

// IsZero reports whether the date was never set.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Time is the start of the day, UTC.
func (d Date) Time() time.Time { return d.t }

// Year is the date's year.
func (d Date) Year() int { return d.t.Year() }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(dateLayout)
}

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// AddDays returns the day n days later (earlier when n is negative).
func (d Date) AddDays(n int) Date { return Date{t: d.t.AddDate(0, 0, n)} }

// AddMonths returns the same day n months later, clamped to the end of shorter months.
func (d Date) AddMonths(n int) Date {
	y, m, day := d.t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return NewDate(first.Year(), first.Month(), min(day, last))
}

// DaysUntil is the number of days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int { return int(e.t.Sub(d.t).Hours() / 24) }

// Every date a workspace file holds is between MinDate and MaxDate. The tool
// plans releases, windows and blackouts of this century: a date far outside
// it is a typo (9999-12-31, 0001-01-01), and would saturate the durations the
// calendar computes in nanoseconds, or read as the zero date that prints empty.
var (
	MinDate = NewDate(2000, time.January, 1)
	MaxDate = NewDate(2099, time.December, 31)
)

// DateRangeError is the error of a date outside MinDate to MaxDate.
type DateRangeError struct{ Date Date }

func (e *DateRangeError) Error() string {
	// Formatted in full: String leaves the zero date, 0001-01-01, empty.
	return fmt.Sprintf("%s is out of range: dates must be between %s and %s", e.Date.t.Format(dateLayout), MinDate, MaxDate)
}

// CheckRange returns a *DateRangeError when d is not between MinDate and
// MaxDate.
func (d Date) CheckRange() error {
	if d.Before(MinDate) || MaxDate.Before(d) {
		return &DateRangeError{d}
	}
	return nil
}

// MarshalText writes YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD, between MinDate and MaxDate: it is how every
// date of every workspace file is decoded.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	if err := v.CheckRange(); err != nil {
		return err
	}
	*d = v
	return nil
}
