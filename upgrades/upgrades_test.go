package upgrades_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/internal/example"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/upgrades"
	"github.com/atlas-release/atlas-release/zendesk"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

func workspace(t *testing.T, edit func(map[string]string)) *releases.Workspace {
	t.Helper()
	fsys := example.FS(t)
	if edit != nil {
		files := map[string]string{}
		for name, f := range fsys {
			files[name] = string(f.Data)
		}
		edit(files)
		for name, text := range files {
			fsys[name].Data = []byte(text)
		}
	}
	ws, err := releases.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if d := ws.Validate(); d.Errors() > 0 {
		t.Fatal(d)
	}
	return ws
}

func TestPlan(t *testing.T) {
	ws := workspace(t, nil)
	plan, err := upgrades.Plan(ws, semver.MustParse("4.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]upgrades.Entry{}
	for _, e := range plan {
		byID[e.Customer] = e
	}
	c := byID["contoso"]
	if c.Status != upgrades.NeedsUpgrade || strings.Join(c.Stops, ",") != "4.3.0" || c.Bundle != "atlas-4.3.0-from-4.1.0.tar.gz" ||
		c.Windows[0].MaxMinutes != 120 || c.GlobalAdminBlocks != 1 || c.ChangeProcess != "cab" || c.Locale != "de" ||
		c.BundleURL != "https://github.com/atlas-workplace/atlas-runbooks/releases/download/v4.3.0/atlas-4.3.0-from-4.1.0.tar.gz" {
		t.Errorf("contoso: %+v", c)
	}
	if byID["adatum"].Status != upgrades.UpToDate || byID["northwind"].Bundle != "atlas-4.3.0-from-4.0.0.tar.gz" {
		t.Errorf("adatum %+v, northwind %+v", byID["adatum"], byID["northwind"])
	}
	// To 4.2, Adatum is ahead.
	plan, _ = upgrades.Plan(ws, semver.MustParse("4.2.0"))
	for _, e := range plan {
		if e.Customer == "adatum" && e.Status != upgrades.Ahead {
			t.Errorf("adatum to 4.2: %s", e.Status)
		}
	}
}

type env struct {
	t     *testing.T
	srv   *zendesktest.Server
	clock *zendesktest.Clock
}

func newEnv(t *testing.T) *env {
	clock := zendesktest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	srv := zendesktest.New(nil, zendesktest.Config{Tokens: []string{"tok"}, Clock: clock.Now})
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, clock: clock}
}

func (e *env) schedule(ws *releases.Workspace, customer, date string) (*upgrades.ScheduleResult, error) {
	e.t.Helper()
	client, err := zendesk.New(zendesk.Options{BaseURL: e.srv.URL, Credentials: zendesk.BearerToken("tok"), Clock: e.clock.Now, Sleep: e.clock.Sleep})
	if err != nil {
		e.t.Fatal(err)
	}
	set, err := templates.Load(ws.FS)
	if err != nil {
		e.t.Fatal(err)
	}
	d, err := releases.ParseDate(date)
	if err != nil {
		e.t.Fatal(err)
	}
	return upgrades.Schedule(context.Background(), upgrades.ScheduleOptions{Workspace: ws, Templates: set, Client: client,
		Customer: customer, To: semver.MustParse("4.3.0"), Date: d, Generator: "test", Today: releases.NewDate(2026, 11, 20)})
}

func (e *env) tickets() []*zendesktest.Ticket { return e.srv.Snapshot().Tickets }

func TestScheduleOpensOneTicket(t *testing.T) {
	e := newEnv(t)
	ws := workspace(t, nil)
	res, err := e.schedule(ws, "contoso", "2026-12-05")
	if err != nil {
		t.Fatal(err)
	}
	if res.Ticket.Action != upgrades.TicketCreated || len(e.tickets()) != 1 {
		t.Fatalf("first schedule: %+v, %d tickets", res.Ticket, len(e.tickets()))
	}
	tk := e.tickets()[0]
	body := tk.Comments[0].HTMLBody
	for _, want := range []string{"4.1.0", "Book a Global Administrator", "Global Administrator", "1 block", "1 h 05 min", "Atlas ConneX offline 10–15 min",
		"Content freeze", "atlas-4.3.0-from-4.1.0.tar.gz", "https://github.com/atlas-workplace/atlas-runbooks/releases/download/v4.3.0/", "Backout plan", "Test plan"} {
		if !strings.Contains(body, want) {
			t.Errorf("the ticket does not say %q", want)
		}
	}
	if tk.ExternalID != "atlas-upgrade-contoso-4.3.0" || tk.Subject != "Upgrade Contoso Ltd to Atlas 4.3.0 on 2026-12-05 08:00 (Europe/Berlin)" ||
		strings.Join(tk.Tags, ",") != "atlas-release,atlas-upgrade,customer-contoso,atlas-4.3.0" {
		t.Errorf("ticket %+v", tk)
	}
	if w := res.Windows[0]; w.StartUTC != time.Date(2026, 12, 5, 7, 0, 0, 0, time.UTC) {
		t.Errorf("window %+v", w)
	}
	var names []string
	for _, f := range res.Files {
		names = append(names, f.Name)
	}
	// Contoso reads German, but 4.2 is not translated: English announcements.
	if strings.Join(names, " ") != "change-request.md announcement-before.md announcement-start.md announcement-end.md maintenance-window.ics" || len(res.Warnings) == 0 {
		t.Errorf("files %v, warnings %v", names, res.Warnings)
	}

	// Again, now and after the idempotency key expired: found, nothing written.
	for _, wait := range []time.Duration{0, 3 * time.Hour} {
		_ = e.clock.Sleep(context.Background(), wait)
		e.srv.ResetLog()
		res, err = e.schedule(ws, "contoso", "2026-12-05")
		if err != nil || res.Ticket.Action != upgrades.TicketFound || e.srv.Writes() != 0 || len(e.tickets()) != 1 {
			t.Errorf("re-run after %s: %+v %v, %d writes, %d tickets", wait, res.Ticket, err, e.srv.Writes(), len(e.tickets()))
		}
	}

	// Moved a week: one comment and a new subject; then quiet again.
	e.srv.ResetLog()
	res, err = e.schedule(ws, "contoso", "2026-12-12")
	if err != nil || res.Ticket.Action != upgrades.TicketRescheduled || e.srv.Writes() != 1 || len(e.tickets()) != 1 {
		t.Fatalf("reschedule: %+v %v, %d writes", res.Ticket, err, e.srv.Writes())
	}
	if tk := e.tickets()[0]; !strings.Contains(tk.Subject, "2026-12-12") || len(tk.Comments) != 2 {
		t.Errorf("rescheduled ticket %+v", tk)
	}
	e.srv.ResetLog()
	if res, _ = e.schedule(ws, "contoso", "2026-12-12"); res.Ticket.Action != upgrades.TicketFound || e.srv.Writes() != 0 {
		t.Errorf("after the reschedule: %+v, %d writes", res.Ticket, e.srv.Writes())
	}
}

func TestScheduleSurvivesALostAnswer(t *testing.T) {
	e := newEnv(t)
	e.srv.Inject(zendesktest.Fault{Kind: zendesktest.DropAfterCommit, Method: "POST", PathPattern: "/tickets$"})
	res, err := e.schedule(workspace(t, nil), "fabrikam", "2026-12-08")
	if err != nil || res.Ticket.Action != upgrades.TicketCreated || !res.Ticket.Replayed || len(e.tickets()) != 1 {
		t.Fatalf("%+v %v, %d tickets", res, err, len(e.tickets()))
	}
}

// TestScheduleAfterAKeyClash: a first run opened the ticket with an older text
// of the release; the look-up of the re-run misses it (a lagging replica), and
// its create reuses the key with another body: ZenDesk refuses, and the
// schedule finds the ticket instead of failing or opening another.
func TestScheduleAfterAKeyClash(t *testing.T) {
	e := newEnv(t)
	older := workspace(t, func(files map[string]string) {
		files["releases/4.3.0.yaml"] = strings.Replace(files["releases/4.3.0.yaml"], "Atlas 4.3 adds a template gallery", "Atlas 4.3 brings a template gallery", 1)
	})
	if _, err := e.schedule(older, "fabrikam", "2026-12-08"); err != nil {
		t.Fatal(err)
	}
	e.srv.Inject(zendesktest.Fault{Kind: zendesktest.EmptyList, Method: "GET", PathPattern: "/tickets$"})
	res, err := e.schedule(workspace(t, nil), "fabrikam", "2026-12-08")
	if err != nil || res.Ticket.Action != upgrades.TicketFound || len(e.tickets()) != 1 {
		t.Fatalf("%+v %v, %d tickets", res, err, len(e.tickets()))
	}
	clash := false
	for _, r := range e.srv.Requests() {
		if r.Method == "POST" && r.Status == 400 {
			clash = true
		}
	}
	if !clash {
		t.Error("the create did not clash")
	}
}

func TestScheduleRefusals(t *testing.T) {
	e := newEnv(t)
	ws := workspace(t, nil)
	for _, c := range []struct{ customer, date, want string }{
		{"contoso", "2023-05-20", "can be installed from 2023-05-29"},
		{"adatum", "2026-12-05", "runs 4.3.0 already"},
		{"initech", "2026-12-05", "no customer \"initech\""},
	} {
		if _, err := e.schedule(ws, c.customer, c.date); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: %v, want %q", c.customer, c.date, err, c.want)
		}
	}
	if e.srv.Writes() != 0 {
		t.Error("a refused schedule wrote")
	}
}
