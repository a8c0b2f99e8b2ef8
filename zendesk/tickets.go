package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Ticket is a support ticket.
type Ticket struct {
	ID         int64     `json:"id"`
	URL        string    `json:"url"`
	Subject    string    `json:"subject"`
	Status     string    `json:"status"`
	ExternalID string    `json:"external_id"`
	Tags       []string  `json:"tags"`
	AssigneeID int64     `json:"assignee_id"`
	CreatedAt  time.Time `json:"created_at"`
	// UpdatedAt is the last change: for a solved ticket, about when it was
	// solved.
	UpdatedAt time.Time `json:"updated_at"`
}

// TicketComment is a comment on a ticket: plain text or HTML.
type TicketComment struct {
	Body     string `json:"body,omitempty"`
	HTMLBody string `json:"html_body,omitempty"`
	Public   bool   `json:"public"`
}

// CustomField is the value of a ticket field.
type CustomField struct {
	ID    int64 `json:"id"`
	Value any   `json:"value"`
}

// NewTicket is a ticket to create.
type NewTicket struct {
	Subject      string        `json:"subject"`
	Comment      TicketComment `json:"comment"`
	Tags         []string      `json:"tags,omitempty"`
	ExternalID   string        `json:"external_id,omitempty"`
	CustomFields []CustomField `json:"custom_fields,omitempty"`
	// AssigneeID assigns the new ticket to an agent; 0 leaves it unassigned.
	AssigneeID int64 `json:"assignee_id,omitempty"`
}

// IdempotentConflict is the error code of a request that reuses an
// idempotency key with another body.
const IdempotentConflict = "IdempotentRequestError"

// CreateTicket creates a ticket. With an idempotency key, ZenDesk answers a
// repeat of the same request (within two hours) with the ticket it already
// created, and replay is true; so the call is safe to retry and is retried like
// a read. The same key with another body is refused (KindInvalid, code
// IdempotentConflict). Keys expire: look tickets up by external id as well.
func (c *Client) CreateTicket(ctx context.Context, t NewTicket, key string) (*Ticket, bool, error) {
	cl := call{method: http.MethodPost, path: "/api/v2/tickets", body: map[string]any{"ticket": t}, unsafe: key == ""}
	var answer http.Header
	if key != "" {
		cl.header, cl.answer = map[string]string{"Idempotency-Key": key}, &answer
	}
	var out struct {
		Ticket *Ticket `json:"ticket"`
	}
	if err := c.do(ctx, cl, &out); err != nil {
		var e *Error
		if errors.As(err, &e) && e.Status == http.StatusBadRequest && (e.Code == IdempotentConflict || strings.Contains(strings.ToLower(e.Message), "idempoten")) {
			e.Code = IdempotentConflict
		}
		return nil, false, err
	}
	if out.Ticket == nil || out.Ticket.ID <= 0 {
		return nil, false, malformed(http.MethodPost, cl.path, "no ticket in the answer")
	}
	return out.Ticket, strings.EqualFold(answer.Get("X-Idempotency-Lookup"), "hit"), nil
}

// TicketsByExternalID lists the tickets with an external id, oldest first;
// external ids are not unique.
func (c *Client) TicketsByExternalID(ctx context.Context, externalID string) ([]Ticket, error) {
	if externalID == "" {
		return nil, fmt.Errorf("zendesk: no external id to look for")
	}
	return list[Ticket](ctx, c, "/api/v2/tickets", url.Values{"external_id": {externalID}}, "tickets")
}

// TicketUpdate changes a ticket; nil fields are left as they are.
type TicketUpdate struct {
	Subject *string        `json:"subject,omitempty"`
	Comment *TicketComment `json:"comment,omitempty"`
	// Status is new, open, pending, hold or solved.
	Status *string `json:"status,omitempty"`
	// ExternalID replaces the external id (a duplicate gives its up, so that
	// look-ups find only the ticket kept).
	ExternalID *string `json:"external_id,omitempty"`
	// Tags replaces the tags.
	Tags *[]string `json:"tags,omitempty"`
	// AdditionalTags are added to the tags, and RemoveTags removed from them,
	// leaving the others (people's own) as they are.
	AdditionalTags []string `json:"additional_tags,omitempty"`
	RemoveTags     []string `json:"remove_tags,omitempty"`
	// AssigneeID assigns the ticket to an agent (see AgentByEmail); ZenDesk
	// refuses a user who is not an agent.
	AssigneeID *int64 `json:"assignee_id,omitempty"`
	// UpdatedStamp, when set, makes the update safe: ZenDesk applies it only
	// if the ticket was last updated at this time (the UpdatedAt read), and
	// answers 409 (code UpdateConflict) when someone changed it meanwhile.
	UpdatedStamp *time.Time `json:"updated_stamp,omitempty"`
	// SafeUpdate is set from UpdatedStamp; ZenDesk needs both.
	SafeUpdate bool `json:"safe_update,omitempty"`
}

