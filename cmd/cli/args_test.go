package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"
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

// TestArgNames: the positional arguments of a Use line, without the values
// of its flags or the alternatives of a command list.
func TestArgNames(t *testing.T) {
	for use, want := range map[string]string{
		"cut <version>":                         "version",
		"diff <a> <b>":                          "a b",
		"calendar [year]":                       "year",
		"validate [version...]":                 "version",
		"changelog":                             "",
		"runbook --from VERSION [--to VERSION]": "",
		"schedule <customer> --to <version> --date <YYYY-MM-DD>": "customer",
		"zendesk <version>... | --all":                           "version",
		"upgrades <plan|schedule|propose>":                       "",
		"status [--json] [--html FILE]":                          "",
		"":                                                       "",
		"x --":                                                   "",
	} {
		if got := strings.Join(argNames(use), " "); got != want {
			t.Errorf("argNames(%q) = %q, want %q", use, got, want)
		}
	}
}

// TestRangeArgs: a wrong argument count is a usage error that names what the
// command expects and shows an example that gives it.
func TestRangeArgs(t *testing.T) {
	root := &cobra.Command{Use: "atlas-release"}
	cmd := func(use, example string) *cobra.Command {
		c := &cobra.Command{Use: use, Example: example}
		root.AddCommand(c)
		return c
	}
	cut := cmd("cut <version>", "  ATLAS_SIGNING_KEY=k atlas-release cut 4.3 --clean   # a comment\n  atlas-release cut 4.3")
	diff := cmd("diff <a> <b>", "  atlas-release diff 4.2 --what notes\n  atlas-release diff 4.2 4.3 | less")
	plain := cmd("list", "")
	noEg := cmd("uses <item>", "  atlas-release other 1")
	for _, tc := range []struct {
		c        *cobra.Command
		min, max int
		args     []string
		want     string
	}{
		{cut, 1, 1, nil, "cut needs a version, e.g. `atlas-release cut 4.3`"},
		{cut, 1, 1, []string{"4.3", "4.4"}, `cut takes one version, got 2: "4.3" "4.4"`},
		{cut, 1, 1, []string{"4.3", "\x1b[2J"}, `cut takes one version, got 2: "4.3" "\x1b[2J"`},
		{diff, 2, 2, []string{"4.2"}, "diff needs 2 arguments (<a> <b>), e.g. `atlas-release diff 4.2 4.3`"},
		{diff, 2, 2, []string{"1", "2", "3", "4", "5"}, `diff takes 2 arguments, got 5: "1" "2" "3" and 2 more`},
		{plain, 0, 0, []string{"x"}, `list takes no arguments, got "x"`},
		{plain, 0, 2, []string{"x", "y", "z"}, `list takes at most 2 arguments, got 3: "x" "y" "z"`},
		{plain, 1, 1, nil, "list needs 1 arguments"},
		{noEg, 1, 1, nil, "uses needs an item"},
	} {
		err := rangeArgs(tc.min, tc.max)(tc.c, tc.args)
		var usage *usageError
		if err == nil || !errors.As(err, &usage) || err.Error() != tc.want {
			t.Errorf("%s %q: %v, want usage error %q", tc.c.Name(), tc.args, err, tc.want)
		}
	}
	if err := rangeArgs(1, 2)(cut, []string{"4.3"}); err != nil {
		t.Errorf("in range: %v", err)
	}
}

// FuzzArgNames: any Use line yields names free of brackets and flags.
func FuzzArgNames(f *testing.F) {
	f.Add("zendesk <version>... | --all")
	f.Add("schedule <customer> --to <version>")
	f.Add("[--x")
	f.Fuzz(func(t *testing.T, use string) {
		for _, n := range argNames(use) {
			if n == "" || strings.ContainsAny(n, "|") || strings.HasPrefix(n, "-") || strings.HasPrefix(n, "<") || strings.HasSuffix(n, "]") {
				t.Fatalf("argNames(%q) has %q", use, n)
			}
		}
	})
}
