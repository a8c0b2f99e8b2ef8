package upgrades_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/internal/example"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/upgrades"
	"github.com/atlas-release/atlas-release/zendesk"
)

// The example's litware is being implemented and runs nothing yet.
const installURL = "https://github.com/atlas-workplace/atlas-runbooks/releases/download/v4.3.0/atlas-4.3.0-install.tar.gz"

// TestPlanNewDeployment: a customer being implemented without a version is
// offered the target's install bundle, with the install's window, effort and
// people, and nothing that goes offline.
func TestPlanNewDeployment(t *testing.T) {
	ws := workspace(t, nil)
	to := semver.MustParse("4.3.0")
	install, err := ws.InstallPlan(to)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := upgrades.Plan(ws, to)
	if err != nil {
		t.Fatal(err)
	}
	var e *upgrades.Entry
	for i := range plan {
		if plan[i].Customer == "litware" {
			e = &plan[i]
		}
	}
	switch {
	case e == nil:
		t.Fatal("litware is not in the plan")
	case e.Status != upgrades.NeedsInstall || e.From != "" || e.Bundle != "atlas-4.3.0-install.tar.gz" || e.BundleURL != installURL || e.Note != "":
		t.Errorf("litware: %+v", e)
	case len(e.Windows) != 1 || e.Windows[0].MaxMinutes != install.Hops[0].Window.MaxMinutes || e.Windows[0].EstimateMinutes != install.Hops[0].Window.EstimateMinutes:
		t.Errorf("windows %+v, want the install's %+v", e.Windows, install.Hops[0].Window)
	case e.HandsOnMinutes != install.Total.HandsOnMinutes || e.Prerequisites != len(install.Prerequisites) || len(e.People) == 0 || len(e.Outages) != 0:
		t.Errorf("figures %+v", e)
	}
}