// UpdateConflict is the error code of a safe update of a ticket that changed
// since it was read (409): read it again and decide again.
const UpdateConflict = "UpdateConflict"

// TicketStatuses are the statuses a ticket update may set; closed is ZenDesk's to set, and a
// closed ticket cannot be updated at all.
var TicketStatuses = []string{"new", "open", "pending", "hold", "solved"}

// UpdateTicket changes a ticket's fields or adds a comment (internal when not
// Public). A status ZenDesk does not accept is refused here, before any
// request. With a comment it
// is not safe to repeat (the comment would be added twice), so an unanswered
// update is ambiguous.
func (c *Client) UpdateTicket(ctx context.Context, id int64, u TicketUpdate) (*Ticket, error) {
	if u.Status != nil && !slices.Contains(TicketStatuses, *u.Status) {
		return nil, fmt.Errorf("zendesk: %q is not a status an update may set (%s)", *u.Status, strings.Join(TicketStatuses, ", "))
	}
	p := "/api/v2/tickets/" + fmt.Sprint(id)
	var out struct {
		Ticket *Ticket `json:"ticket"`
	}
	u.SafeUpdate = u.UpdatedStamp != nil
	if err := c.do(ctx, call{method: http.MethodPut, path: p, body: map[string]any{"ticket": u}, unsafe: u.Comment != nil}, &out); err != nil {
		var e *Error
		if errors.As(err, &e) && e.Status == http.StatusConflict {
			e.Code = UpdateConflict
		}
		return nil, err
	}
	if out.Ticket == nil || out.Ticket.ID != id {
		return nil, malformed(http.MethodPut, p, "not the ticket updated")
	}
	return out.Ticket, nil
}

// showManyLimit is how many ids ZenDesk's show_many takes at once.
const showManyLimit = 100

// TicketsByIDs reads many tickets' current state in few requests (show_many,
// 100 ids each), in the order of ids; a ticket that no longer exists (deleted)
// is left out, as ZenDesk leaves it out. Unlike search, it has no indexing
// lag: what it says is what the tickets are now.
func (c *Client) TicketsByIDs(ctx context.Context, ids []int64) ([]Ticket, error) {
	seen := map[int64]bool{}
	var unique []int64
	for _, id := range ids {
		if id <= 0 {
			return nil, fmt.Errorf("zendesk: %d is not a ticket id", id)
		}
		if !seen[id] {
			seen[id] = true
			unique = append(unique, id)
		}
	}
	byID := map[int64]Ticket{}
	for chunk := range slices.Chunk(unique, showManyLimit) {
		var list []string
		for _, id := range chunk {
			list = append(list, fmt.Sprint(id))
		}
		const p = "/api/v2/tickets/show_many"
		var out struct {
			Tickets []Ticket `json:"tickets"`
		}
		if err := c.do(ctx, call{method: http.MethodGet, path: p, query: url.Values{"ids": {strings.Join(list, ",")}}}, &out); err != nil {
			return nil, err
		}
		for _, t := range out.Tickets {
			if !slices.Contains(chunk, t.ID) {
				return nil, malformed(http.MethodGet, p, fmt.Sprintf("ticket %d was not asked for", t.ID))
			}
			byID[t.ID] = t
		}
	}
	var tickets []Ticket
	for _, id := range unique {
		if t, ok := byID[id]; ok {
			tickets = append(tickets, t)
		}
	}
	return tickets, nil
}

// TicketURL is where agents open a ticket.
func (c *Client) TicketURL(id int64) string { return fmt.Sprintf("%s/agent/tickets/%d", c.base, id) }
