package upgrades_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/internal/example"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/upgrades"
	"github.com/atlas-release/atlas-release/zendesk"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

// completion is one workspace, as files, that completions are recorded in:
// each call loads it as the CLI would, and writes the result's files back.
type completion struct {
	t      *testing.T
	fsys   fstest.MapFS
	client *zendesk.Client
}

func (c *completion) complete(customer string, o upgrades.CompleteOptions) (*upgrades.CompleteResult, error) {
	c.t.Helper()
	ws, err := releases.Load(c.fsys)
	if err != nil {
		c.t.Fatal(err)
	}
	if d := ws.Validate(); d.Errors() > 0 {
		c.t.Fatal(d)
	}
	to := semver.MustParse("4.3.0")
	h, diags, err := releases.LoadHistory(c.fsys, to)
	if err != nil || diags.Errors() > 0 {
		c.t.Fatal(err, diags)
	}
	o.Workspace, o.Customer, o.To, o.History = ws, customer, to, h
	if o.Client == nil && !o.NoTicket {
		o.Client = c.client
	}
	res, err := upgrades.Complete(context.Background(), o)
	if err == nil && res.HistoryData != nil {
		c.fsys[res.HistoryFile] = &fstest.MapFile{Data: res.HistoryData}
	}
	if err == nil && res.CustomersData != nil {
		c.fsys[res.CustomersFile] = &fstest.MapFile{Data: res.CustomersData}
	}
	return res, err
}

func window(start, end string) []releases.ActualWindow {
	return []releases.ActualWindow{{Started: start, Finished: end}}
}

