package upgrades_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/upgrades"
	"github.com/atlas-release/atlas-release/zendesk"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

// TestFleetStatus reads the tickets of the example fleet from the emulator:
// fabrikam's window passed with its ticket open (overdue), contoso's is ahead
// (in flight, with its board's approval), atlas-dev's ticket is solved
// (completed), northwind is further behind than policy.supportedReleases.
// Reading writes nothing.
func TestFleetStatus(t *testing.T) {
	e := newEnv(t)
	ws := workspace(t, func(files map[string]string) {
		files[releases.ConfigFile] = strings.Replace(files[releases.ConfigFile], "  bundleSources: 3", "  supportedReleases: 2\n  bundleSources: 3", 1)
	})
	for _, s := range []struct{ customer, day string }{{"fabrikam", "2026-12-08"}, {"contoso", "2026-12-19"}, {"atlas-dev", "2026-12-01"}} {
		if _, err := e.schedule(ws, s.customer, s.day); err != nil {
			t.Fatal(err)
		}
	}
	var marcus *zendesktest.User
	e.srv.Edit(func(st *zendesktest.State) {
		marcus = st.AddAgent("Marcus Lee", "marcus.lee@atlas-workplace.example")
		for _, tk := range st.Tickets {
			switch tk.ExternalID {
			case "atlas-upgrade-fabrikam-4.3.0":
				tk.AssigneeID = marcus.ID
			case "atlas-upgrade-atlas-dev-4.3.0":
				tk.Status = "solved"
			}
		}
	})
	client, err := zendesk.New(zendesk.Options{BaseURL: e.srv.URL, Credentials: zendesk.BearerToken("tok"), Clock: e.clock.Now, Sleep: e.clock.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	h := &releases.History{SchemaVersion: 1, Version: "4.3.0"}
	h.Approve("contoso", releases.Approval{Ref: "CAB-2291", Date: releases.NewDate(2026, 11, 30)})
	e.srv.ResetLog()
	st, err := upgrades.FleetStatus(context.Background(), upgrades.StatusOptions{Workspace: ws, Client: client, Today: releases.NewDate(2026, 12, 10), History: h})
	if err != nil {
		t.Fatal(err)
	}
	if e.srv.Writes() != 0 {
		t.Errorf("%d writes", e.srv.Writes())
	}
	by := map[string]templates.StatusEntry{}
	for _, en := range st.Entries {
		by[en.Customer] = en
	}
	fab := by["fabrikam"]
	if fab.State != templates.StateOverdue || fab.Ticket == nil || fab.Ticket.Status != "new" || fab.Ticket.Scheduled != "2026-12-08" ||
		fab.Ticket.Engineer != "marcus.lee@atlas-workplace.example" || fab.Behind != 1 || fab.Ring != 1 || fab.Day != "2026-12-08" {
		t.Errorf("fabrikam %+v %+v", fab, fab.Ticket)
	}
	if c := by["contoso"]; c.State != templates.StateScheduled || c.Approval != "CAB-2291" || c.Behind != 2 || !c.Supported {
		t.Errorf("contoso %+v", c)
	}
	if a := by["atlas-dev"]; a.State != templates.StateCompleted || a.Ticket.Status != "solved" {
		t.Errorf("atlas-dev %+v", a)
	}
	if n := by["northwind"]; n.State != templates.StateNotScheduled || n.Supported || n.Behind != 3 || n.Ticket != nil {
		t.Errorf("northwind %+v", n)
	}
	if by["adatum"].State != templates.StateUpToDate {
		t.Errorf("adatum %+v", by["adatum"])
	}
	s := st.Summary
	if s.Entries != 8 || s.Implementing != 1 || s.OnLatest != 1 || s.OnLatestPercent != 14 || !slices.Equal(s.OutOfSupport, []string{"northwind"}) ||
		!slices.Equal(s.InFlight, []string{"contoso"}) || !slices.Equal(s.Overdue, []string{"fabrikam"}) || st.SupportedReleases != 2 {
		t.Errorf("summary %+v", s)
	}
	if len(s.Versions) != 4 || s.Versions[0] != (templates.VersionCount{Version: "4.3.0", Count: 1}) || s.Versions[1] != (templates.VersionCount{Version: "4.2.0", Count: 4}) {
		t.Errorf("versions %+v", s.Versions)
	}
	if len(s.Engineers) != 3 || s.Engineers[0].Email != "marcus.lee@atlas-workplace.example" || s.Engineers[0].Upgrades != 1 || s.Engineers[1].Upgrades != 0 {
		t.Errorf("engineers %+v", s.Engineers)
	}
	// Without ZenDesk, tickets are unknown and nothing is overdue.
	st, err = upgrades.FleetStatus(context.Background(), upgrades.StatusOptions{Workspace: ws, Today: releases.NewDate(2026, 12, 10), History: h})
	if err != nil || st.TicketsRead || len(st.Summary.Overdue) != 0 {
		t.Errorf("offline: %+v %v", st, err)
	}
	// A ZenDesk that fails is an error, not an empty fleet.
	e.srv.Inject(zendesktest.Fault{Kind: zendesktest.Fail500, Method: "GET", PathPattern: "/tickets$", Times: 100})
	if _, err := upgrades.FleetStatus(context.Background(), upgrades.StatusOptions{Workspace: ws, Client: client, Today: releases.NewDate(2026, 12, 10)}); err == nil || !strings.Contains(err.Error(), "reading the change ticket") {
		t.Errorf("failing ZenDesk: %v", err)
	}
}

// TestSupportedReleases: the policy's, or a year of releases at the cadence.
func TestSupportedReleases(t *testing.T) {
	for _, tc := range []struct {
		p    releases.Policy
		want int
	}{
		{releases.Policy{SupportedReleases: 2, Cadence: releases.Cadence{MonthsBetweenReleases: 3}}, 2},
		{releases.Policy{Cadence: releases.Cadence{MonthsBetweenReleases: 3}}, 4},
		{releases.Policy{Cadence: releases.Cadence{MonthsBetweenReleases: 1}}, 12},
		{releases.Policy{Cadence: releases.Cadence{MonthsBetweenReleases: 24}}, 1},
		{releases.Policy{}, 12},
	} {
		if got := upgrades.SupportedReleases(&tc.p); got != tc.want {
			t.Errorf("%+v: %d, want %d", tc.p, got, tc.want)
		}
	}
}
