package upgrades_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/internal/golden"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/upgrades"
	"github.com/atlas-release/atlas-release/zendesk"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

var v43 = semver.MustParse("4.3.0")

func rolloutOptions(ws *releases.Workspace, completed ...string) upgrades.RolloutOptions {
	done := map[string]time.Time{}
	for _, id := range completed {
		done[id] = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	}
	return upgrades.RolloutOptions{Workspace: ws, To: v43, From: releases.NewDate(2026, 12, 1), Today: releases.NewDate(2026, 11, 30), Completed: done}
}

// TestRolloutGolden: the example's rollout, its JSON and a roster, as
// golden files; the same input gives the same bytes.
func TestRolloutGolden(t *testing.T) {
	ws := workspace(t, nil)
	var first []byte
	for range 2 {
		r, err := upgrades.PlanRollout(context.Background(), rolloutOptions(ws))
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if first != nil && !bytes.Equal(first, b) {
			t.Fatal("two plans of the same rollout differ")
		}
		first = b
		golden.Check(t, filepath.Join("testdata", "golden", "rollout-4.3.0.json"), append(b, '\n'))
		for _, ro := range r.Rosters {
			var ics bytes.Buffer
			if err := templates.WriteRoster(&ics, &ro); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", templates.RosterFile(ro.Email)), ics.Bytes())
		}
	}
	p, err := upgrades.Propose(context.Background(), rolloutOptions(ws), "contoso", 3)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, s := range p.Slots {
		b.WriteString(s.Windows[0].Date + " " + s.Windows[0].Time + " " + s.Engineer + " " + string(s.Status) + "\n")
	}
	for _, s := range p.Skipped {
		b.WriteString(s + "\n")
	}
	golden.Check(t, filepath.Join("testdata", "golden", "propose-contoso-4.3.0.txt"), []byte(b.String()))
}

// TestRolloutGates: completed rings open the next; an approval lifts the
// change board's lead time and the tentative status.
func TestRolloutGates(t *testing.T) {
	ws := workspace(t, nil)
	r, err := upgrades.PlanRollout(context.Background(), rolloutOptions(ws, "atlas-dev", "atlas-test", "atlas-prod"))
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]upgrades.Slot{}
	for _, s := range r.Slots {
		status[s.Customer] = s
	}
	if status["atlas-dev"].Status != upgrades.SlotDone || status["fabrikam"].Status != upgrades.SlotScheduled || status["contoso"].Status != upgrades.SlotWaiting {
		t.Fatalf("statuses %+v", status)
	}
	// Fabrikam may start a week (the soak) after ring 0 completed on 4 December.
	if got := status["fabrikam"].Windows[0].StartUTC; got.Before(time.Date(2026, 12, 11, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("fabrikam at %s, inside ring 0's soak", got)
	}
	opts := rolloutOptions(ws, "atlas-dev", "atlas-test", "atlas-prod", "fabrikam")
	r, _ = upgrades.PlanRollout(context.Background(), opts)
	for _, s := range r.Slots {
		status[s.Customer] = s
	}
	if status["contoso"].Status != upgrades.SlotTentative || status["northwind"].Status != upgrades.SlotTentative {
		t.Fatalf("CAB customers %+v %+v", status["contoso"], status["northwind"])
	}
	// Contoso's board needs 14 days from 30 November, northwind's 21.
	opts.From = releases.NewDate(2026, 12, 1)
	for id, first := range map[string]string{"contoso": "2026-12-14", "northwind": "2026-12-21"} {
		p, err := upgrades.Propose(context.Background(), opts, id, 1)
		if err != nil {
			t.Fatal(err)
		}
		if p.Slots[0].Windows[0].Date < first {
			t.Errorf("%s proposed on %s, inside its board's lead time", id, p.Slots[0].Windows[0].Date)
		}
	}
	opts.History = &releases.History{Version: "4.3.0"}
	opts.History.Approve("contoso", releases.Approval{Ref: "CAB-1", Date: releases.NewDate(2026, 11, 30)})
	p, err := upgrades.Propose(context.Background(), opts, "contoso", 1)
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Slots[0]; s.Status != upgrades.SlotScheduled || s.Windows[0].Date != "2026-12-12" || s.Approval != "CAB-1" {
		t.Errorf("approved contoso: %+v", s)
	}
}

