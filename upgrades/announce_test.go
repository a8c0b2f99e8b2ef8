package upgrades_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/internal/golden"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/upgrades"
	"github.com/atlas-release/atlas-release/zendesk"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

// owners are the example's vendor-side owners of customers.
var owners = []string{"maya.lindqvist@atlas-workplace.example", "daniel.okafor@atlas-workplace.example", "tomas.rivera@atlas-workplace.example"}

func announce(t *testing.T, ws *releases.Workspace, client *zendesk.Client) (*upgrades.AnnounceResult, error) {
	t.Helper()
	set, err := templates.Load(ws.FS)
	if err != nil {
		t.Fatal(err)
	}
	return upgrades.Announce(context.Background(), upgrades.AnnounceOptions{Rollout: rolloutOptions(ws), Count: 3, Templates: set, Client: client, Generator: "test"})
}

// TestAnnounceGolden: one message per customer that needs 4.3, none for the
// vendor's own environments or a customer up to date; the messages, and the
// same bytes for the same input.
func TestAnnounceGolden(t *testing.T) {
	ws := workspace(t, nil)
	res, err := announce(t, ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range res.Announcements {
		ids = append(ids, a.Customer)
		golden.Check(t, filepath.Join("testdata", "golden", "announce", a.File.Name), a.File.Data)
		if a.Ticket.Action != upgrades.TicketPlanned || a.Ticket.ExternalID != "atlas-announce-"+a.Customer+"-4.3.0" || len(a.Slots) != 3 {
			t.Errorf("%s: %+v", a.Customer, a)
		}
	}
	if strings.Join(ids, ",") != "contoso,fabrikam,northwind" || len(res.NotAnnounced) != 5 ||
		!slices.Contains(res.NotAnnounced, "litware (new deployment, scheduled by its implementation lead)") {
		t.Fatalf("announced %v, not %v", ids, res.NotAnnounced)
	}
	// Contoso reads German, but 4.2 is not translated: English, with a warning.
	if c := res.Announcements[0]; c.Locale != "en-us" || len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "not translated into de") {
		t.Errorf("contoso: %+v", c)
	}
	// The proposed slots are propose's.
	p, err := upgrades.Propose(context.Background(), rolloutOptions(ws), "contoso", 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range p.Slots {
		if got := res.Announcements[0].Slots[i]; got != s.Windows[0].Date+" "+s.Windows[0].Time+" Europe/Berlin" {
			t.Errorf("slot %d: %s, propose says %s", i, got, s.Windows[0].Date)
		}
	}
	again, _ := announce(t, ws, nil)
	for i := range again.Announcements {
		if string(again.Announcements[i].File.Data) != string(res.Announcements[i].File.Data) {
			t.Fatal("two runs give different messages")
		}
	}

	// A customer on 4.2 who reads German gets the message in German.
	de := workspace(t, func(f map[string]string) {
		f["customers.yaml"] = strings.Replace(f["customers.yaml"], "timeZone: America/Chicago}", "timeZone: America/Chicago}\n    locale: de", 1)
	})
	res, err = announce(t, de, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Announcements[1]; f.Locale != "de" || f.File.Name != "de/fabrikam.md" || !strings.HasPrefix(f.Ticket.Subject, "Atlas 4.3.0 für Fabrikam Inc.") {
		t.Errorf("fabrikam in German: %+v", f)
	}
}

// TestAnnounceApply posts one ticket per customer, assigned to its owner,
// through a create whose answer is lost; a re-run writes nothing; a new owner
// reassigns that ticket alone.
func TestAnnounceApply(t *testing.T) {
	e, client := fleetEnv(t, owners...)
	ws := workspace(t, nil)
	e.srv.Inject(zendesktest.Fault{Kind: zendesktest.DropAfterCommit, Method: "POST", PathPattern: "/tickets$", Times: 1})
	res, err := announce(t, ws, client)
	if err != nil {
		t.Fatal(err)
	}
	agents := map[int64]string{}
	for _, u := range e.srv.Snapshot().Users {
		agents[u.ID] = u.Email
	}
	tickets := e.tickets()
	if len(tickets) != 3 {
		t.Fatalf("%d tickets, want 3", len(tickets))
	}
	want := map[string]string{"atlas-announce-contoso-4.3.0": owners[0], "atlas-announce-fabrikam-4.3.0": owners[1], "atlas-announce-northwind-4.3.0": owners[2]}
	for _, tk := range tickets {
		if agents[tk.AssigneeID] != want[tk.ExternalID] || !slices.Contains(tk.Tags, upgrades.AnnounceTag) || tk.Comments[0].Public ||
			!strings.Contains(tk.Comments[0].HTMLBody, "Proposed dates") {
			t.Errorf("ticket %s: assignee %s, tags %v", tk.ExternalID, agents[tk.AssigneeID], tk.Tags)
		}
	}
	for _, a := range res.Announcements {
		if a.Ticket.ID == 0 || (a.Ticket.Action != upgrades.TicketCreated && a.Ticket.Action != upgrades.TicketFound) {
			t.Errorf("%s: %+v", a.Customer, a.Ticket)
		}
	}
	e.srv.ResetLog()
	res, err = announce(t, ws, client)
	if err != nil || e.srv.Writes() != 0 {
		t.Fatalf("re-run: %v, %d writes", err, e.srv.Writes())
	}
	for _, a := range res.Announcements {
		if a.Ticket.Action != upgrades.TicketFound {
			t.Errorf("re-run %s: %s", a.Customer, a.Ticket.Action)
		}
	}
	// The slots moved (another day): an announcement is made once, so
	// nothing is written; Fabrikam's new owner gets its ticket.
	moved := workspace(t, func(f map[string]string) {
		f["customers.yaml"] = strings.Replace(f["customers.yaml"], `{day: sunday, start: "06:00", timeZone: Europe/London}`, `{day: saturday, start: "07:00", timeZone: Europe/London}`, 1)
		f["customers.yaml"] = strings.Replace(f["customers.yaml"], "contact: {name: Daniel Okafor, email: daniel.okafor@atlas-workplace.example}\n    technicalOwner: {name: Grace Kim",
			"contact: {name: Maya Lindqvist, email: maya.lindqvist@atlas-workplace.example}\n    technicalOwner: {name: Grace Kim", 1)
	})
	e.srv.ResetLog()
	if _, err := announce(t, moved, client); err != nil {
		t.Fatal(err)
	}
	var writes []string
	for _, req := range e.srv.Requests() {
		if req.Write {
			writes = append(writes, req.Method+" "+req.Path)
		}
	}
	if len(writes) != 1 || !strings.HasPrefix(writes[0], "PUT /api/v2/tickets/") {
		t.Fatalf("writes %v, want one update of fabrikam's ticket", writes)
	}
	for _, tk := range e.tickets() {
		if tk.ExternalID == "atlas-announce-fabrikam-4.3.0" && (agents[tk.AssigneeID] != owners[0] || len(tk.Comments) != 1) {
			t.Errorf("fabrikam's ticket: assignee %s, %d comments", agents[tk.AssigneeID], len(tk.Comments))
		}
	}
}

// TestAnnounceRefusesUnknownOwners: an owner who is not a ZenDesk agent stops
// the announcement before anything is written, naming what to change.
func TestAnnounceRefusesUnknownOwners(t *testing.T) {
	for name, setup := range map[string]func(*zendesktest.State){
		"no such user": func(*zendesktest.State) {},
		"not an agent": func(st *zendesktest.State) { st.AddUser("Tomás Rivera", owners[2], "end-user") },
		"suspended":    func(st *zendesktest.State) { st.AddAgent("Tomás Rivera", owners[2]).Suspended = true },
	} {
		t.Run(name, func(t *testing.T) {
			e, client := fleetEnv(t, owners[:2]...)
			e.srv.Edit(setup)
			_, err := announce(t, workspace(t, nil), client)
			var ie *upgrades.InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), "northwind's owner tomas.rivera@atlas-workplace.example") ||
				!strings.Contains(err.Error(), "fix contact.email of northwind in customers.yaml") || e.srv.Writes() != 0 {
				t.Errorf("%v, %d writes", err, e.srv.Writes())
			}
		})
	}
}

