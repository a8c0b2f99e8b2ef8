package zendesktest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// idempotencyWindow is how long ZenDesk remembers an Idempotency-Key.
const idempotencyWindow = 2 * time.Hour

// routeTickets serves the Support API's tickets: create (with Idempotency-Key),
// show, update and list (optionally by external_id, which is not unique).
func (s *Server) routeTickets(w http.ResponseWriter, r *http.Request, p string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rest := strings.TrimPrefix(strings.TrimPrefix(p, "/api/v2/tickets"), "/")
	switch {
	case rest == "" && r.Method == http.MethodGet:
		out := []*Ticket{}
		ext := r.URL.Query().Get("external_id")
		for _, t := range s.state.Tickets {
			if ext == "" || t.ExternalID == ext {
				out = append(out, t)
			}
		}
		paginate(w, r, s.cfg.PageSizeLimit, "tickets", out)
	case rest == "" && r.Method == http.MethodPost:
		s.createTicket(w, r, body)
	case (rest == "show_many" || rest == "show_many.json") && r.Method == http.MethodGet:
		s.showMany(w, r)
	case rest != "" && !strings.Contains(rest, "/"):
		id, _ := strconv.ParseInt(rest, 10, 64)
		i := slices.IndexFunc(s.state.Tickets, func(t *Ticket) bool { return t.ID == id })
		if i < 0 {
			notFound(w)
			return
		}
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 200, map[string]any{"ticket": s.state.Tickets[i]})
		case http.MethodPut:
			s.updateTicket(w, s.state.Tickets[i], body)
		default:
			methodNotAllowed(w)
		}
	default:
		notFound(w)
	}
}

type ticketRequest struct {
	Ticket *struct {
		Subject      string         `json:"subject"`
		Comment      *TicketComment `json:"comment"`
		Tags         []string       `json:"tags"`
		ExternalID   string         `json:"external_id"`
		CustomFields []CustomField  `json:"custom_fields"`
		Status       string         `json:"status"`
		AssigneeID   *int64         `json:"assignee_id"`
		// AdditionalTags and RemoveTags change the tags without replacing them.
		AdditionalTags []string `json:"additional_tags"`
		RemoveTags     []string `json:"remove_tags"`
		// SafeUpdate with UpdatedStamp applies the update only to the ticket
		// as it was at that time.
		SafeUpdate   bool       `json:"safe_update"`
		UpdatedStamp *time.Time `json:"updated_stamp"`
	} `json:"ticket"`
}

// showMany serves GET /api/v2/tickets/show_many?ids=1,2,3: at most 100 ids,
// each a number; tickets that do not exist are left out of the answer.
func (s *Server) showMany(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.Query().Get("ids")
	parts := strings.Split(raw, ",")
	if raw == "" || len(parts) > 100 {
		writeJSON(w, 400, map[string]any{"error": "InvalidParameter", "description": "ids: give 1 to 100 ticket ids, comma-separated"})
		return
	}
	out := []*Ticket{}
	for _, part := range parts {
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil || id <= 0 {
			writeJSON(w, 400, map[string]any{"error": "InvalidParameter", "description": "ids: " + strconv.Quote(part) + " is not a ticket id"})
			return
		}
		if i := slices.IndexFunc(s.state.Tickets, func(t *Ticket) bool { return t.ID == id }); i >= 0 && !slices.Contains(out, s.state.Tickets[i]) {
			out = append(out, s.state.Tickets[i])
		}
	}
	writeJSON(w, 200, map[string]any{"tickets": out, "count": len(out)})
}

