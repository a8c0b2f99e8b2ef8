package zendesk_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/atlas-release/atlas-release/zendesk"
)

// recorder is a server on another origin that records every request.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newRecorder(t *testing.T) *recorder {
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.seen = append(rec.seen, fmt.Sprintf("%s %s Authorization=%q body=%q", r.Method, r.URL.Path, r.Header.Get("Authorization"), b))
		rec.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"locales":["en-us"],"default_locale":"en-us","ticket":{"id":1},"article":{"id":1}}`)
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (rec *recorder) take() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := rec.seen
	rec.seen = nil
	return out
}

// instance is a ZenDesk that grants OAuth tokens and redirects every other
// request with status to the same path on to (this instance when to is "");
// a redirect to itself lands on /moved/..., which answers.
func instance(t *testing.T, status int, to string) (*httptest.Server, *[]string) {
	var mu sync.Mutex
	var auth []string
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/oauth/tokens":
			_, _ = io.WriteString(w, `{"access_token":"issued-access-token-8080","token_type":"bearer"}`)
		case strings.HasPrefix(r.URL.Path, "/moved/"):
			mu.Lock()
			auth = append(auth, r.Method+" "+r.Header.Get("Authorization"))
			mu.Unlock()
			_, _ = io.WriteString(w, `{"locales":["en-us"],"default_locale":"en-us","ticket":{"id":1,"external_id":"k"},"article":{"id":1}}`)
		default:
			base := to
			if base == "" {
				base = srv.URL + "/moved"
			}
			w.Header().Set("Location", base+r.URL.RequestURI())
			w.WriteHeader(status)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &auth
}

var credentialKinds = map[string]zendesk.Credentials{
	"OAuth token":              zendesk.BearerToken(token),
	"API token":                zendesk.APIToken("ops@example.com", "api-token-secret-5150"),
	"OAuth client credentials": zendesk.ClientCredentials("ci", "client-secret-6464", ""),
}

// TestNoCredentialsAcrossRedirects: a redirect to another origin — another
// port of the same address, or the same server under another name — of a read
// or a write, with any kind of credentials and any redirect status, sends
// nothing there, and fails, final (exit 1), saying why.
func TestNoCredentialsAcrossRedirects(t *testing.T) {
	other := newRecorder(t)
	port := other.URL[strings.LastIndex(other.URL, ":")+1:]
	for _, to := range []string{other.URL, "http://localhost:" + port} {
		for _, status := range []int{301, 302, 303, 307, 308} {
			srv, _ := instance(t, status, to)
			for kind, creds := range credentialKinds {
				c, err := zendesk.New(zendesk.Options{BaseURL: srv.URL, Credentials: creds, MaxAttempts: 2})
				if err != nil {
					t.Fatal(err)
				}
				for op, call := range map[string]func() error{
					"GET":  func() error { _, err := c.Locales(t.Context()); return err },
					"POST": func() error { _, err := c.CreateArticle(t.Context(), 1, newArticle()); return err },
				} {
					err := call()
					if got := other.take(); len(got) > 0 {
						t.Errorf("%s %d to %s with %s: the other origin received %q", op, status, to, kind, got)
					}
					if err == nil || !strings.Contains(err.Error(), "refusing to follow a redirect") {
						t.Errorf("%s %d to %s with %s: %v", op, status, to, kind, err)
						continue
					}
					if k := zendesk.KindOf(err); k != zendesk.KindOther {
						t.Errorf("%s %d with %s: kind %s, want other (final, exit 1)", op, status, kind, k)
					}
				}
			}
		}
	}
}

// TestRedirectsWithinTheInstance are followed, with the credentials, and a
// write keeps its body where net/http can send it again (307, 308).
func TestRedirectsWithinTheInstance(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		srv, auth := instance(t, status, "")
		c, err := zendesk.New(zendesk.Options{BaseURL: srv.URL, Credentials: zendesk.BearerToken(token), MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Locales(t.Context()); err != nil {
			t.Errorf("GET after a %d: %v", status, err)
		}
		if status == 307 || status == 308 {
			if _, _, err := c.CreateTicket(t.Context(), zendesk.NewTicket{Subject: "s", ExternalID: "k"}, "k"); err != nil {
				t.Errorf("POST after a %d: %v", status, err)
			}
		}
		for _, a := range *auth {
			if !strings.HasSuffix(a, "Bearer "+token) {
				t.Errorf("%d: the redirected request carried %q", status, a)
			}
		}
	}
}

// secretForms are the ways a hostile server could echo a secret.
func secretForms(secret, user string) map[string]string {
	j, _ := json.Marshal(secret)
	return map[string]string{
		"verbatim":           secret,
		"query-escaped":      url.QueryEscape(secret),
		"path-escaped":       url.PathEscape(secret),
		"base64":             base64.StdEncoding.EncodeToString([]byte(secret)),
		"base64 URL, raw":    base64.RawURLEncoding.EncodeToString([]byte(secret)),
		"basic auth":         base64.StdEncoding.EncodeToString([]byte(user + "/token:" + secret)),
		"basic auth, other":  base64.StdEncoding.EncodeToString([]byte("someone:" + secret)),
		"JSON-escaped":       string(j[1 : len(j)-1]),
		"every byte escaped": strings.ToUpper(fmt.Sprintf("%%%x", secret[0])) + url.PathEscape(secret[1:]),
	}
}

// TestServersCannotEchoSecretsInAnyForm: every secret — a token, an API token
// and its basic-authentication form, a client secret — echoed in any encoding,
// in an error's description, a field's name or message, a plain-text body, or
// where the client cuts a long text short, is redacted.
func TestServersCannotEchoSecretsInAnyForm(t *testing.T) {
	const email, apiToken, clientSecret = "ops@example.com", "api-token-secret-5150", "client-secret-6464"
	creds := map[string]struct {
		creds  zendesk.Credentials
		secret string
	}{
		"OAuth token":   {zendesk.BearerToken(token), token},
		"API token":     {zendesk.APIToken(email, apiToken), apiToken},
		"client secret": {zendesk.ClientCredentials("ci", clientSecret, ""), clientSecret},
	}
	bodies := map[string]func(form string) (int, string){
		"description": func(f string) (int, string) {
			return 422, fmt.Sprintf(`{"error":"RecordInvalid","description":"you sent %s"}`, f)
		},
		"field message": func(f string) (int, string) {
			return 422, fmt.Sprintf(`{"error":"RecordInvalid","details":{"x":[{"description":"got %s","error":"E"}]}}`, f)
		},
		"field name": func(f string) (int, string) {
			return 422, fmt.Sprintf(`{"error":"RecordInvalid","details":{"%s":[{"description":"bad","error":"E"}]}}`, f)
		},
		"plain text": func(f string) (int, string) { return 400, "denied for " + f },
		"cut short": func(f string) (int, string) {
			// The client keeps 300 characters: all but the form's last three.
			return 422, fmt.Sprintf(`{"error":"RecordInvalid","description":"%s%s"}`, strings.Repeat("x", 303-len(f)), f)
		},
	}
	for cname, cr := range creds {
		for fname, form := range secretForms(cr.secret, email) {
			for bname, body := range bodies {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					if r.URL.Path == "/oauth/tokens" {
						_, _ = io.WriteString(w, `{"access_token":"issued-access-token-8080","token_type":"bearer"}`)
						return
					}
					status, b := body(form)
					w.WriteHeader(status)
					_, _ = io.WriteString(w, b)
				}))
				c, err := zendesk.New(zendesk.Options{BaseURL: srv.URL, Credentials: cr.creds, MaxAttempts: 1})
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.Locales(t.Context())
				srv.Close()
				if err == nil {
					t.Fatalf("%s %s in %s: no error", cname, fname, bname)
				}
				msg := err.Error()
				for other, f := range secretForms(cr.secret, email) {
					if strings.Contains(msg, f) || strings.Contains(msg, f[:len(f)-3]) {
						t.Errorf("%s echoed %s in %s: the error shows it %s: %s", cname, fname, bname, other, msg)
					}
				}
				if secret := cr.secret; strings.Contains(msg, secret[len(secret)-6:]) {
					t.Errorf("%s echoed %s in %s: the error shows part of it: %s", cname, fname, bname, msg)
				}
			}
		}
	}
}

// TestCreatesAnsweredWithNothingUsable: a create answered 2xx with an empty,
// garbled or doubled body is ambiguous (the caller looks before creating
// again), never a success nor a plain failure; a read answered so fails.
func TestCreatesAnsweredWithNothingUsable(t *testing.T) {
	for name, body := range map[string]string{
		"empty":             "",
		"HTML from a proxy": "<html>Created</html>",
		"trailing garbage":  `{"article":{"id":1,"locale":"en-us"}} x`,
		"two values":        `{"article":{"id":1}}{"article":{"id":2}}`,
		"truncated":         `{"article":{"id":1`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(201)
			_, _ = io.WriteString(w, body)
		}))
		c, err := zendesk.New(zendesk.Options{BaseURL: srv.URL, Credentials: zendesk.BearerToken(token), MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreateArticle(t.Context(), 1, newArticle()); zendesk.KindOf(err) != zendesk.KindAmbiguous {
			t.Errorf("create answered %s: %v", name, err)
		}
		if name != "empty" {
			if _, err := c.Locales(t.Context()); err == nil || zendesk.KindOf(err) == zendesk.KindAmbiguous {
				t.Errorf("read answered %s: %v", name, err)
			}
		}
		srv.Close()
	}
}
