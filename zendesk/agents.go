package zendesk

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"strings"
)

// User is a ZenDesk user: an end user, an agent or an admin.
type User struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	// Role is end-user, agent or admin; only agents and admins can be assigned
	// tickets.
	Role      string `json:"role"`
	Suspended bool   `json:"suspended"`
}

// IsAgent reports whether tickets can be assigned to the user.
func (u *User) IsAgent() bool { return (u.Role == "agent" || u.Role == "admin") && !u.Suspended }

// NoAgentError means no agent of the instance has an email.
type NoAgentError struct {
	Email string
	// Found is the user with the email who is not an agent, if any.
	Found *User
}

func (e *NoAgentError) Error() string {
	if e.Found != nil {
		return fmt.Sprintf("zendesk: %s is a ZenDesk %s, not an agent who can be assigned tickets", e.Email, strings.ReplaceAll(cmp.Or(e.Found.Role, "user"), "-", " "))
	}
	return fmt.Sprintf("zendesk: no ZenDesk agent has the email %s", e.Email)
}

// AgentByEmail finds the agent with an email (case does not matter). A user
// who is not an agent (or is suspended), or no user, is an *NoAgentError.
func (c *Client) AgentByEmail(ctx context.Context, email string) (*User, error) {
	if email == "" || strings.ContainsAny(email, " \t\r\n") {
		return nil, fmt.Errorf("zendesk: %q is not an email", email)
	}
	users, err := list[User](ctx, c, "/api/v2/users/search", url.Values{"query": {"email:" + email}}, "users")
	if err != nil {
		return nil, err
	}
	var other *User
	for i := range users {
		u := &users[i]
		if !strings.EqualFold(u.Email, email) {
			continue // search matches loosely; only the exact email counts
		}
		if u.IsAgent() {
			return u, nil
		}
		other = u
	}
	return nil, &NoAgentError{Email: email, Found: other}
}
