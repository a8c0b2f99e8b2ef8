package templates_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/templates"
)

// fleetFixture is a fleet with every state, and names and URLs that try to
// break out of the page's markup.
func fleetFixture() *templates.FleetStatus {
	return &templates.FleetStatus{Product: "Atlas", Latest: "4.3.0", Today: "2026-12-10", TicketsRead: true, SupportedReleases: 2,
		Rings: []string{"Atlas Workplace environments", "early adopters", "everyone"}, Generator: "atlas-release test",
		Entries: []templates.StatusEntry{
			{Customer: "atlas-dev", Name: "Atlas development", Internal: true, Ring: 0, Version: "4.3.0", Target: "4.3.0", Supported: true, State: templates.StateUpToDate, Outcome: "ok", Day: "2026-12-01"},
			{Customer: "fabrikam", Name: "Fabrikam <script>alert(1)</script>", Ring: 1, Version: "4.2.0", Target: "4.3.0", Behind: 1, Supported: true,
				State: templates.StateOverdue, Day: "2026-12-08", ChangeProcess: "standard",
				Ticket: &templates.StatusTicket{ID: 1001, URL: `https://x.example/agent/tickets/1001" onclick="alert(1)`, Status: "open", Scheduled: "2026-12-08", Start: "19:00", Engineer: "marcus.lee@atlas-workplace.example"}},
			{Customer: "contoso", Name: "Contoso Ltd", Ring: 2, Version: "4.1.0", Target: "4.3.0", Behind: 2, Supported: true, ChangeProcess: "cab", Approval: "CAB-2291",
				State: templates.StateScheduled, Day: "2026-12-19",
				Ticket: &templates.StatusTicket{ID: 1002, URL: "https://x.example/agent/tickets/1002", Status: "new", Scheduled: "2026-12-19", Start: "08:00"}},
			{Customer: "northwind", Name: "Northwind Traders", Ring: 2, Version: "4.0.0", Target: "4.3.0", Behind: 3, ChangeProcess: "cab", State: templates.StateNotScheduled},
			{Customer: "litware", Name: "Litware Inc.", Ring: 2, Target: "4.3.0", Supported: true, ChangeProcess: "standard", State: templates.StateNotScheduled},
		},
		Summary: templates.FleetSummary{Entries: 5, Implementing: 1, OnLatest: 1, OnLatestPercent: 25, OutOfSupport: []string{"northwind"}, InFlight: []string{"contoso"}, Overdue: []string{"fabrikam"},
			Versions:  []templates.VersionCount{{Version: "4.3.0", Count: 1}, {Version: "4.2.0", Count: 1}, {Version: "4.1.0", Count: 1}, {Version: "4.0.0", Count: 1}},
			Engineers: []templates.EngineerLoad{{Email: "marcus.lee@atlas-workplace.example", Name: "Marcus Lee", Upgrades: 1}, {Email: "jonas.weber@atlas-workplace.example", Name: "Jonas <b>Weber</b>"}}},
	}
}

// TestStatusHTML: one self-contained page, no script at all, every piece of
// text escaped, a bar per version, a dot per entry with a day, today marked.
func TestStatusHTML(t *testing.T) {
	var b bytes.Buffer
	if err := templates.WriteStatusHTML(&b, fleetFixture()); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`,
		"Fabrikam &lt;script&gt;alert(1)&lt;/script&gt;",
		`href="https://x.example/agent/tickets/1001&#34; onclick=&#34;alert(1)"`,
		"Jonas &lt;b&gt;Weber&lt;/b&gt;",
		`<line class="today"`,
		"@media print",
		"ring 1: early adopters",
		"CAB-2291",
		// The entry being implemented runs nothing yet, and is not counted
		// in the share on the newest release.
		"<td>nothing yet</td>",
		"on 4.3.0 (1 of the 4 running; 1 being implemented)",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "http://", "src=", "@import", "url("} {
		if strings.Contains(strings.ReplaceAll(page, "&lt;script", ""), bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	if n := strings.Count(page, `<rect class="bar`); n != 4+2 {
		t.Errorf("%d bars, want 4 versions + 2 engineers", n)
	}
	if n := strings.Count(page, `<circle class="dot`); n != 3 {
		t.Errorf("%d dots, want 3 (northwind has no day)", n)
	}
	if !strings.Contains(page, `<circle class="dot overdue"`) {
		t.Error("the overdue upgrade is not marked")
	}
}

// TestStatusHTMLEmpty: a fleet with nothing scheduled and no roster still
// makes a page, which says so.
func TestStatusHTMLEmpty(t *testing.T) {
	st := &templates.FleetStatus{Product: "Atlas", Latest: "4.3.0", Today: "2026-12-10"}
	var b bytes.Buffer
	if err := templates.WriteStatusHTML(&b, st); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"No upgrade is scheduled or recorded yet.", "No standby roster", "ZenDesk was not read"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}
