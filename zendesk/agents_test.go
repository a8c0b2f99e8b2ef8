package zendesk_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/zendesk"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

// TestAgentByEmail finds agents by exact email, whatever the case, and
// refuses end users, suspended agents and strangers, as ZenDesk would.
func TestAgentByEmail(t *testing.T) {
	s := newSetup(t, zendesktest.Config{PageSizeLimit: 1}, zendesk.Options{})
	var priya int64
	s.srv.Edit(func(st *zendesktest.State) {
		priya = st.AddAgent("Priya Raman", "priya.raman@atlas.example").ID
		st.AddAgent("Priya Ramanathan", "priya.raman@atlas.example.org")
		st.AddUser("Jonas Weber", "jonas@atlas.example", "end-user")
		st.AddAgent("Marcus Lee", "marcus@atlas.example").Suspended = true
		st.AddUser("Ana Admin", "ana@atlas.example", "admin")
	})
	ctx := t.Context()
	for _, c := range []struct {
		email string
		id    int64
		want  string
	}{
		{email: "Priya.Raman@atlas.example", id: priya},
		{email: "ana@atlas.example", id: -1},
		{email: "jonas@atlas.example", want: "is a ZenDesk end user, not an agent"},
		{email: "marcus@atlas.example", want: "not an agent"},
		{email: "nobody@atlas.example", want: "no ZenDesk agent has the email nobody@atlas.example"},
		{email: "a b@atlas.example", want: "is not an email"},
	} {
		u, err := s.client.AgentByEmail(ctx, c.email)
		switch {
		case c.want != "":
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %+v %v, want %q", c.email, u, err, c.want)
			}
		case err != nil || (c.id > 0 && u.ID != c.id):
			t.Errorf("%s: %+v %v", c.email, u, err)
		}
	}
	var none *zendesk.NoAgentError
	if _, err := s.client.AgentByEmail(ctx, "nobody@atlas.example"); !errors.As(err, &none) {
		t.Errorf("not a *NoAgentError: %v", err)
	}
}

// TestTicketUpdatesAreStrict: assignment to agents only, tags added and
// removed without touching others, internal comments, and the refusals of
// a closed ticket and of a status an update may not set.
func TestTicketUpdatesAreStrict(t *testing.T) {
	s := newSetup(t, zendesktest.Config{}, zendesk.Options{})
	ctx := t.Context()
	var agent, user int64
	s.srv.Edit(func(st *zendesktest.State) {
		agent = st.AddAgent("Priya", "priya@atlas.example").ID
		user = st.AddUser("Jonas", "jonas@atlas.example", "end-user").ID
	})
	tk, _, err := s.client.CreateTicket(ctx, ticket("<p>plan</p>"), "k")
	if err != nil {
		t.Fatal(err)
	}
	s.srv.Edit(func(st *zendesktest.State) { st.Tickets[0].Tags = append(st.Tickets[0].Tags, "vip", "ring-1") })
	note := zendesk.TicketComment{HTMLBody: "<p>approved</p>"}
	got, err := s.client.UpdateTicket(ctx, tk.ID, zendesk.TicketUpdate{AssigneeID: &agent, AdditionalTags: []string{"ring-2"}, RemoveTags: []string{"ring-1"}, Comment: &note})
	if err != nil || got.AssigneeID != agent || !slices.Equal(got.Tags, []string{"atlas-upgrade", "vip", "ring-2"}) {
		t.Fatalf("update: %+v %v", got, err)
	}
	if c := s.srv.Snapshot().Tickets[0].Comments; len(c) != 2 || c[1].Public {
		t.Errorf("comments %+v", c)
	}
	for _, missing := range []int64{user, 999999} {
		_, err = s.client.UpdateTicket(ctx, tk.ID, zendesk.TicketUpdate{AssigneeID: &missing})
		if zendesk.KindOf(err) != zendesk.KindInvalid || !strings.Contains(err.Error(), "not an agent") {
			t.Errorf("assignee %d: %v", missing, err)
		}
	}
	bad := "closed"
	s.srv.ResetLog()
	if _, err := s.client.UpdateTicket(ctx, tk.ID, zendesk.TicketUpdate{Status: &bad}); err == nil || s.srv.Writes() != 0 {
		t.Errorf("status closed: %v, %d writes", err, s.srv.Writes())
	}
	s.srv.Edit(func(st *zendesktest.State) { st.Tickets[0].Status = "closed" })
	open := "open"
	if _, err := s.client.UpdateTicket(ctx, tk.ID, zendesk.TicketUpdate{Status: &open}); zendesk.KindOf(err) != zendesk.KindInvalid {
		t.Errorf("closed ticket updated: %v", err)
	}
}