// TestScheduleDeployment opens a deployment ticket for litware: its own
// external id, subject, tags and request, as long as the install's window;
// re-running finds it, a new date reschedules it, and a later upgrade ticket
// of the same customer is a ticket of its own.
func TestScheduleDeployment(t *testing.T) {
	e := newEnv(t)
	ws := workspace(t, nil)
	install, err := ws.InstallPlan(semver.MustParse("4.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.schedule(ws, "litware", "2026-12-09")
	if err != nil {
		t.Fatal(err)
	}
	if res.Ticket.Action != upgrades.TicketCreated || !res.Deployment || res.From != "" || len(e.tickets()) != 1 {
		t.Fatalf("first schedule: %+v, %d tickets", res, len(e.tickets()))
	}
	tk := e.tickets()[0]
	if tk.ExternalID != "atlas-deployment-litware-4.3.0" || tk.Subject != "Deploy Atlas 4.3.0 for Litware Inc. on 2026-12-09 09:00 (America/New_York)" ||
		strings.Join(tk.Tags, ",") != "atlas-release,atlas-deployment,customer-litware,atlas-4.3.0" {
		t.Errorf("ticket %+v", tk)
	}
	body := tk.Comments[0].HTMLBody
	for _, want := range []string{"New deployment", "Litware Inc.", "atlas-4.3.0-install.tar.gz", installURL,
		"install procedure of 4.0.0", "No service of the customer goes offline", "Backout plan", "Test plan"} {
		if !strings.Contains(body, want) {
			t.Errorf("the ticket does not say %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "Change request: upgrade") || strings.Contains(body, "offline 10–15 min") {
		t.Errorf("the deployment ticket reads as an upgrade:\n%s", body)
	}
	w := res.Windows[0]
	if len(res.Windows) != 1 || w.StartUTC != time.Date(2026, 12, 9, 14, 0, 0, 0, time.UTC) ||
		w.EndUTC.Sub(w.StartUTC) != time.Duration(install.Hops[0].Window.MaxMinutes)*time.Minute {
		t.Errorf("windows %+v, want one of %d min", res.Windows, install.Hops[0].Window.MaxMinutes)
	}
	var names []string
	for _, f := range res.Files {
		names = append(names, f.Name)
	}
	if strings.Join(names, " ") != "deployment-request.md maintenance-window.ics" {
		t.Errorf("files %v", names)
	}

	// Again: found, nothing written. Another day: rescheduled.
	e.srv.ResetLog()
	if res, err = e.schedule(ws, "litware", "2026-12-09"); err != nil || res.Ticket.Action != upgrades.TicketFound || e.srv.Writes() != 0 {
		t.Errorf("re-run: %+v %v, %d writes", res.Ticket, err, e.srv.Writes())
	}
	if res, err = e.schedule(ws, "litware", "2026-12-16"); err != nil || res.Ticket.Action != upgrades.TicketRescheduled || len(e.tickets()) != 1 {
		t.Errorf("reschedule: %+v %v, %d tickets", res.Ticket, err, len(e.tickets()))
	}

	// Deployed on 4.2.0 meanwhile: its upgrade to 4.3.0 is another ticket.
	upgraded := workspace(t, func(files map[string]string) {
		files[releases.CustomersFile] = strings.Replace(files[releases.CustomersFile], "    tenant: litware.onmicrosoft.com\n",
			"    version: 4.2.0\n    tenant: litware.onmicrosoft.com\n", 1)
	})
	res, err = e.schedule(upgraded, "litware", "2026-12-16")
	if err != nil || res.Ticket.Action != upgrades.TicketCreated || res.Deployment || res.Ticket.ExternalID != "atlas-upgrade-litware-4.3.0" || len(e.tickets()) != 2 {
		t.Errorf("upgrade after the deployment: %+v %v, %d tickets", res, err, len(e.tickets()))
	}
}

// TestDeploymentRequestOverride: a workspace's deployment-request.md.tmpl
// replaces the built-in one in the ticket.
func TestDeploymentRequestOverride(t *testing.T) {
	fsys := example.FS(t)
	fsys["templates/"+templates.DeploymentRequestMarkdown] = &fstest.MapFile{Data: []byte("# Our own deployment form for {{.Customer.Name}}\n")}
	ws, err := releases.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	set, err := templates.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	res, err := upgrades.Schedule(context.Background(), upgrades.ScheduleOptions{Workspace: ws, Templates: set, DryRun: true,
		Customer: "litware", To: semver.MustParse("4.3.0"), Date: releases.NewDate(2026, 12, 9), Generator: "test", Today: releases.NewDate(2026, 11, 20)})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(res.Files[0].Data); got != "# Our own deployment form for Litware Inc.\n" || res.Ticket.Action != upgrades.TicketPlanned {
		t.Errorf("request %q, ticket %+v", got, res.Ticket)
	}
}

// TestStatusOfDeployment: status reads the deployment ticket's slot, and a
// customer with nothing deployed is neither up to date nor out of support.
func TestStatusOfDeployment(t *testing.T) {
	e := newEnv(t)
	ws := workspace(t, nil)
	st := func() templates.StatusEntry {
		t.Helper()
		client, err := zendesk.New(zendesk.Options{BaseURL: e.srv.URL, Credentials: zendesk.BearerToken("tok"), Clock: e.clock.Now, Sleep: e.clock.Sleep})
		if err != nil {
			t.Fatal(err)
		}
		s, err := upgrades.FleetStatus(context.Background(), upgrades.StatusOptions{Workspace: ws, Client: client, Today: releases.NewDate(2026, 12, 1)})
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range s.Entries {
			if en.Customer == "litware" {
				return en
			}
		}
		t.Fatal("litware is not in the status")
		return templates.StatusEntry{}
	}
	if en := st(); en.State != templates.StateNotScheduled || !en.Supported {
		t.Errorf("before the schedule: %+v", en)
	}
	if _, err := e.schedule(ws, "litware", "2026-12-09"); err != nil {
		t.Fatal(err)
	}
	if en := st(); en.State != templates.StateScheduled || en.Ticket == nil || en.Ticket.Scheduled != "2026-12-09" || en.Ticket.Start != "09:00" {
		t.Errorf("after the schedule: %+v %+v", en, en.Ticket)
	}
}

// TestCompleteDeployment records litware's deployment: its deployment ticket
// is solved, customers.yaml gains its version after its name, and the history
// records it as from the release itself; again, nothing is written, the
// ticket still being the deployment's although litware now runs 4.3.0.
func TestCompleteDeployment(t *testing.T) {
	e := newEnv(t)
	if _, err := e.schedule(workspace(t, nil), "litware", "2026-12-09"); err != nil {
		t.Fatal(err)
	}
	client, err := zendesk.New(zendesk.Options{BaseURL: e.srv.URL, Credentials: zendesk.BearerToken("tok"), Clock: e.clock.Now, Sleep: e.clock.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	c := &completion{t: t, fsys: example.FS(t), client: client}
	before := string(c.fsys[releases.CustomersFile].Data)
	o := upgrades.CompleteOptions{Outcome: releases.OutcomeOK, Windows: window("2026-12-09T09:00:00-05:00", "2026-12-09T11:10:00-05:00"), HandsOnMinutes: 120}
	res, err := c.complete("litware", o)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Deployment || res.From != "" || res.Version != "4.3.0" || res.Ticket == nil || res.Ticket.ExternalID != "atlas-deployment-litware-4.3.0" ||
		res.Ticket.Action != upgrades.TicketUpdated || len(res.Warnings) > 0 {
		t.Fatalf("%+v %+v", res, res.Ticket)
	}
	tk := e.tickets()[0]
	if last := tk.Comments[len(tk.Comments)-1]; tk.Status != "solved" || !strings.Contains(last.HTMLBody, "Deployment of litware 4.3.0: ok") {
		t.Errorf("ticket %+v", tk)
	}
	want := strings.Replace(before, "    name: Litware Inc.\n", "    name: Litware Inc.\n    version: 4.3.0\n", 1)
	if after := string(res.CustomersData); after != want || after == before {
		t.Errorf("customers.yaml:\n%s", after)
	}
	if h := string(res.HistoryData); !strings.Contains(h, "  - customer: litware\n    completion:\n      from: 4.3.0\n      outcome: ok\n") {
		t.Errorf("history:\n%s", h)
	}
	e.srv.ResetLog()
	res, err = c.complete("litware", o)
	if err != nil || res.Changed() || !res.Deployment || res.Ticket.Action != upgrades.TicketFound || e.srv.Writes() != 0 {
		t.Fatalf("again: %+v %v, %d writes", res, err, e.srv.Writes())
	}
}
