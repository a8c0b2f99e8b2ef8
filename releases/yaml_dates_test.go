package releases

import (
	"errors"
	"strings"
	"testing"
)

// TestDatesAreBounded writes dates at and beyond the bounds into every date
// field of the workspace's files and expects AR0107 at the value, naming the
// date as written, or nothing.
func TestDatesAreBounded(t *testing.T) {
	fields := []struct{ file, after, line string }{
		{"releases/4.3.0.yaml", "releaseDate:", "releaseDate: %s"},
		{"releases/4.3.0.yaml", "  date:", "  date: %s"},
		{"releases/4.2.0.yaml", "releaseDate:", "releaseDate: '%s'"},
	}
	for _, f := range fields {
		base := string(mustRead(t, "../examples/atlas/"+f.file))
		for _, tt := range []struct {
			date string
			bad  bool
		}{
			{"9999-12-31", true},
			{"0001-01-01", true},
			{"1999-12-31", true},
			{"2100-01-01", true},
			{"2000-01-01", false},
			{"2099-12-31", false},
		} {
			src, line := withLine(t, base, f.after, strings.Replace(f.line, "%s", tt.date, 1), true)
			var got []Diagnostic
			for _, d := range diagsOf(t, f.file, src) {
				if d.Code == "AR0107" || d.Code == "AR0105" {
					got = append(got, d)
				}
			}
			switch {
			case tt.bad && (len(got) != 1 || got[0].Code != "AR0107" || got[0].Line != line ||
				!strings.Contains(got[0].Message, tt.date+" is out of range: dates must be between 2000-01-01 and 2099-12-31")):
				t.Errorf("%s %s: want one AR0107 at line %d naming the date; got %v", f.file, tt.date, line, got)
			case !tt.bad && len(got) > 0:
				t.Errorf("%s %s: got %v", f.file, tt.date, got)
			}
		}
	}
}

// TestDateDecodingIsBounded checks the bound where every file's dates are
// decoded, whatever decodes them (the loader, yaml.v3, encoding/json).
func TestDateDecodingIsBounded(t *testing.T) {
	for _, s := range []string{"0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"} {
		var d Date
		err := d.UnmarshalText([]byte(s))
		if _, ok := errors.AsType[*DateRangeError](err); !ok || !strings.HasPrefix(err.Error(), s+" ") || !d.IsZero() {
			t.Errorf("%s: %v, %v", s, d, err)
		}
	}
	for _, s := range []string{"2000-01-01", "2026-02-28", "2099-12-31"} {
		var d Date
		if err := d.UnmarshalText([]byte(s)); err != nil || d.String() != s {
			t.Errorf("%s: %v, %v", s, d, err)
		}
	}
	var d Date
	if err := d.UnmarshalText([]byte("2026-02-30")); err == nil || errors.As(err, new(*DateRangeError)) {
		t.Errorf("an impossible day: %v", err)
	}
}
