package cli

import (
	"errors"
	"testing"
)

// TestDateArg: a day given on the command line is a usage error outside the
// range a workspace accepts, so no flag plans or writes a date validation refuses.
func TestDateArg(t *testing.T) {
	for in, ok := range map[string]bool{"2026-12-05": true, "2000-01-01": true, "2099-12-31": true,
		"9999-12-31": false, "0001-01-01": false, "1999-12-31": false, "2026-02-30": false, "5.12.2026": false} {
		_, err := dateArg("--date", in)
		var usage *usageError
		if ok != (err == nil) || (err != nil && !errors.As(err, &usage)) {
			t.Errorf("%s: %v", in, err)
		}
	}
}