func (s *Server) createTicket(w http.ResponseWriter, r *http.Request, body []byte) {
	key := r.Header.Get("Idempotency-Key")
	if key != "" {
		if e, ok := s.idem[key]; ok && s.now().Sub(e.at) < idempotencyWindow {
			if !bytes.Equal(e.body, body) {
				writeJSON(w, 400, map[string]any{"error": "IdempotentRequestError", "description": "Idempotency-Key was already used with a different request body"})
				return
			}
			w.Header().Set("X-Idempotency-Lookup", "hit")
			for _, t := range s.state.Tickets {
				if t.ID == e.ticketID {
					writeJSON(w, 201, map[string]any{"ticket": t})
					return
				}
			}
		}
	}
	var req ticketRequest
	if err := json.Unmarshal(body, &req); err != nil || req.Ticket == nil {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"title": "Invalid request", "message": "The request body must be an object with a \"ticket\" key."}})
		return
	}
	t := req.Ticket
	if t.Comment == nil || (strings.TrimSpace(t.Comment.Body) == "" && strings.TrimSpace(t.Comment.HTMLBody) == "") {
		writeJSON(w, 422, map[string]any{"error": "RecordInvalid", "description": "Record validation errors",
			"details": map[string]any{"base": []any{map[string]string{"description": "Description: cannot be blank", "error": "BlankValue"}}}})
		return
	}
	if t.AssigneeID != nil && *t.AssigneeID != 0 && !s.state.assignable(*t.AssigneeID) {
		writeJSON(w, 422, map[string]any{"error": "RecordInvalid", "description": "Record validation errors",
			"details": map[string]any{"assignee": []any{map[string]string{"description": "Assignee: is not an agent", "error": "InvalidValue"}}}})
		return
	}
	now := s.now()
	status := t.Status
	if status == "" {
		status = "new"
	}
	ticket := &Ticket{ID: s.state.id(), Subject: t.Subject, Description: cmp.Or(t.Comment.Body, t.Comment.HTMLBody),
		Comments: []TicketComment{*t.Comment}, Tags: t.Tags, ExternalID: t.ExternalID, CustomFields: t.CustomFields,
		Status: status, CreatedAt: now, UpdatedAt: now}
	if t.AssigneeID != nil {
		ticket.AssigneeID = *t.AssigneeID
	}
	s.state.Tickets = append(s.state.Tickets, ticket)
	if key != "" {
		w.Header().Set("X-Idempotency-Lookup", "miss")
		s.idem[key] = idemEntry{body: body, ticketID: ticket.ID, at: now}
	}
	writeJSON(w, 201, map[string]any{"ticket": ticket})
}

func (s *Server) updateTicket(w http.ResponseWriter, t *Ticket, body []byte) {
	var req ticketRequest
	if err := json.Unmarshal(body, &req); err != nil || req.Ticket == nil {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"title": "Invalid request", "message": "The request body must be an object with a \"ticket\" key."}})
		return
	}
	u := req.Ticket
	if t.Status == "closed" {
		writeJSON(w, 422, map[string]any{"error": "RecordInvalid", "description": "Record validation errors",
			"details": map[string]any{"status": []any{map[string]string{"description": "Status: closed prevents ticket update", "error": "InvalidValue"}}}})
		return
	}
	if u.SafeUpdate && (u.UpdatedStamp == nil || !u.UpdatedStamp.Truncate(time.Second).Equal(t.UpdatedAt.Truncate(time.Second))) {
		writeJSON(w, 409, map[string]any{"error": "UpdateConflict", "description": "Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again."})
		return
	}
	switch u.Status {
	case "", "new", "open", "pending", "hold", "solved":
	default:
		writeJSON(w, 422, map[string]any{"error": "RecordInvalid", "description": "Record validation errors",
			"details": map[string]any{"status": []any{map[string]string{"description": "Status: " + u.Status + " is not a status an update may set", "error": "InvalidValue"}}}})
		return
	}
	if u.AssigneeID != nil && *u.AssigneeID != 0 && !s.state.assignable(*u.AssigneeID) {
		writeJSON(w, 422, map[string]any{"error": "RecordInvalid", "description": "Record validation errors",
			"details": map[string]any{"assignee": []any{map[string]string{"description": "Assignee: is not an agent", "error": "InvalidValue"}}}})
		return
	}
	if u.Subject != "" {
		t.Subject = u.Subject
	}
	if u.AssigneeID != nil {
		t.AssigneeID = *u.AssigneeID
	}
	for _, tag := range u.AdditionalTags {
		if !slices.Contains(t.Tags, tag) {
			t.Tags = append(t.Tags, tag)
		}
	}
	if len(u.RemoveTags) > 0 {
		t.Tags = slices.DeleteFunc(t.Tags, func(tag string) bool { return slices.Contains(u.RemoveTags, tag) })
	}
	if u.Status != "" {
		t.Status = u.Status
	}
	if u.Tags != nil {
		t.Tags = u.Tags
	}
	if u.ExternalID != "" {
		t.ExternalID = u.ExternalID
	}
	if u.CustomFields != nil {
		t.CustomFields = u.CustomFields
	}
	if u.Comment != nil {
		t.Comments = append(t.Comments, *u.Comment)
	}
	t.UpdatedAt = s.now()
	writeJSON(w, 200, map[string]any{"ticket": t})
}
