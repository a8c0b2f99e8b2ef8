package zendesk_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/zendesk"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

const token = "secret-oauth-token-1234"

func newFakeClock() *zendesktest.Clock {
	return zendesktest.NewClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
}

type setup struct {
	srv    *zendesktest.Server
	client *zendesk.Client
	clock  *zendesktest.Clock
}

func newSetup(t *testing.T, cfg zendesktest.Config, opts zendesk.Options, locales ...string) *setup {
	t.Helper()
	clock := newFakeClock()
	if cfg.Tokens == nil {
		cfg.Tokens = []string{token}
	}
	cfg.Clock = clock.Now
	srv := zendesktest.New(zendesktest.NewState(locales...), cfg)
	t.Cleanup(srv.Close)
	opts.BaseURL = srv.URL
	if opts.Credentials == nil {
		opts.Credentials = zendesk.BearerToken(token)
	}
	opts.Clock, opts.Sleep = clock.Now, clock.Sleep
	c, err := zendesk.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return &setup{srv: srv, client: c, clock: clock}
}

func newArticle(labels ...string) zendesk.NewArticle {
	return zendesk.NewArticle{Title: "Atlas 4.3 release notes", Body: "<p>Hello</p>", Locale: "en-us",
		PermissionGroupID: 1501, LabelNames: labels, Draft: true}
}

func TestNewRefusesUnsafeBaseURLs(t *testing.T) {
	for _, u := range []string{"http://acme.zendesk.com", "https://user:pw@acme.zendesk.com", "https://acme.zendesk.com/api/v2",
		"ftp://acme.zendesk.com", "acme", "https://acme.zendesk.com?x=1", ""} {
		if _, err := zendesk.New(zendesk.Options{BaseURL: u, Credentials: zendesk.BearerToken("t")}); err == nil {
			t.Errorf("New accepted %q", u)
		}
	}
	for _, u := range []string{"https://acme.zendesk.com", "https://acme.zendesk.com/", "http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:2"} {
		if _, err := zendesk.New(zendesk.Options{BaseURL: u, Credentials: zendesk.BearerToken("t")}); err != nil {
			t.Errorf("New refused %q: %v", u, err)
		}
	}
}