// TestRolloutRefusals: bad input is an InputError that says what to change.
func TestRolloutRefusals(t *testing.T) {
	for name, c := range map[string]struct {
		edit     func(map[string]string)
		customer string
		done     []string
		want     string
	}{
		"unknown customer":        {customer: "initech", want: `no customer "initech" in customers.yaml`},
		"up to date":              {customer: "adatum", want: "adatum runs 4.3.0 already"},
		"unknown completed entry": {done: []string{"initech"}, want: `no customer "initech"`},
		"no standby roster": {edit: func(f map[string]string) {
			f["atlas-release.yaml"] = f["atlas-release.yaml"][:strings.Index(f["atlas-release.yaml"], "\n# Who can be on standby")] + "\n"
		}, want: "has no standby roster: add standby:"},
		"nobody covers a window": {edit: func(f map[string]string) {
			f["customers.yaml"] = strings.Replace(f["customers.yaml"], `{day: saturday, start: "08:00", timeZone: Europe/Berlin}`, `{day: saturday, start: "22:00", timeZone: Europe/Berlin}`, 1)
		}, customer: "contoso", want: "\n  47 days: no standby engineer covers 22:00–00:00 Europe/Berlin\n  to change: give an engineer"},
	} {
		t.Run(name, func(t *testing.T) {
			o := rolloutOptions(workspace(t, c.edit), c.done...)
			var err error
			if c.customer != "" {
				_, err = upgrades.Propose(context.Background(), o, c.customer, 3)
			} else {
				_, err = upgrades.PlanRollout(context.Background(), o)
			}
			var ie *upgrades.InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an InputError saying %q", err, c.want)
			}
		})
	}
}

