package cli

import (
	"slices"
	"strings"
	"testing"
)

// TestRootHelpGroups: the root help lists every command once, under the group
// of what people do with it, the groups in the order of a release's life.
func TestRootHelpGroups(t *testing.T) {
	code, out, _ := runCLI(t, nil, "--help")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	want := [][]string{
		{"Authoring a release:", "calendar", "changelog", "diff", "new", "notes", "plan", "runbook", "serve", "translations", "validate"},
		{"Release day:", "cut", "publish", "verify"},
		{"Customers' upgrades:", "upgrades"},
		{"Setup:", "completion", "help", "init", "keygen", "schema"},
	}
	var got [][]string
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasSuffix(line, ":") && !strings.HasPrefix(line, " "):
			got = append(got, []string{line})
		case strings.HasPrefix(line, "  ") && len(got) > 0 && strings.HasSuffix(got[len(got)-1][0], ":") && !strings.HasPrefix(strings.TrimSpace(line), "-"):
			got[len(got)-1] = append(got[len(got)-1], strings.Fields(line)[0])
		}
	}
	var groups [][]string
	for _, g := range got {
		if slices.ContainsFunc(want, func(w []string) bool { return w[0] == g[0] }) {
			groups = append(groups, g)
		}
	}
	if !slices.EqualFunc(groups, want, slices.Equal) {
		t.Errorf("root help groups:\n got %q\nwant %q", groups, want)
	}
	if strings.Contains(out, "Available Commands:") {
		t.Errorf("a command is in no group:\n%s", out)
	}
	if n := strings.Count(out, "Exit status:"); n != 1 {
		t.Errorf("exit statuses listed %d times in the root help", n)
	}
}
