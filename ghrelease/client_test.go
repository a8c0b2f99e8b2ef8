package ghrelease_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/ghrelease"
	"github.com/atlas-release/atlas-release/ghrelease/ghreleasetest"
)

const token = "ghp_secret_token_0123456789"

type clock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return ctx.Err()
}

func setup(t *testing.T, cfg ghreleasetest.Config, tok string) (*ghreleasetest.Server, *ghrelease.Client, *clock) {
	t.Helper()
	clk := &clock{now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	cfg.Owner, cfg.Repo, cfg.Clock = "acme", "runbooks", clk.Now
	if cfg.Tokens == nil {
		cfg.Tokens = map[string]ghreleasetest.Token{token: {Push: true}}
	}
	srv := ghreleasetest.New(cfg)
	t.Cleanup(func() {
		srv.Close()
		if u := srv.Unexpected(); len(u) > 0 {
			t.Errorf("unexpected requests: %q", u)
		}
	})
	c, err := ghrelease.New(ghrelease.Options{APIURL: srv.APIURL(), Token: tok, Repository: "acme/runbooks", Clock: clk.Now, Sleep: clk.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c, clk
}

func upload(t *testing.T, c *ghrelease.Client, rel *ghrelease.Release, name, data string) *ghrelease.Asset {
	t.Helper()
	a, err := c.Upload(t.Context(), rel, name, "text/plain", int64(len(data)), func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(data)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestReleaseLifecycle(t *testing.T) {
	srv, c, _ := setup(t, ghreleasetest.Config{PageSize: 1}, token)
	ctx := t.Context()
	if err := c.Preflight(ctx); err != nil {
		t.Fatal(err)
	}
	// Another release first, so that finding the draft needs a second page.
	other, err := c.CreateDraft(ctx, "v4.2.0", "Atlas 4.2.0", "notes")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Publish(ctx, other.ID, "Atlas 4.2.0", "notes", false); err != nil {
		t.Fatal(err)
	}
	rel, err := c.CreateDraft(ctx, "v4.3.0", "Atlas 4.3.0", "notes")
	if err != nil {
		t.Fatal(err)
	}
	found, err := c.FindRelease(ctx, "v4.3.0")
	if err != nil || found == nil || found.ID != rel.ID || !found.Draft {
		t.Fatalf("the draft was not found: %+v %v", found, err)
	}
	a := upload(t, c, rel, "SHA256SUMS", "abc  x\n")
	sum := sha256.Sum256([]byte("abc  x\n"))
	if a.SHA256 != hex.EncodeToString(sum[:]) || a.State != "uploaded" || a.Size != 7 {
		t.Errorf("asset %+v", a)
	}
	if !strings.Contains(a.DownloadURL, "/releases/download/untagged-") {
		t.Errorf("a draft's download URL %q names its tag", a.DownloadURL)
	}
	pub, err := c.Publish(ctx, rel.ID, "Atlas 4.3.0", "notes", true)
	if err != nil || pub.Draft {
		t.Fatalf("publish: %+v %v", pub, err)
	}
	if want := c.DownloadURL("v4.3.0", "SHA256SUMS"); pub.Assets[0].DownloadURL != want {
		t.Errorf("download URL %q, want %q", pub.Assets[0].DownloadURL, want)
	}
	if rels := srv.Releases(); rels[1].MakeLatest != "true" || rels[0].MakeLatest != "false" {
		t.Errorf("make_latest: %q %q", rels[0].MakeLatest, rels[1].MakeLatest)
	}
	// The name is taken: 422.
	_, err = c.Upload(ctx, pub, "SHA256SUMS", "text/plain", 1, func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("x")), nil })
	if ghrelease.KindOf(err) != ghrelease.KindInvalid || !strings.Contains(err.Error(), "already_exists") {
		t.Errorf("duplicate asset: %v", err)
	}
}

func TestPreflightRefusesWeakTokens(t *testing.T) {
	for name, tc := range map[string]struct {
		tok  ghreleasetest.Token
		use  string
		kind ghrelease.Kind
	}{
		"read-only":            {ghreleasetest.Token{Push: false}, token, ghrelease.KindPermission},
		"classic without repo": {ghreleasetest.Token{Push: true, Scopes: "read:org, gist"}, token, ghrelease.KindPermission},
		"unknown token":        {ghreleasetest.Token{Push: true}, "ghp_wrong", ghrelease.KindAuth},
	} {
		t.Run(name, func(t *testing.T) {
			srv, c, _ := setup(t, ghreleasetest.Config{Tokens: map[string]ghreleasetest.Token{token: tc.tok}}, tc.use)
			err := c.Preflight(t.Context())
			if ghrelease.KindOf(err) != tc.kind {
				t.Errorf("%v, want kind %v", err, tc.kind)
			}
			if srv.Writes() != 0 {
				t.Error("the preflight wrote")
			}
		})
	}
	_, c, _ := setup(t, ghreleasetest.Config{Tokens: map[string]ghreleasetest.Token{token: {Push: true, Scopes: "repo, read:org"}}}, token)
	if err := c.Preflight(t.Context()); err != nil {
		t.Errorf("a classic token with repo: %v", err)
	}
}

func TestRetries(t *testing.T) {
	ctx := t.Context()
	for name, f := range map[string]ghreleasetest.Fault{
		"primary rate limit": {Kind: ghreleasetest.RateLimit, Method: "GET", PathPattern: "/releases/tags/", Delay: 30 * time.Second},
		"secondary limit":    {Kind: ghreleasetest.SecondaryLimit, Method: "GET", PathPattern: "/releases/tags/", Delay: 7 * time.Second},
		"502":                {Kind: ghreleasetest.Fail502, Method: "GET", PathPattern: "/releases/tags/", Times: 2},
		"dropped":            {Kind: ghreleasetest.DropAfterCommit, Method: "GET", PathPattern: "/releases/tags/"},
	} {
		t.Run(name, func(t *testing.T) {
			srv, c, clk := setup(t, ghreleasetest.Config{}, token)
			srv.Inject(f)
			if _, err := c.FindRelease(ctx, "v4.3.0"); err != nil {
				t.Fatal(err)
			}
			if srv.PendingFaults() != 0 {
				t.Error("the fault did not fire")
			}
			if f.Delay > 0 && (len(clk.slept) == 0 || clk.slept[0] < f.Delay) {
				t.Errorf("waited %v, not the %s the server asked", clk.slept, f.Delay)
			}
		})
	}
	// A create whose outcome is unknown is not repeated.
	srv, c, _ := setup(t, ghreleasetest.Config{}, token)
	srv.Inject(ghreleasetest.Fault{Kind: ghreleasetest.Fail500, Method: "POST", PathPattern: "/releases$"})
	if _, err := c.CreateDraft(ctx, "v4.3.0", "n", "b"); ghrelease.KindOf(err) != ghrelease.KindAmbiguous {
		t.Errorf("500 on a create: %v", err)
	}
	posts := 0
	for _, r := range srv.Requests() {
		if r.Method == "POST" {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("the create was sent %d times", posts)
	}
	// A rate limit is waited out only so long.
	srv, c, _ = setup(t, ghreleasetest.Config{}, token)
	srv.Inject(ghreleasetest.Fault{Kind: ghreleasetest.RateLimit, PathPattern: "/releases/tags/", Delay: 2 * time.Hour})
	if _, err := c.FindRelease(ctx, "v4.3.0"); ghrelease.KindOf(err) != ghrelease.KindRateLimited {
		t.Errorf("a two-hour rate limit: %v", err)
	}
}

func TestErrorsNeverShowTheToken(t *testing.T) {
	_, c, _ := setup(t, ghreleasetest.Config{Tokens: map[string]ghreleasetest.Token{"other": {Push: true}}}, token)
	err := c.Preflight(t.Context())
	if err == nil || strings.Contains(err.Error(), token) {
		t.Errorf("error: %v", err)
	}
}

func TestNewRefusesUnsafeSettings(t *testing.T) {
	for _, o := range []ghrelease.Options{
		{APIURL: "http://ghe.example.com/api/v3", Token: "t", Repository: "a/b"},
		{Token: "t", Repository: "a"},
		{Token: "", Repository: "a/b"},
		{APIURL: "ftp://x/api/v3", Token: "t", Repository: "a/b"},
	} {
		if _, err := ghrelease.New(o); err == nil {
			t.Errorf("accepted %+v", o)
		}
	}
	c, err := ghrelease.New(ghrelease.Options{Token: "t", Repository: "acme/runbooks"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.DownloadURL("v4.3.0", "SHA256SUMS"); got != "https://github.com/acme/runbooks/releases/download/v4.3.0/SHA256SUMS" {
		t.Errorf("github.com download URL %q", got)
	}
}

// TestTerseServers: a server that reports neither the token's permissions nor
// asset states is not taken to refuse publishing or to hold broken uploads.
func TestTerseServers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/v3/repos/acme/runbooks":
			fmt.Fprint(w, `{"id":1,"full_name":"acme/runbooks"}`)
		case "/api/v3/repos/acme/runbooks/releases/tags/v1.0.0":
			fmt.Fprint(w, `{"id":7,"tag_name":"v1.0.0","draft":false}`)
		case "/api/v3/repos/acme/runbooks/releases/7/assets":
			fmt.Fprint(w, `[{"id":9,"name":"SHA256SUMS","size":3}]`)
		default:
			w.WriteHeader(404)
		}
	}))
	defer srv.Close()
	c, err := ghrelease.New(ghrelease.Options{APIURL: srv.URL + "/api/v3", Token: token, Repository: "acme/runbooks"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Preflight(t.Context()); err != nil {
		t.Errorf("no permissions in the answer: %v", err)
	}
	rel, err := c.FindRelease(t.Context(), "v1.0.0")
	if err != nil || len(rel.Assets) != 1 || rel.Assets[0].State != "uploaded" {
		t.Errorf("release %+v %v", rel, err)
	}
}