// TestCompleteIdempotent records fabrikam's upgrade against the emulator: the
// ticket is commented and solved, customers.yaml changes on one line, the
// history records the figures; the same call again writes nothing anywhere.
func TestCompleteIdempotent(t *testing.T) {
	e := newEnv(t)
	ws := workspace(t, nil)
	if _, err := e.schedule(ws, "fabrikam", "2026-12-08"); err != nil {
		t.Fatal(err)
	}
	client, err := zendesk.New(zendesk.Options{BaseURL: e.srv.URL, Credentials: zendesk.BearerToken("tok"), Clock: e.clock.Now, Sleep: e.clock.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	c := &completion{t: t, fsys: example.FS(t), client: client}
	before := string(c.fsys[releases.CustomersFile].Data)
	o := upgrades.CompleteOptions{Outcome: releases.OutcomeOK, Windows: window("2026-12-08T19:00:00-06:00", "2026-12-08T21:05:00-06:00"), HandsOnMinutes: 40, Note: "smooth <b>"}
	e.srv.ResetLog()
	res, err := c.complete("fabrikam", o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ticket == nil || res.Ticket.Action != upgrades.TicketUpdated || e.srv.Writes() != 1 || res.Minutes[0] != 125 || res.From != "4.2.0" || len(res.Warnings) > 0 {
		t.Fatalf("%+v, %d writes", res, e.srv.Writes())
	}
	tk := e.tickets()[0]
	last := tk.Comments[len(tk.Comments)-1]
	if tk.Status != "solved" || !slices.Contains(tk.Tags, upgrades.OutcomeOKTag) || last.Public ||
		!strings.Contains(last.HTMLBody, "125 min") || !strings.Contains(last.HTMLBody, "Hands-on: 40 min") || !strings.Contains(last.HTMLBody, "smooth &lt;b&gt;") {
		t.Errorf("ticket %+v", tk)
	}
	after := string(res.CustomersData)
	if want := strings.Replace(before, "    version: 4.2.0\n    tenant: fabrikam", "    version: 4.3.0\n    tenant: fabrikam", 1); after != want || after == before {
		t.Errorf("customers.yaml:\n%s", after)
	}
	if h := string(res.HistoryData); !strings.Contains(h, "  - customer: fabrikam\n    completion:\n      from: 4.2.0\n      outcome: ok\n      windows:\n        - started: \"2026-12-08T19:00:00-06:00\"\n") {
		t.Errorf("history:\n%s", h)
	}
	// Again, with the workspace as it now is: nothing is written.
	e.srv.ResetLog()
	res, err = c.complete("fabrikam", o)
	if err != nil || res.Changed() || res.Ticket.Action != upgrades.TicketFound || e.srv.Writes() != 0 || len(res.Warnings) > 0 {
		t.Fatalf("again: %+v %v, %d writes", res, err, e.srv.Writes())
	}
	// A lost write of the files (the ticket was updated, the files not):
	// the files are written, the ticket is left alone.
	c.fsys[releases.CustomersFile].Data = []byte(before)
	delete(c.fsys, releases.HistoryFile(semver.MustParse("4.3.0")))
	e.srv.ResetLog()
	res, err = c.complete("fabrikam", o)
	if err != nil || res.CustomersData == nil || res.HistoryData == nil || e.srv.Writes() != 0 {
		t.Fatalf("after a lost write: %+v %v, %d writes", res, err, e.srv.Writes())
	}
}

// TestCompleteRolledBack leaves the version and the ticket open, tagged; a
// later ok completion replaces the outcome, solves the ticket and swaps the tag.
func TestCompleteRolledBack(t *testing.T) {
	e := newEnv(t)
	ws := workspace(t, nil)
	if _, err := e.schedule(ws, "fabrikam", "2026-12-08"); err != nil {
		t.Fatal(err)
	}
	client, _ := zendesk.New(zendesk.Options{BaseURL: e.srv.URL, Credentials: zendesk.BearerToken("tok"), Clock: e.clock.Now, Sleep: e.clock.Sleep})
	c := &completion{t: t, fsys: example.FS(t), client: client}
	res, err := c.complete("fabrikam", upgrades.CompleteOptions{Outcome: releases.OutcomeRolledBack, Windows: window("2026-12-08T19:00:00-06:00", "2026-12-08T23:30:00-06:00"), Note: "search index failed"})
	if err != nil || res.CustomersData != nil || res.HistoryData == nil || res.Version != "4.2.0" {
		t.Fatalf("%+v %v", res, err)
	}
	tk := e.tickets()[0]
	if tk.Status == "solved" || !slices.Contains(tk.Tags, upgrades.OutcomeRolledBackTag) {
		t.Errorf("ticket %+v", tk)
	}
	res, err = c.complete("fabrikam", upgrades.CompleteOptions{Outcome: releases.OutcomeOK, Windows: window("2026-12-15T19:00:00-06:00", "2026-12-15T21:00:00-06:00")})
	if err != nil || res.CustomersData == nil || res.Version != "4.3.0" {
		t.Fatalf("%+v %v", res, err)
	}
	tk = e.tickets()[0]
	if tk.Status != "solved" || slices.Contains(tk.Tags, upgrades.OutcomeRolledBackTag) || !slices.Contains(tk.Tags, upgrades.OutcomeOKTag) {
		t.Errorf("ticket %+v", tk)
	}
}

// TestCompleteRefusals: nothing is written, on ZenDesk or in the workspace,
// and each refusal is an InputError (exit 3).
func TestCompleteRefusals(t *testing.T) {
	e := newEnv(t)
	client, _ := zendesk.New(zendesk.Options{BaseURL: e.srv.URL, Credentials: zendesk.BearerToken("tok"), Clock: e.clock.Now, Sleep: e.clock.Sleep})
	ok := window("2026-12-08T19:00:00-06:00", "2026-12-08T21:00:00-06:00")
	for _, tc := range []struct {
		name, customer string
		o              upgrades.CompleteOptions
		want           string
	}{
		{"up to date", "adatum", upgrades.CompleteOptions{Outcome: releases.OutcomeOK, Windows: ok, NoTicket: true}, "there is no upgrade to 4.3.0"},
		{"unknown", "initech", upgrades.CompleteOptions{Outcome: releases.OutcomeOK, Windows: ok, NoTicket: true}, `no customer "initech"`},
		{"backwards", "fabrikam", upgrades.CompleteOptions{Outcome: releases.OutcomeOK, Windows: window("2026-12-08T21:00:00-06:00", "2026-12-08T19:00:00-06:00"), NoTicket: true}, "before it started"},
		{"same instant", "fabrikam", upgrades.CompleteOptions{Outcome: releases.OutcomeOK, Windows: window("2026-12-08T21:00:00-06:00", "2026-12-09T03:00:00Z"), NoTicket: true}, "before it started"},
		{"overlapping windows", "fabrikam", upgrades.CompleteOptions{Outcome: releases.OutcomeOK, NoTicket: true,
			Windows: append(slices.Clone(ok), releases.ActualWindow{Started: "2026-12-08T20:00:00-06:00", Finished: "2026-12-08T22:00:00-06:00"})}, "before window 1 finished"},
		{"no window", "fabrikam", upgrades.CompleteOptions{Outcome: releases.OutcomeOK, NoTicket: true}, "no window"},
		{"bad outcome", "fabrikam", upgrades.CompleteOptions{Outcome: "done", Windows: ok, NoTicket: true}, "not one of ok"},
		{"control characters", "fabrikam", upgrades.CompleteOptions{Outcome: releases.OutcomeOK, Windows: ok, NoTicket: true, Note: "a\x1b[31m"}, "control characters"},
		{"no ticket", "fabrikam", upgrades.CompleteOptions{Outcome: releases.OutcomeOK, Windows: ok}, "no change ticket atlas-upgrade-fabrikam-4.3.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Without the example's history, in which adatum's upgrade to
			// 4.3.0 is recorded (recording it again is no refusal but a no-op).
			fsys := example.FS(t)
			delete(fsys, "history/4.3.0.yaml")
			c := &completion{t: t, fsys: fsys, client: client}
			e.srv.ResetLog()
			res, err := c.complete(tc.customer, tc.o)
			var ie *upgrades.InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) || res != nil || e.srv.Writes() != 0 {
				t.Errorf("result %v, %v (want %q), %d writes", res != nil, err, tc.want, e.srv.Writes())
			}
		})
	}
}

// TestCompleteClosedTicket: ZenDesk refuses to update a closed ticket, so the
// outcome is recorded in the workspace with a warning.
func TestCompleteClosedTicket(t *testing.T) {
	e := newEnv(t)
	if _, err := e.schedule(workspace(t, nil), "fabrikam", "2026-12-08"); err != nil {
		t.Fatal(err)
	}
	e.srv.Edit(func(st *zendesktest.State) { st.Tickets[0].Status = "closed" })
	client, _ := zendesk.New(zendesk.Options{BaseURL: e.srv.URL, Credentials: zendesk.BearerToken("tok"), Clock: e.clock.Now, Sleep: e.clock.Sleep})
	c := &completion{t: t, fsys: example.FS(t), client: client}
	e.srv.ResetLog()
	res, err := c.complete("fabrikam", upgrades.CompleteOptions{Outcome: releases.OutcomeOK, Windows: window("2026-12-08T19:00:00-06:00", "2026-12-08T21:00:00-06:00")})
	if err != nil || res.CustomersData == nil || len(res.Warnings) == 0 || !strings.Contains(res.Warnings[len(res.Warnings)-1], "closed") || e.srv.Writes() != 0 {
		t.Fatalf("%+v %v, %d writes", res, err, e.srv.Writes())
	}
}

// TestParseActual reads local times in the customer's zone, and times with
// an offset as they are.
func TestParseActual(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	for in, want := range map[string]string{
		"2026-12-19T08:02":          "2026-12-19T08:02:00+01:00",
		"2026-12-19 08:02":          "2026-12-19T08:02:00+01:00",
		"2026-07-19T08:02":          "2026-07-19T08:02:00+02:00",
		"2026-12-19T08:02:00Z":      "2026-12-19T08:02:00Z",
		"2026-12-19T08:02:00-06:00": "2026-12-19T08:02:00-06:00",
		"2026-12-19":                "",
		"08:02":                     "",
		"2026-13-19T08:02":          "",
		"":                          "",
	} {
		got, err := upgrades.ParseActual(in, berlin)
		if got != want || (err == nil) != (want != "") {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
}

// FuzzParseActual: whatever is given, a time read is RFC 3339 that reads back
// as the same instant.
func FuzzParseActual(f *testing.F) {
	for _, s := range []string{"2026-12-19T08:02", "2026-12-19T08:02:00+01:00", "2026-12-19 08:02", "x", "9999-12-31T23:59:59+23:59"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := upgrades.ParseActual(s, time.UTC)
		if err != nil {
			return
		}
		if _, err := time.Parse(time.RFC3339, out); err != nil {
			t.Fatalf("%q → %q: %v", s, out, err)
		}
	})
}
