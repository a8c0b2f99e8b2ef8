package templates_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// TestGuideNamesTheRolesOnce: when every path needs the same roles, the guide
// names them once, not once per path; when the paths differ, each says its
// own.
func TestGuideNamesTheRolesOnce(t *testing.T) {
	ws, set := example(t)
	v := mustVersion(t, "4.3.0")
	var paths []*releases.Path
	for _, from := range []string{"4.2.0", "4.1.0", "4.0.0"} {
		p, err := ws.Plan(mustVersion(t, from), v)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	g, err := templates.NewGuide(ws, v, paths, templates.Signing{Snapshot: true}, "test", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Roles) == 0 {
		t.Fatalf("the example's paths need the same roles, yet the guide has none in common: %+v", g.Paths)
	}
	render := func(g *templates.Guide) string {
		var b bytes.Buffer
		if err := set.RenderGuide(&b, g, templates.Markdown); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	md := render(g)
	role := g.Roles[1] // not the Global Administrator, whom the table names too
	if n := strings.Count(md, role); n != 1 {
		t.Errorf("the guide names %s %d times, want once:\n%s", role, n, md)
	}
	if !strings.Contains(md, "- **Who takes part:** "+strings.Join(g.Roles, ", ")+".") || strings.Contains(md, "take part.") {
		t.Errorf("the roles are not named once, before the paths:\n%s", md)
	}
	// Paths that need different roles each name theirs.
	g.Roles = nil
	g.Paths[0].Roles = []string{"Atlas administrator"}
	md = render(g)
	if !strings.Contains(md, "- **From 4.2.0:** Atlas administrator take part.") || strings.Contains(md, "Who takes part") ||
		strings.Count(md, role) != len(g.Paths)-1 {
		t.Errorf("paths with different roles:\n%s", md)
	}
}

// TestChangeRequestOfAChangeBoardCustomer: the change ticket of a customer
// whose change board approves every change says so, once, and never calls the
// upgrade a standard change; a customer with standard changes keeps them.
func TestChangeRequestOfAChangeBoardCustomer(t *testing.T) {
	ws, set := example(t)
	p, err := ws.Plan(mustVersion(t, "4.2.0"), mustVersion(t, "4.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		process  releases.ChangeProcess
		days     int
		want     string
		standard bool
	}{
		{releases.CABProcess, 14, "| Change type | Normal change: to be approved by the customer's change advisory board, which needs 14 days |", false},
		{releases.CABProcess, 1, "which needs 1 day |", false},
		{releases.StandardProcess, 0, "| Change type | Standard change: a tested, low-risk procedure |", true},
	} {
		cu := *ws.Customers.Customer("contoso")
		cu.ChangeProcess, cu.CABLeadTimeDays = tt.process, tt.days
		c := templates.NewCommunications(ws, p, templates.CommsOptions{Customer: &cu})
		var b bytes.Buffer
		if err := set.RenderCommunication(&b, templates.ChangeRequestMarkdown, c, templates.Markdown); err != nil {
			t.Fatal(err)
		}
		md := b.String()
		if !strings.Contains(md, tt.want) {
			t.Errorf("%s customer: want %q in\n%s", tt.process, tt.want, md)
		}
		if got := strings.Contains(strings.ToLower(md), "standard change"); got != tt.standard {
			t.Errorf("%s customer: says \"standard change\": %v\n%s", tt.process, got, md)
		}
		if n := strings.Count(md, "change advisory board"); tt.process == releases.CABProcess && n != 1 {
			t.Errorf("%s customer: names the change advisory board %d times", tt.process, n)
		}
	}
}
