package safehttp_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/atlas-release/atlas-release/internal/safehttp"
)

// capture is a server that records every request it receives.
type capture struct {
	*httptest.Server
	mu   sync.Mutex
	seen []seen
}

type seen struct {
	Method, Path, Authorization, Cookie, Body string
}

func newCapture(t *testing.T) *capture {
	c := &capture{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.seen = append(c.seen, seen{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Cookie"), string(b)})
		c.mu.Unlock()
		_, _ = io.WriteString(w, "stolen")
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *capture) requests() []seen {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]seen(nil), c.seen...)
}

// redirector answers /to?status=N&url=U with a redirect, and anything else with
// what it received.
func redirector(t *testing.T, tls bool) *capture {
	c := &capture{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/loop" {
			http.Redirect(w, r, "/loop", http.StatusFound)
			return
		}
		if r.URL.Path == "/to" {
			status, _ := strconv.Atoi(r.URL.Query().Get("status"))
			w.Header().Set("Location", r.URL.Query().Get("url"))
			w.WriteHeader(status)
			return
		}
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.seen = append(c.seen, seen{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Cookie"), string(b)})
		c.mu.Unlock()
		_, _ = io.WriteString(w, "home")
	})
	if tls {
		c.Server = httptest.NewTLSServer(h)
	} else {
		c.Server = httptest.NewServer(h)
	}
	t.Cleanup(c.Close)
	return c
}

func redirectURL(from string, status int, to string) string {
	return from + "/to?status=" + strconv.Itoa(status) + "&url=" + url.QueryEscape(to)
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

var statuses = []int{301, 302, 303, 307, 308}

// TestCredentialsNeverLeaveTheirOrigin: whatever the redirect status, method
// and way the credentials were attached, nothing reaches a second origin —
// another port of the same address, or the same port under another name — and
// the call fails with a message that says why.
func TestCredentialsNeverLeaveTheirOrigin(t *testing.T) {
	home := redirector(t, false)
	other := newCapture(t)
	otherURL := mustParse(t, other.URL)
	// The same server under another host name: net/http would forward
	// Authorization to another port of the same host.
	otherNames := []string{other.URL, "http://localhost:" + otherURL.Port()}
	clients := map[string]struct {
		opts   safehttp.Options
		header http.Header
	}{
		"token attached by the transport": {safehttp.Options{Origins: []*url.URL{mustParse(t, home.URL)}, Strict: true,
			Authorize: func(r *http.Request) { r.Header.Set("Authorization", "Bearer tok") }}, nil},
		"token set by the caller, strict": {safehttp.Options{Origins: []*url.URL{mustParse(t, home.URL)}, Strict: true},
			http.Header{"Authorization": {"Bearer tok"}}},
		"basic auth set by the caller": {safehttp.Options{Origins: []*url.URL{mustParse(t, home.URL)}},
			http.Header{"Authorization": {"Basic dXNlcjpwYXNz"}}},
		"a cookie, no origins configured": {safehttp.Options{}, http.Header{"Cookie": {"session=tok"}}},
	}
	for name, c := range clients {
		for _, method := range []string{"GET", "POST", "PATCH"} {
			for _, status := range statuses {
				for _, to := range otherNames {
					hc := safehttp.NewClient(nil, c.opts)
					var body io.Reader
					if method != "GET" {
						body = strings.NewReader("asset bytes")
					}
					req, _ := http.NewRequestWithContext(t.Context(), method, redirectURL(home.URL, status, to+"/stolen"), body)
					for k, v := range c.header {
						req.Header[k] = v
					}
					resp, err := hc.Do(req)
					if err == nil {
						resp.Body.Close()
						// 307 and 308 of a body net/http cannot replay are
						// answered to the caller, not followed.
						if (status == 307 || status == 308) && method != "GET" && resp.StatusCode == status {
							continue
						}
						t.Errorf("%s, %s %d to %s: followed (%d)", name, method, status, to, resp.StatusCode)
						continue
					}
					if !safehttp.IsRefused(err) || !strings.Contains(err.Error(), "refusing to follow a redirect") {
						t.Errorf("%s, %s %d to %s: %v", name, method, status, to, err)
					}
				}
			}
		}
	}
	if got := other.requests(); len(got) > 0 {
		t.Errorf("the other origin received %d requests, the first %+v", len(got), got[0])
	}
}

// TestBodiesNeverLeaveTheirOrigin: a write without credentials is not sent on
// to another origin either (its body is the caller's).
func TestBodiesNeverLeaveTheirOrigin(t *testing.T) {
	home := redirector(t, false)
	other := newCapture(t)
	hc := safehttp.NewClient(nil, safehttp.Options{})
	for _, status := range statuses {
		req, _ := http.NewRequestWithContext(t.Context(), "PUT", redirectURL(home.URL, status, other.URL+"/x"), strings.NewReader("secret data"))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("secret data")), nil }
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		if !safehttp.IsRefused(err) || !strings.Contains(err.Error(), "body") {
			t.Errorf("%d: %v", status, err)
		}
	}
	if got := other.requests(); len(got) > 0 {
		t.Errorf("the other origin received %+v", got)
	}
}

