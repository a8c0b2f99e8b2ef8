package zendesk_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/zendesk"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

// TestTicketsByIDs reads 150 tickets in two requests, in the order asked,
// repeated ids once, and leaves out a ticket that does not exist.
func TestTicketsByIDs(t *testing.T) {
	s := newSetup(t, zendesktest.Config{}, zendesk.Options{})
	ctx := context.Background()
	var ids []int64
	for i := range 150 {
		tk, _, err := s.client.CreateTicket(ctx, zendesk.NewTicket{Subject: fmt.Sprint("t", i), Comment: zendesk.TicketComment{Body: "b"}}, "")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tk.ID)
	}
	asked := append([]int64{ids[149], 999999, ids[0]}, ids...)
	s.srv.ResetLog()
	got, err := s.client.TicketsByIDs(ctx, asked)
	if err != nil || len(got) != 150 || got[0].ID != ids[149] || got[1].ID != ids[0] || got[2].ID != ids[1] {
		t.Fatalf("%d tickets, %v", len(got), err)
	}
	if n := len(s.srv.Requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	if got, err := s.client.TicketsByIDs(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("no ids: %v %v", got, err)
	}
	if _, err := s.client.TicketsByIDs(ctx, []int64{0}); err == nil {
		t.Error("id 0 was asked for")
	}
}

// TestSafeUpdate: an update with the stamp read applies; one with a stamp
// the ticket moved on from is refused with 409 UpdateConflict, and changes
// nothing; a closed ticket refuses every update.
func TestSafeUpdate(t *testing.T) {
	s := newSetup(t, zendesktest.Config{}, zendesk.Options{})
	ctx := context.Background()
	tk, _, err := s.client.CreateTicket(ctx, ticket("<p>plan</p>"), "")
	if err != nil {
		t.Fatal(err)
	}
	read := tk.UpdatedAt
	solved, note := "solved", zendesk.TicketComment{Body: "done"}
	_ = s.clock.Sleep(ctx, time.Minute)
	// Someone else changes the ticket after our read.
	if _, err := s.client.UpdateTicket(ctx, tk.ID, zendesk.TicketUpdate{AdditionalTags: []string{"by-hand"}}); err != nil {
		t.Fatal(err)
	}
	_, err = s.client.UpdateTicket(ctx, tk.ID, zendesk.TicketUpdate{Status: &solved, Comment: &note, UpdatedStamp: &read})
	var e *zendesk.Error
	if !errors.As(err, &e) || e.Status != 409 || e.Code != zendesk.UpdateConflict || zendesk.KindOf(err) != zendesk.KindInvalid {
		t.Fatalf("stale stamp: %v", err)
	}
	now, err := s.client.TicketsByIDs(ctx, []int64{tk.ID})
	if err != nil || now[0].Status == "solved" {
		t.Fatalf("the conflicting update applied: %+v %v", now, err)
	}
	fresh := now[0].UpdatedAt
	if _, err := s.client.UpdateTicket(ctx, tk.ID, zendesk.TicketUpdate{Status: &solved, Comment: &note, UpdatedStamp: &fresh}); err != nil {
		t.Fatalf("fresh stamp: %v", err)
	}
	s.srv.Edit(func(st *zendesktest.State) { st.Tickets[0].Status = "closed" })
	open := "open"
	if _, err := s.client.UpdateTicket(ctx, tk.ID, zendesk.TicketUpdate{Status: &open}); zendesk.KindOf(err) != zendesk.KindInvalid {
		t.Errorf("closed ticket updated: %v", err)
	}
}