func TestArticlesAndTranslations(t *testing.T) {
	s := newSetup(t, zendesktest.Config{PageSizeLimit: 2}, zendesk.Options{}, "en-us", "de")
	ctx := t.Context()
	locales, err := s.client.Locales(ctx)
	if err != nil || locales.Default != "en-us" || len(locales.Enabled) != 2 {
		t.Fatalf("locales: %+v %v", locales, err)
	}
	var ids []int64
	for i := range 5 {
		a, err := s.client.CreateArticle(ctx, 360001, newArticle("managed", fmt.Sprintf("v%d", i%2)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	got, err := s.client.ArticlesByLabels(ctx, "en-us", []string{"managed", "v0"})
	if err != nil || len(got) != 3 {
		t.Fatalf("by labels over pages of 2: %d articles, %v", len(got), err)
	}
	if _, err := s.client.CreateTranslation(ctx, ids[0], zendesk.NewTranslation{Locale: "de", Title: "Versionshinweise", Body: "<p>Hallo</p>", Draft: true}); err != nil {
		t.Fatal(err)
	}
	de, err := s.client.ArticlesByLabels(ctx, "de", []string{"managed"})
	if err != nil || len(de) != 1 || de[0].Title != "Versionshinweise" {
		t.Fatalf("articles in de: %+v %v", de, err)
	}
	draft := false
	tr, err := s.client.UpdateTranslation(ctx, ids[0], "de", zendesk.TranslationUpdate{Draft: &draft})
	if err != nil || tr.Draft {
		t.Fatalf("publish de: %+v %v", tr, err)
	}
	labels := []string{"managed", "v9"}
	if _, err := s.client.UpdateArticle(ctx, ids[0], zendesk.ArticleMetadata{LabelNames: &labels}); err != nil {
		t.Fatal(err)
	}
	trs, err := s.client.Translations(ctx, ids[0])
	if err != nil || len(trs) != 2 {
		t.Fatalf("translations: %+v %v", trs, err)
	}
	if _, err := s.client.UploadAttachment(ctx, ids[0], "SHA256SUMS", "text/plain", strings.NewReader("abc  x\n"), false); err != nil {
		t.Fatal(err)
	}
	if st := s.srv.Snapshot(); len(st.Attachments[ids[0]]) != 1 || st.Attachments[ids[0]][0].Size != 7 {
		t.Errorf("attachment: %+v", st.Attachments)
	}
}

func TestTypedErrors(t *testing.T) {
	s := newSetup(t, zendesktest.Config{}, zendesk.Options{}, "en-us")
	ctx := t.Context()
	bad := newArticle()
	bad.PermissionGroupID = 0
	_, err := s.client.CreateArticle(ctx, 360001, bad)
	var e *zendesk.Error
	if !errors.As(err, &e) || e.Kind != zendesk.KindInvalid || e.Code != "RecordInvalid" || len(e.Fields) != 1 || e.Fields[0].Field != "permission_group_id" {
		t.Errorf("missing permission group: %#v", err)
	}
	published := newArticle()
	published.Draft = false
	if _, err := s.client.CreateArticle(ctx, 360001, published); zendesk.KindOf(err) != zendesk.KindPermission {
		t.Errorf("published create: %v", err)
	}
	if _, err := s.client.Section(ctx, 1); zendesk.KindOf(err) != zendesk.KindNotFound {
		t.Errorf("unknown section: %v", err)
	}
	if _, err := s.client.ArticlesByLabels(ctx, "en-us", make([]string, 11)); err == nil {
		t.Error("11 labels accepted")
	}
	if _, err := s.client.ArticlesByLabels(ctx, "../x", []string{"a"}); err == nil {
		t.Error("a path in the locale accepted")
	}
}

func TestAuthSchemes(t *testing.T) {
	ctx := t.Context()
	t.Run("bad bearer", func(t *testing.T) {
		s := newSetup(t, zendesktest.Config{}, zendesk.Options{Credentials: zendesk.BearerToken("wrong-token-5678")})
		_, err := s.client.Locales(ctx)
		if zendesk.KindOf(err) != zendesk.KindAuth || strings.Contains(err.Error(), "wrong-token-5678") {
			t.Errorf("bad token: %v", err)
		}
	})
	t.Run("API token", func(t *testing.T) {
		creds := zendesk.APIToken("pm@example.com", "api-token-9999")
		s := newSetup(t, zendesktest.Config{APITokens: map[string]string{"pm@example.com": "api-token-9999"}}, zendesk.Options{Credentials: creds})
		if _, err := s.client.Locales(ctx); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(creds.Deprecated(), zendesk.APITokenEndOfLife) {
			t.Errorf("no end of life in %q", creds.Deprecated())
		}
		if strings.Contains(fmt.Sprint(creds), "api-token-9999") || strings.Contains(fmt.Sprintf("%#v", creds), "api-token-9999") {
			t.Error("printing the credentials shows the token")
		}
	})
	t.Run("client credentials with renewal", func(t *testing.T) {
		s := newSetup(t, zendesktest.Config{Clients: map[string]string{"ci": "client-secret-4242"}, TokenLifetime: 2 * time.Hour},
			zendesk.Options{Credentials: zendesk.ClientCredentials("ci", "client-secret-4242", "")})
		for range 3 {
			if _, err := s.client.Locales(ctx); err != nil {
				t.Fatal(err)
			}
		}
		s.srv.ExpireTokens()
		if _, err := s.client.Locales(ctx); err != nil {
			t.Fatalf("after the token was revoked: %v", err)
		}
		_ = s.clock.Sleep(ctx, 3*time.Hour) // the token expires: renewed before use
		if _, err := s.client.Locales(ctx); err != nil {
			t.Fatalf("after the token expired: %v", err)
		}
		grants := 0
		for _, r := range s.srv.Requests() {
			if r.Path == "/oauth/tokens" {
				grants++
				if strings.Contains(r.Body, `"client_credentials"`) && grants > 1 {
					t.Errorf("grant %d used client credentials, not the refresh token", grants)
				}
			}
		}
		if grants != 3 {
			t.Errorf("%d token requests, want 3 (first, after the 401, before expiry)", grants)
		}
	})
	t.Run("token endpoint rate limited", func(t *testing.T) {
		s := newSetup(t, zendesktest.Config{Clients: map[string]string{"ci": "client-secret-4242"}},
			zendesk.Options{Credentials: zendesk.ClientCredentials("ci", "client-secret-4242", "")})
		s.srv.Inject(zendesktest.Fault{Kind: zendesktest.Fail429, PathPattern: "^/oauth/tokens$", RetryAfter: 5})
		if _, err := s.client.Locales(ctx); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(s.clock.Slept(), 5*time.Second) {
			t.Errorf("slept %v, not the 5 s asked", s.clock.Slept())
		}
	})
	t.Run("bad client secret", func(t *testing.T) {
		s := newSetup(t, zendesktest.Config{Clients: map[string]string{"ci": "right"}},
			zendesk.Options{Credentials: zendesk.ClientCredentials("ci", "wrong-secret-777", "")})
		_, err := s.client.Locales(ctx)
		if zendesk.KindOf(err) != zendesk.KindAuth || strings.Contains(err.Error(), "wrong-secret-777") {
			t.Errorf("bad secret: %v", err)
		}
	})
	t.Run("read-only token writes", func(t *testing.T) {
		s := newSetup(t, zendesktest.Config{ReadOnlyTokens: []string{"reader-token"}}, zendesk.Options{Credentials: zendesk.BearerToken("reader-token")})
		if _, err := s.client.CreateArticle(ctx, 360001, newArticle()); zendesk.KindOf(err) != zendesk.KindPermission {
			t.Errorf("read-only write: %v", err)
		}
	})
}

func TestRetriesSafeRequests(t *testing.T) {
	ctx := t.Context()
	for _, f := range []zendesktest.Fault{
		{Kind: zendesktest.Fail429, PathPattern: "locales", RetryAfter: 3, Times: 2},
		{Kind: zendesktest.Fail503, PathPattern: "locales", RetryAfter: 2},
		{Kind: zendesktest.Fail500, PathPattern: "locales", Times: 2},
		{Kind: zendesktest.DropAfterCommit, PathPattern: "locales"},
	} {
		s := newSetup(t, zendesktest.Config{}, zendesk.Options{})
		s.srv.Inject(f)
		if _, err := s.client.Locales(ctx); err != nil {
			t.Errorf("fault %v: %v", f.Kind, err)
		}
		if f.RetryAfter > 0 && !slices.Contains(s.clock.Slept(), time.Duration(f.RetryAfter)*time.Second) {
			t.Errorf("fault %v: waited %v, not the Retry-After of %d s", f.Kind, s.clock.Slept(), f.RetryAfter)
		}
	}
	// Capped: a server that keeps failing fails the call.
	s := newSetup(t, zendesktest.Config{}, zendesk.Options{MaxAttempts: 3})
	s.srv.Inject(zendesktest.Fault{Kind: zendesktest.Fail500, PathPattern: "locales", Times: 10})
	_, err := s.client.Locales(ctx)
	if zendesk.KindOf(err) != zendesk.KindTransient || len(s.srv.Requests()) != 3 {
		t.Errorf("persistent 500: %v after %d requests", err, len(s.srv.Requests()))
	}
	// A Retry-After longer than the client waits fails at once.
	s = newSetup(t, zendesktest.Config{}, zendesk.Options{MaxWait: time.Minute})
	s.srv.Inject(zendesktest.Fault{Kind: zendesktest.Fail429, PathPattern: "locales", RetryAfter: 3600})
	if _, err := s.client.Locales(ctx); zendesk.KindOf(err) != zendesk.KindRateLimited {
		t.Errorf("429 for an hour: %v", err)
	}
}

func TestCreatesAreNeverBlindlyRepeated(t *testing.T) {
	ctx := t.Context()
	for _, f := range []zendesktest.Fault{
		{Kind: zendesktest.DropAfterCommit, Method: "POST", PathPattern: "articles$"},
		{Kind: zendesktest.Fail500, Method: "POST", PathPattern: "articles$"},
		{Kind: zendesktest.Fail503, Method: "POST", PathPattern: "articles$", RetryAfter: 1},
	} {
		s := newSetup(t, zendesktest.Config{}, zendesk.Options{})
		s.srv.Inject(f)
		_, err := s.client.CreateArticle(ctx, 360001, newArticle())
		if zendesk.KindOf(err) != zendesk.KindAmbiguous {
			t.Errorf("fault %v: %v, want an ambiguous error", f.Kind, err)
		}
		posts := 0
		for _, r := range s.srv.Requests() {
			if r.Method == "POST" {
				posts++
			}
		}
		if posts != 1 {
			t.Errorf("fault %v: the create was sent %d times", f.Kind, posts)
		}
	}
	// A 429 is refused before anything is done: a create is repeated.
	s := newSetup(t, zendesktest.Config{}, zendesk.Options{})
	s.srv.Inject(zendesktest.Fault{Kind: zendesktest.Fail429, Method: "POST", PathPattern: "articles$", RetryAfter: 1})
	if _, err := s.client.CreateArticle(ctx, 360001, newArticle()); err != nil {
		t.Fatal(err)
	}
	if n := len(s.srv.Snapshot().Articles); n != 1 {
		t.Errorf("%d articles after a 429 and a retry", n)
	}
}

func TestTimeouts(t *testing.T) {
	ctx := t.Context()
	s := newSetup(t, zendesktest.Config{}, zendesk.Options{RequestTimeout: 50 * time.Millisecond})
	s.srv.Inject(zendesktest.Fault{Kind: zendesktest.Stall, PathPattern: "locales", Delay: time.Second})
	if _, err := s.client.Locales(ctx); err != nil {
		t.Errorf("a stalled GET was not retried: %v", err)
	}
	s.srv.Inject(zendesktest.Fault{Kind: zendesktest.Stall, Method: "POST", PathPattern: "articles$", Delay: time.Second})
	if _, err := s.client.CreateArticle(ctx, 360001, newArticle()); zendesk.KindOf(err) != zendesk.KindAmbiguous {
		t.Errorf("a stalled create: %v, want ambiguous", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.client.Locales(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestRateLimiterFollowsTheServer(t *testing.T) {
	const limit, calls = 5, 23
	s := newSetup(t, zendesktest.Config{RateLimit: limit}, zendesk.Options{})
	ctx := t.Context()
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.client.Locales(ctx); err != nil {
				failed.Add(1)
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	st := s.client.Stats()
	// Each window: up to limit requests, then one probe answered 429. Requests
	// already in flight when the window closed may add a few more.
	windows := int64((calls + limit - 1) / limit)
	if failed.Load() != 0 || st.RateLimited > 2*windows {
		t.Errorf("%d calls at %d/min: %+v", calls, limit, st)
	}
	if elapsed := s.clock.Now().Sub(newFakeClock().Now()); elapsed < time.Duration(windows-1)*time.Minute {
		t.Errorf("finished after %s of fake time, faster than the limit allows", elapsed)
	}
}

func TestNoCredentialsAcrossHosts(t *testing.T) {
	var leaked atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("Authorization"))
		fmt.Fprint(w, `{"locales":["en-us"],"default_locale":"en-us"}`)
	}))
	defer other.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	}))
	defer redirector.Close()
	c, err := zendesk.New(zendesk.Options{BaseURL: redirector.URL, Credentials: zendesk.BearerToken(token), MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Locales(t.Context()); err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Errorf("a redirect to another host was followed: %v", err)
	}
	if v := leaked.Load(); v != nil {
		t.Errorf("the other host received Authorization %q", v)
	}
}

func TestServerCannotEchoSecrets(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(422)
		fmt.Fprintf(w, `{"error":"RecordInvalid","description":"you sent %s","details":{"x":[{"description":"%s","error":"E"}]}}`,
			r.Header.Get("Authorization"), r.Header.Get("Authorization"))
	}))
	defer echo.Close()
	c, err := zendesk.New(zendesk.Options{BaseURL: echo.URL, Credentials: zendesk.BearerToken(token)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Locales(t.Context())
	if err == nil || strings.Contains(err.Error(), token) {
		t.Errorf("error shows the token: %v", err)
	}
}

func TestHostileAnswers(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"not JSON": func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "<html>hello</html>") },
		"endless pages": func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `{"articles":[],"meta":{"has_more":true,"after_cursor":"same"}}`)
		},
		"wrong types": func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `{"articles":{"id":"x"},"meta":{"has_more":false}}`)
		},
		"huge": func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `{"articles":["`)
			chunk := strings.Repeat("x", 1<<20)
			for range 130 {
				fmt.Fprint(w, chunk)
			}
		},
		"control characters in an error": func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(400)
			fmt.Fprint(w, "bad \x1b[31mthing\x1b[0m")
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			c, _ := zendesk.New(zendesk.Options{BaseURL: srv.URL, Credentials: zendesk.BearerToken(token), MaxAttempts: 1})
			_, err := c.ArticlesByLabels(t.Context(), "en-us", []string{"a"})
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.ContainsRune(err.Error(), 0x1b) {
				t.Errorf("error passes control characters: %q", err)
			}
		})
	}
}

// TestOffsetPaginatedAnswers: a server that ignores page[size] and answers
// with offset pagination is followed by page number, never by its URL.
func TestOffsetPaginatedAnswers(t *testing.T) {
	var pages []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		pages = append(pages, page)
		switch page {
		case "":
			fmt.Fprint(w, `{"articles":[{"id":1,"locale":"en-us"}],"next_page":"https://elsewhere.example/api/v2/help_center/articles?page=2","page":1}`)
		case "2":
			fmt.Fprint(w, `{"articles":[{"id":2,"locale":"en-us"}],"next_page":null,"page":2}`)
		default:
			w.WriteHeader(400)
		}
	}))
	defer srv.Close()
	c, _ := zendesk.New(zendesk.Options{BaseURL: srv.URL, Credentials: zendesk.BearerToken(token)})
	arts, err := c.ArticlesByLabels(t.Context(), "en-us", []string{"a"})
	if err != nil || len(arts) != 2 || strings.Join(pages, ",") != ",2" {
		t.Errorf("%d articles, pages %q: %v", len(arts), pages, err)
	}
}