// TestRedirectsThatAreFollowed: within the origin, with the credentials; to
// another origin, a read without credentials (downloads go to storage) —
// and then without anything the first request carried.
func TestRedirectsThatAreFollowed(t *testing.T) {
	home := redirector(t, false)
	other := newCapture(t)
	auth := func(r *http.Request) { r.Header.Set("Authorization", "Bearer tok") }
	for _, status := range statuses {
		hc := safehttp.NewClient(nil, safehttp.Options{Origins: []*url.URL{mustParse(t, home.URL)}, Strict: true, Authorize: auth})
		req, _ := http.NewRequestWithContext(t.Context(), "PATCH", redirectURL(home.URL, status, "/moved"), strings.NewReader(`{"a":1}`))
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("%d within the origin: %v", status, err)
		}
		resp.Body.Close()
		got := home.requests()
		last := got[len(got)-1]
		if resp.StatusCode != 200 || last.Path != "/moved" || last.Authorization != "Bearer tok" {
			t.Errorf("%d within the origin: %d %+v", status, resp.StatusCode, last)
		}
		// A download: no credentials anywhere.
		dl := safehttp.NewClient(nil, safehttp.Options{})
		resp, err = dl.Get(redirectURL(home.URL, status, other.URL+"/storage"))
		if err != nil {
			t.Fatalf("%d to storage: %v", status, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "stolen" {
			t.Errorf("%d to storage: %q", status, b)
		}
	}
	for _, r := range other.requests() {
		if r.Authorization != "" || r.Cookie != "" {
			t.Errorf("storage received credentials: %+v", r)
		}
	}
}

// TestTheGuardRefusesOtherOrigins: a strict client sends nothing to an origin
// it was not configured with, redirect or not; a lenient one sends it without
// credentials, even those the caller set.
func TestTheGuardRefusesOtherOrigins(t *testing.T) {
	home := redirector(t, false)
	other := newCapture(t)
	auth := func(r *http.Request) { r.Header.Set("Authorization", "Bearer tok") }
	strict := safehttp.NewClient(nil, safehttp.Options{Origins: []*url.URL{mustParse(t, home.URL)}, Strict: true, Authorize: auth})
	req, _ := http.NewRequestWithContext(t.Context(), "POST", other.URL+"/upload", strings.NewReader("asset bytes"))
	if _, err := strict.Do(req); !safehttp.IsRefused(err) || !strings.Contains(err.Error(), "credentials belong to "+home.URL) {
		t.Errorf("strict: %v", err)
	}
	lenient := safehttp.NewClient(nil, safehttp.Options{Origins: []*url.URL{mustParse(t, home.URL)}, Authorize: auth})
	u := mustParse(t, other.URL+"/page")
	u.User = url.UserPassword("user", "pass")
	req, _ = http.NewRequestWithContext(t.Context(), "GET", u.String(), nil)
	req.Header.Set("Authorization", "Bearer caller")
	req.Header.Set("Cookie", "a=b")
	resp, err := lenient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := other.requests()
	if len(got) != 1 || got[0].Authorization != "" || got[0].Cookie != "" {
		t.Errorf("lenient: %+v", got)
	}
	// The caller's request is not changed by the transport.
	if req.Header.Get("Authorization") != "Bearer caller" {
		t.Error("the transport changed the caller's request")
	}
}

// TestNoDowngradeAndALimit: a redirect from HTTPS to plain HTTP (even to this
// machine), or to plain HTTP elsewhere, is refused before anything is sent; so
// is the eleventh redirect and a scheme that is not HTTP.
func TestNoDowngradeAndALimit(t *testing.T) {
	secure := redirector(t, true)
	plain := redirector(t, false)
	other := newCapture(t)
	base := secure.Client()
	for name, c := range map[string]struct {
		client *http.Client
		url    string
		want   string
	}{
		"https to http on this machine": {safehttp.NewClient(base, safehttp.Options{}), redirectURL(secure.URL, 302, other.URL+"/x"), "leaves HTTPS"},
		"http to http elsewhere":        {safehttp.NewClient(nil, safehttp.Options{}), redirectURL(plain.URL, 302, "http://downloads.example/x"), "leaves HTTPS"},
		"to another scheme":             {safehttp.NewClient(nil, safehttp.Options{}), redirectURL(plain.URL, 302, "ftp://127.0.0.1/x"), "not an http(s) URL"},
		"a loop":                        {safehttp.NewClient(nil, safehttp.Options{}), plain.URL + "/loop", "stopped after 10 redirects"},
	} {
		resp, err := c.client.Get(c.url)
		if err == nil {
			resp.Body.Close()
		}
		if !safehttp.IsRefused(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if got := other.requests(); len(got) > 0 {
		t.Errorf("a downgraded request was sent: %+v", got)
	}
}

// TestHostileLocationsArePrintedSafely: a Location naming a host with terminal
// controls or bidi overrides is refused with them escaped.
func TestHostileLocationsArePrintedSafely(t *testing.T) {
	home := redirector(t, false)
	hc := safehttp.NewClient(nil, safehttp.Options{Origins: []*url.URL{mustParse(t, home.URL)}, Strict: true})
	resp, err := hc.Get(redirectURL(home.URL, 302, "https://%e2%80%aeevil%1b.example/"))
	if err == nil {
		resp.Body.Close()
	}
	if err == nil || strings.ContainsAny(err.Error(), "\u202e\x1b") {
		t.Errorf("%q", err)
	}
}

func TestCheckScheme(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://ghe.example.com": true, "http://127.0.0.1:8080": true, "http://localhost:1": true, "http://[::1]:2": true,
		"http://ghe.example.com": false, "http://127.0.0.1.example.com": false, "ftp://127.0.0.1": false, "file:///etc/passwd": false,
	} {
		if err := safehttp.CheckScheme(mustParse(t, raw)); (err == nil) != ok {
			t.Errorf("%s: %v", raw, err)
		}
	}
}

func TestOrigins(t *testing.T) {
	same := [][2]string{{"https://API.github.com/x", "https://api.github.com:443/y"}, {"http://127.0.0.1/", "http://127.0.0.1:80"}}
	differ := [][2]string{{"https://a.example", "http://a.example"}, {"http://127.0.0.1:1", "http://127.0.0.1:2"},
		{"http://127.0.0.1:1", "http://localhost:1"}, {"https://example.com", "https://api.example.com"}}
	for _, p := range same {
		if safehttp.OriginOf(mustParse(t, p[0])) != safehttp.OriginOf(mustParse(t, p[1])) {
			t.Errorf("%s and %s differ", p[0], p[1])
		}
	}
	for _, p := range differ {
		if safehttp.OriginOf(mustParse(t, p[0])) == safehttp.OriginOf(mustParse(t, p[1])) {
			t.Errorf("%s and %s are the same", p[0], p[1])
		}
	}
}

func TestLimitedBody(t *testing.T) {
	for _, c := range []struct {
		body  string
		limit int64
		fails bool
	}{{"", 0, false}, {"abc", 3, false}, {"abcd", 3, true}, {strings.Repeat("x", 1<<20), 1 << 10, true}} {
		b, err := io.ReadAll(safehttp.LimitedBody(io.NopCloser(strings.NewReader(c.body)), c.limit))
		if c.fails != errors.Is(err, safehttp.ErrTooLarge) || int64(len(b)) > c.limit {
			t.Errorf("%d bytes, limit %d: read %d, %v", len(c.body), c.limit, len(b), err)
		}
	}
}