// fleetEnv is an emulator with the roster's agents.
func fleetEnv(t *testing.T, agents ...string) (*env, *zendesk.Client) {
	e := newEnv(t)
	e.srv.Edit(func(st *zendesktest.State) {
		for _, a := range agents {
			st.AddAgent(a, a)
		}
		st.AddUser("Ex Employee", "someone@atlas-workplace.example", "end-user")
	})
	client, err := zendesk.New(zendesk.Options{BaseURL: e.srv.URL, Credentials: zendesk.BearerToken("tok"), Clock: e.clock.Now, Sleep: e.clock.Sleep,
		RequestTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return e, client
}

var roster = []string{"priya.raman@atlas-workplace.example", "jonas.weber@atlas-workplace.example", "marcus.lee@atlas-workplace.example"}

func apply(t *testing.T, client *zendesk.Client, ws *releases.Workspace, o upgrades.RolloutOptions) (*upgrades.Rollout, error) {
	t.Helper()
	read, err := upgrades.ReadTickets(context.Background(), client, ws, v43)
	if err != nil {
		t.Fatal(err)
	}
	for id, at := range read.Completed {
		o.Completed[id] = at
	}
	o.Tickets = read.Open
	r, err := upgrades.PlanRollout(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	set, err := templates.Load(ws.FS)
	if err != nil {
		t.Fatal(err)
	}
	return r, upgrades.ApplyRollout(context.Background(), upgrades.ApplyOptions{Workspace: ws, Templates: set, Client: client, Generator: "test",
		Today: o.Today, History: o.History}, r)
}

// TestRolloutApply: --apply opens ring 0's tickets, assigned and tagged,
// through a create whose answer is lost; a re-run writes nothing; a solved
// ticket completes its entry; a customer's new preference moves that
// ticket alone.
func TestRolloutApply(t *testing.T) {
	e, client := fleetEnv(t, roster...)
	ws := workspace(t, nil)
	e.srv.Inject(zendesktest.Fault{Kind: zendesktest.DropAfterCommit, Method: "POST", PathPattern: "/tickets$", Times: 1})
	r, err := apply(t, client, ws, rolloutOptions(ws))
	if err != nil {
		t.Fatal(err)
	}
	tickets := e.tickets()
	if len(tickets) != 3 {
		t.Fatalf("%d tickets, want ring 0's 3", len(tickets))
	}
	agents := map[int64]string{}
	for _, u := range e.srv.Snapshot().Users {
		agents[u.ID] = u.Email
	}
	for _, tk := range tickets {
		if agents[tk.AssigneeID] != "priya.raman@atlas-workplace.example" || !slices.Contains(tk.Tags, "ring-0") {
			t.Errorf("ticket %s: assignee %d, tags %v", tk.ExternalID, tk.AssigneeID, tk.Tags)
		}
	}
	for _, s := range r.Slots {
		if (s.Ticket != nil) != (s.Ring == 0) {
			t.Errorf("%s (%s): ticket %+v", s.Customer, s.Status, s.Ticket)
		}
	}
	e.srv.ResetLog()
	if _, err := apply(t, client, ws, rolloutOptions(ws)); err != nil || e.srv.Writes() != 0 {
		t.Fatalf("re-run: %v, %d writes", err, e.srv.Writes())
	}

	// Ring 0 is done (its tickets solved), fabrikam too: every customer gets
	// a ticket, the CAB ones tagged cab-pending.
	e.srv.Edit(func(st *zendesktest.State) {
		for _, tk := range st.Tickets {
			tk.Status, tk.UpdatedAt = "solved", time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
		}
	})
	if _, err := apply(t, client, ws, rolloutOptions(ws, "fabrikam")); err != nil {
		t.Fatal(err)
	}
	byExt := map[string]*zendesktest.Ticket{}
	for _, tk := range e.tickets() {
		byExt[tk.ExternalID] = tk
	}
	// Litware, being implemented, gets its deployment ticket in ring 2.
	if len(byExt) != 6 || !slices.Contains(byExt["atlas-upgrade-contoso-4.3.0"].Tags, upgrades.CABPendingTag) ||
		byExt["atlas-deployment-litware-4.3.0"] == nil || !slices.Contains(byExt["atlas-deployment-litware-4.3.0"].Tags, "ring-2") ||
		!slices.Contains(byExt["atlas-upgrade-northwind-4.3.0"].Tags, "ring-2") || byExt["atlas-upgrade-fabrikam-4.3.0"] != nil {
		t.Fatalf("tickets %v", byExt)
	}
	northwind := *byExt["atlas-upgrade-northwind-4.3.0"]
	contoso := *byExt["atlas-upgrade-contoso-4.3.0"]

	// Northwind now prefers 07:00: its ticket alone moves, in one update.
	moved := workspace(t, func(f map[string]string) {
		f["customers.yaml"] = strings.Replace(f["customers.yaml"], `{day: sunday, start: "06:00", timeZone: Europe/London}`, `{day: sunday, start: "07:00", timeZone: Europe/London}`, 1)
	})
	e.srv.ResetLog()
	if _, err := apply(t, client, moved, rolloutOptions(moved, "fabrikam")); err != nil {
		t.Fatal(err)
	}
	var puts []string
	for _, req := range e.srv.Requests() {
		if req.Write {
			puts = append(puts, req.Method+" "+req.Path)
		}
	}
	if len(puts) != 1 || puts[0] != "PUT /api/v2/tickets/"+itoa(northwind.ID) {
		t.Fatalf("writes %v, want one update of northwind's ticket %d", puts, northwind.ID)
	}
	for _, tk := range e.tickets() {
		switch tk.ID {
		case northwind.ID:
			if !strings.Contains(tk.Subject, "07:00") || len(tk.Comments) != 2 {
				t.Errorf("northwind: %q, %d comments", tk.Subject, len(tk.Comments))
			}
		case contoso.ID:
			if tk.Subject != contoso.Subject {
				t.Errorf("contoso moved: %q", tk.Subject)
			}
		}
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestRolloutApplyRefusesUnknownAgents: an engineer who is not a ZenDesk
// agent stops the apply before anything is written.
func TestRolloutApplyRefusesUnknownAgents(t *testing.T) {
	for name, setup := range map[string]func(*zendesktest.State){
		"no such user": func(st *zendesktest.State) {},
		"not an agent": func(st *zendesktest.State) { st.AddUser("Marcus Lee", roster[2], "end-user") },
		"suspended":    func(st *zendesktest.State) { st.AddAgent("Marcus Lee", roster[2]).Suspended = true },
	} {
		t.Run(name, func(t *testing.T) {
			e, client := fleetEnv(t, roster[:2]...)
			e.srv.Edit(setup)
			ws := workspace(t, nil)
			o := rolloutOptions(ws, "atlas-dev", "atlas-test", "atlas-prod") // fabrikam, with Marcus
			_, err := apply(t, client, ws, o)
			var ie *upgrades.InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), "make them a ZenDesk agent") || e.srv.Writes() != 0 {
				t.Errorf("%v, %d writes", err, e.srv.Writes())
			}
		})
	}
}

// TestApprove records an approval on the ticket and in the history, once.
func TestApprove(t *testing.T) {
	e, client := fleetEnv(t, roster...)
	ws := workspace(t, nil)
	if _, err := apply(t, client, ws, rolloutOptions(ws, "atlas-dev", "atlas-test", "atlas-prod", "fabrikam")); err != nil {
		t.Fatal(err)
	}
	approve := func(h *releases.History, ref string) *upgrades.ApproveResult {
		t.Helper()
		ro := rolloutOptions(ws, "atlas-dev", "atlas-test", "atlas-prod", "fabrikam")
		res, err := upgrades.Approve(context.Background(), upgrades.ApproveOptions{Workspace: ws, Client: client, Customer: "contoso", To: v43, Ref: ref,
			Today: releases.NewDate(2026, 12, 1), History: h, Rollout: &ro})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	e.srv.ResetLog()
	res := approve(nil, "CAB-2291")
	if res.Ticket == nil || res.Ticket.Action != upgrades.TicketUpdated || e.srv.Writes() != 1 || res.Window != "2026-12-19" {
		t.Fatalf("%+v, %d writes", res, e.srv.Writes())
	}
	golden.Check(t, filepath.Join("testdata", "golden", "history-4.3.0.yaml"), res.Data)
	var tk *zendesktest.Ticket
	for _, x := range e.tickets() {
		if x.ExternalID == "atlas-upgrade-contoso-4.3.0" {
			tk = x
		}
	}
	if !slices.Contains(tk.Tags, upgrades.CABApprovedTag) || slices.Contains(tk.Tags, upgrades.CABPendingTag) ||
		!strings.Contains(tk.Comments[len(tk.Comments)-1].HTMLBody, "CAB-2291") || tk.Comments[len(tk.Comments)-1].Public {
		t.Errorf("ticket %+v", tk)
	}
	// The history as the workspace now has it: the same approval writes nothing.
	fsys := map[string]string{releases.HistoryFile(v43): string(res.Data)}
	h := loadHistory(t, fsys)
	e.srv.ResetLog()
	if res := approve(h, "CAB-2291"); res.Data != nil || e.srv.Writes() != 0 {
		t.Errorf("again: %+v, %d writes", res, e.srv.Writes())
	}
	// The rollout now schedules contoso firmly, and changes nothing on its ticket.
	o := rolloutOptions(ws, "atlas-dev", "atlas-test", "atlas-prod", "fabrikam")
	o.History = h
	r, err := apply(t, client, ws, o)
	if err != nil || e.srv.Writes() != 0 {
		t.Fatalf("%v, %d writes", err, e.srv.Writes())
	}
	for _, s := range r.Slots {
		if s.Customer == "contoso" && s.Status != upgrades.SlotScheduled {
			t.Errorf("contoso %s", s.Status)
		}
	}
	for _, bad := range []struct{ customer, ref, want string }{
		{"fabrikam", "CAB-1", "there is no change board approval to record"},
		{"contoso", "two\nlines", "is not a change board reference"},
		{"adatum", "CAB-1", "there is no change board approval to record"},
		{"initech", "CAB-1", `no customer "initech"`},
	} {
		_, err := upgrades.Approve(context.Background(), upgrades.ApproveOptions{Workspace: ws, Client: client, Customer: bad.customer, To: v43, Ref: bad.ref})
		var ie *upgrades.InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s %q: %v", bad.customer, bad.ref, err)
		}
	}
}

func loadHistory(t *testing.T, files map[string]string) *releases.History {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	h, diags, err := releases.LoadHistory(fsys, v43)
	if err != nil || len(diags) > 0 {
		t.Fatalf("%v %v", err, diags)
	}
	return h
}

// TestRolloutCompletionFromHistory: an ok upgrade recorded in the history
// (upgrades complete) completes the entry for the ring gate, at the end of its
// last window, as a solved ticket does; a rolled-back one does not.
func TestRolloutCompletionFromHistory(t *testing.T) {
	ws := workspace(t, nil)
	opts := rolloutOptions(ws)
	opts.History = &releases.History{Version: "4.3.0"}
	for _, id := range []string{"atlas-dev", "atlas-test", "atlas-prod"} {
		opts.History.Entries = append(opts.History.Entries, releases.HistoryEntry{Customer: id, Completion: &releases.Completion{From: "4.2.0", Outcome: releases.OutcomeOK,
			Windows: []releases.ActualWindow{{Started: "2026-12-03T10:00:00Z", Finished: "2026-12-04T12:00:00Z"}}}})
	}
	r, err := upgrades.PlanRollout(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]upgrades.Slot{}
	for _, s := range r.Slots {
		status[s.Customer] = s
	}
	if status["atlas-dev"].Status != upgrades.SlotDone || status["fabrikam"].Status != upgrades.SlotScheduled {
		t.Fatalf("statuses %+v", status)
	}
	if got := status["fabrikam"].Windows[0].StartUTC; got.Before(time.Date(2026, 12, 11, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("fabrikam at %s, inside ring 0's soak after the recorded completion", got)
	}
	// A rolled-back upgrade has not completed the release.
	opts.History.Entries[0].Completion.Outcome = releases.OutcomeRolledBack
	r, err = upgrades.PlanRollout(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Slots {
		if s.Customer == "atlas-dev" && s.Status == upgrades.SlotDone {
			t.Error("a rolled-back upgrade counted as complete")
		}
	}
}
