package zendesktest

import (
	"net/http"
	"slices"
	"strings"
)

// User is a ZenDesk user: role end-user, agent or admin. Only agents and
// admins who are not suspended can be assigned tickets.
type User struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	Role      string `json:"role"`
	Suspended bool   `json:"suspended"`
}

// AddAgent adds an agent to the state and returns it.
func (s *State) AddAgent(name, email string) *User {
	return s.AddUser(name, email, "agent")
}

// AddUser adds a user with a role (end-user, agent or admin) and returns it.
func (s *State) AddUser(name, email, role string) *User {
	u := &User{ID: s.id(), Name: name, Email: email, Role: role}
	s.Users = append(s.Users, u)
	return u
}

// assignable reports whether a ticket may be assigned to the user with an id.
func (s *State) assignable(id int64) bool {
	i := slices.IndexFunc(s.Users, func(u *User) bool { return u.ID == id })
	return i >= 0 && (s.Users[i].Role == "agent" || s.Users[i].Role == "admin") && !s.Users[i].Suspended
}

// routeUsers serves GET /api/v2/users/search?query=…: like ZenDesk, it matches
// an email (with or without the email: prefix) and, loosely, names.
func (s *Server) routeUsers(w http.ResponseWriter, r *http.Request, p string) {
	if p != "/api/v2/users/search" || r.Method != http.MethodGet {
		notFound(w)
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("query"))
	if q == "" {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"title": "Invalid parameter", "message": "query is required"}})
		return
	}
	q = strings.ToLower(strings.TrimPrefix(q, "email:"))
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []*User{}
	for _, u := range s.state.Users {
		if strings.EqualFold(u.Email, q) || strings.Contains(strings.ToLower(u.Name), q) {
			out = append(out, u)
		}
	}
	paginate(w, r, s.cfg.PageSizeLimit, "users", out)
}
