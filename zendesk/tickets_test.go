package zendesk_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/zendesk"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

func ticket(body string) zendesk.NewTicket {
	return zendesk.NewTicket{Subject: "Upgrade Contoso to Atlas 4.3.0", Comment: zendesk.TicketComment{HTMLBody: body},
		Tags: []string{"atlas-upgrade"}, ExternalID: "atlas-upgrade-contoso-4.3.0"}
}

// TestTicketIdempotency: a replay answers the same ticket; the same key with
// another body is refused; an expired key creates anew, which is why callers
// also look tickets up by external id.
func TestTicketIdempotency(t *testing.T) {
	s := newSetup(t, zendesktest.Config{}, zendesk.Options{})
	ctx := context.Background()
	first, replay, err := s.client.CreateTicket(ctx, ticket("<p>plan</p>"), "key-1")
	if err != nil || replay {
		t.Fatalf("create: %+v %v %v", first, replay, err)
	}
	again, replay, err := s.client.CreateTicket(ctx, ticket("<p>plan</p>"), "key-1")
	if err != nil || !replay || again.ID != first.ID {
		t.Fatalf("replay: %+v %v %v", again, replay, err)
	}
	_, _, err = s.client.CreateTicket(ctx, ticket("<p>another plan</p>"), "key-1")
	var e *zendesk.Error
	if zendesk.KindOf(err) != zendesk.KindInvalid || !errors.As(err, &e) || e.Code != zendesk.IdempotentConflict {
		t.Errorf("same key, other body: %v", err)
	}
	found, err := s.client.TicketsByExternalID(ctx, "atlas-upgrade-contoso-4.3.0")
	if err != nil || len(found) != 1 || found[0].ID != first.ID {
		t.Fatalf("by external id: %+v %v", found, err)
	}
	_ = s.clock.Sleep(ctx, 3*time.Hour) // the key expires
	late, replay, err := s.client.CreateTicket(ctx, ticket("<p>plan</p>"), "key-1")
	if err != nil || replay || late.ID == first.ID {
		t.Errorf("after expiry: %+v %v %v", late, replay, err)
	}
	found, _ = s.client.TicketsByExternalID(ctx, "atlas-upgrade-contoso-4.3.0")
	if len(found) != 2 {
		t.Errorf("%d tickets with the external id after the key expired", len(found))
	}
	subject := "Upgrade Contoso to Atlas 4.3.0, later"
	if _, err := s.client.UpdateTicket(ctx, first.ID, zendesk.TicketUpdate{Subject: &subject, Comment: &zendesk.TicketComment{Body: "Rescheduled"}}); err != nil {
		t.Fatal(err)
	}
	if got := s.srv.Snapshot().Tickets[0]; len(got.Comments) != 2 || got.Subject != subject {
		t.Errorf("after the update: %+v", got)
	}
}

// TestKeyedCreatesAreRetried: a create with an idempotency key whose answer
// is lost is simply repeated: ZenDesk answers with the ticket it made.
func TestKeyedCreatesAreRetried(t *testing.T) {
	s := newSetup(t, zendesktest.Config{}, zendesk.Options{})
	s.srv.Inject(zendesktest.Fault{Kind: zendesktest.DropAfterCommit, Method: "POST", PathPattern: "/tickets$"})
	tk, replay, err := s.client.CreateTicket(context.Background(), ticket("<p>plan</p>"), "key-2")
	if err != nil || !replay {
		t.Fatalf("%+v %v %v", tk, replay, err)
	}
	if n := len(s.srv.Snapshot().Tickets); n != 1 {
		t.Errorf("%d tickets", n)
	}
	// Without a key, the same loss is ambiguous.
	s.srv.Inject(zendesktest.Fault{Kind: zendesktest.DropAfterCommit, Method: "POST", PathPattern: "/tickets$"})
	if _, _, err := s.client.CreateTicket(context.Background(), ticket("<p>plan</p>"), ""); zendesk.KindOf(err) != zendesk.KindAmbiguous {
		t.Errorf("unkeyed: %v", err)
	}
}

// TestDuplicatesCanBeRetired: an article is archived (twice is not an error),
// and a ticket solved with another external id leaves the look-up.
func TestDuplicatesCanBeRetired(t *testing.T) {
	s := newSetup(t, zendesktest.Config{}, zendesk.Options{})
	ctx := context.Background()
	a, err := s.client.CreateArticle(ctx, 360001, newArticle("dup"))
	if err != nil {
		t.Fatal(err)
	}
	if a.CreatedAt.IsZero() {
		t.Error("an article without its creation time")
	}
	for range 2 {
		if err := s.client.ArchiveArticle(ctx, a.ID); err != nil {
			t.Fatalf("archive: %v", err)
		}
	}
	if list, err := s.client.ArticlesByLabels(ctx, "en-us", []string{"dup"}); err != nil || len(list) != 0 {
		t.Errorf("after archiving: %v %v", list, err)
	}
	tk, _, err := s.client.CreateTicket(ctx, ticket("<p>plan</p>"), "key-3")
	if err != nil {
		t.Fatal(err)
	}
	solved, ext := "solved", "atlas-upgrade-contoso-4.3.0-duplicate-of-1"
	if _, err := s.client.UpdateTicket(ctx, tk.ID, zendesk.TicketUpdate{Status: &solved, ExternalID: &ext}); err != nil {
		t.Fatal(err)
	}
	if found, err := s.client.TicketsByExternalID(ctx, "atlas-upgrade-contoso-4.3.0"); err != nil || len(found) != 0 {
		t.Errorf("a retired ticket is still found: %v %v", found, err)
	}
}