// TestAnnounceWithoutSlots: without a standby roster, or when no slot can be
// found, the message still goes, saying why there is no date yet.
func TestAnnounceWithoutSlots(t *testing.T) {
	for name, c := range map[string]struct {
		edit func(map[string]string)
		want string
	}{
		"no standby roster": {edit: func(f map[string]string) {
			f["atlas-release.yaml"] = f["atlas-release.yaml"][:strings.Index(f["atlas-release.yaml"], "\n# Who can be on standby")] + "\n"
		}, want: "atlas-release.yaml has no standby roster"},
		"nobody covers the window": {edit: func(f map[string]string) {
			f["customers.yaml"] = strings.Replace(f["customers.yaml"], `{day: saturday, start: "08:00", timeZone: Europe/Berlin}`, `{day: saturday, start: "22:00", timeZone: Europe/Berlin}`, 1)
		}, want: "no standby engineer covers 22:00–00:00 Europe/Berlin"},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := announce(t, workspace(t, c.edit), nil)
			if err != nil {
				t.Fatal(err)
			}
			a := res.Announcements[0]
			if a.Customer != "contoso" || len(a.Slots) != 0 || !strings.Contains(string(a.File.Data), "None yet: ") ||
				!strings.Contains(string(a.File.Data), c.want) || len(a.Warnings) == 0 {
				t.Errorf("%+v\n%s", a, a.File.Data)
			}
		})
	}
}
