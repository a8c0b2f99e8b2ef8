package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// APITokenEndOfLife is the day ZenDesk stops accepting API tokens; use OAuth.
const APITokenEndOfLife = "2027-04-30"

// Credentials authenticate a client's requests. Their String method never shows
// the secret.
type Credentials interface {
	// Scheme names the kind of credentials, for messages.
	Scheme() string
	// Deprecated says why these credentials should be replaced, or "".
	Deprecated() string
	apply(ctx context.Context, c *Client, req *http.Request) error
	// renew is called after a 401 and reports whether a retry may succeed.
	renew(ctx context.Context, c *Client) (bool, error)
	secrets() []string
}

// BearerToken authenticates with an OAuth access token.
func BearerToken(token string) Credentials { return &bearer{token: strings.TrimSpace(token)} }

type bearer struct{ token string }

func (b *bearer) Scheme() string     { return "OAuth token" }
func (b *bearer) Deprecated() string { return "" }
func (b *bearer) String() string     { return "OAuth token [redacted]" }
func (b *bearer) GoString() string   { return b.String() }
func (b *bearer) secrets() []string  { return []string{b.token} }
func (b *bearer) apply(_ context.Context, _ *Client, req *http.Request) error {
	req.Header.Set("Authorization", "Bearer "+b.token)
	return nil
}
func (b *bearer) renew(context.Context, *Client) (bool, error) { return false, nil }

// APIToken authenticates as email with an API token ("email/token:token" basic
// authentication). ZenDesk stops accepting API tokens on APITokenEndOfLife.
func APIToken(email, token string) Credentials {
	return &apiToken{email: strings.TrimSpace(email), token: strings.TrimSpace(token)}
}

type apiToken struct{ email, token string }

func (a *apiToken) Scheme() string { return "API token" }
func (a *apiToken) Deprecated() string {
	return "ZenDesk API tokens stop working on " + APITokenEndOfLife + "; switch to OAuth (ZENDESK_OAUTH_TOKEN, or ZENDESK_CLIENT_ID and ZENDESK_CLIENT_SECRET)"
}
func (a *apiToken) String() string   { return "API token of " + a.email + " [redacted]" }
func (a *apiToken) GoString() string { return a.String() }
func (a *apiToken) secrets() []string {
	// The redactor finds the basic-authentication forms of these.
	return []string{a.token, a.email + "/token:" + a.token}
}
func (a *apiToken) apply(_ context.Context, _ *Client, req *http.Request) error {
	req.SetBasicAuth(a.email+"/token", a.token)
	return nil
}
func (a *apiToken) renew(context.Context, *Client) (bool, error) { return false, nil }

// ClientCredentials authenticates with an OAuth client's id and secret (the
// client credentials grant, for CI): the client gets an access token from
// /oauth/tokens, renews it before it expires (with the refresh token when one was
// given), and once more if the server rejects it.
func ClientCredentials(clientID, clientSecret, scope string) Credentials {
	if scope == "" {
		scope = "read write"
	}
	return &clientCreds{id: strings.TrimSpace(clientID), secret: strings.TrimSpace(clientSecret), scope: scope}
}

type clientCreds struct {
	id, secret, scope string

	mu      sync.Mutex
	access  string
	refresh string
	expires time.Time // zero: does not expire
	// issued holds the tokens for redaction; it has no lock of its own because
	// errors are redacted while mu is held.
	issued atomic.Pointer[[]string]
}

func (cc *clientCreds) Scheme() string     { return "OAuth client credentials" }
func (cc *clientCreds) Deprecated() string { return "" }
func (cc *clientCreds) String() string     { return "OAuth client " + cc.id + " [redacted]" }
func (cc *clientCreds) GoString() string   { return cc.String() }
func (cc *clientCreds) secrets() []string {
	out := []string{cc.secret}
	if issued := cc.issued.Load(); issued != nil {
		out = append(out, *issued...)
	}
	return out
}

// renewBefore renews a token this long before it expires.
const renewBefore = time.Minute

func (cc *clientCreds) apply(ctx context.Context, c *Client, req *http.Request) error {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.access == "" || (!cc.expires.IsZero() && c.clock().Add(renewBefore).After(cc.expires)) {
		if err := cc.fetch(ctx, c); err != nil {
			return err
		}
	}
	req.Header.Set("Authorization", "Bearer "+cc.access)
	return nil
}

func (cc *clientCreds) renew(ctx context.Context, c *Client) (bool, error) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if err := cc.fetch(ctx, c); err != nil {
		return false, err
	}
	return true, nil
}

// fetch gets a new access token, by refresh token when there is one, else by the
// client credentials grant. cc.mu is held.
func (cc *clientCreds) fetch(ctx context.Context, c *Client) error {
	if cc.refresh != "" {
		err := cc.grant(ctx, c, map[string]string{"grant_type": "refresh_token", "refresh_token": cc.refresh,
			"client_id": cc.id, "client_secret": cc.secret})
		if err == nil {
			return nil
		}
		cc.refresh = ""
	}
	return cc.grant(ctx, c, map[string]string{"grant_type": "client_credentials", "client_id": cc.id,
		"client_secret": cc.secret, "scope": cc.scope})
}

func (cc *clientCreds) grant(ctx context.Context, c *Client, body map[string]string) error {
	var out struct {
		AccessToken  string  `json:"access_token"`
		TokenType    string  `json:"token_type"`
		ExpiresIn    float64 `json:"expires_in"`
		RefreshToken string  `json:"refresh_token"`
	}
	// Getting a token twice is harmless, so the request is safe to repeat.
	err := c.do(ctx, call{method: http.MethodPost, path: "/oauth/tokens", body: body, noAuth: true}, &out)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && (e.Status == 400 || e.Status == 401) {
			e.Kind = KindAuth
		}
		return fmt.Errorf("get an OAuth token for client %s: %w", cc.id, err)
	}
	if out.AccessToken == "" || (out.TokenType != "" && !strings.EqualFold(out.TokenType, "bearer")) {
		return &Error{Kind: KindAuth, Method: http.MethodPost, Path: "/oauth/tokens", Status: 200, Message: "the answer holds no bearer access token"}
	}
	cc.access, cc.refresh = out.AccessToken, out.RefreshToken
	issued := []string{cc.access, cc.refresh}
	if old := cc.issued.Load(); old != nil {
		// Keep earlier tokens too: an error may quote one.
		issued = append(issued, (*old)[:min(len(*old), 8)]...)
	}
	cc.issued.Store(&issued)
	cc.expires = time.Time{}
	if out.ExpiresIn > 0 {
		cc.expires = c.clock().Add(time.Duration(out.ExpiresIn * float64(time.Second)))
	}
	return nil
}
