package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/zendesk"
)

// TestSandboxServesAndKeepsState starts the sandbox for the example workspace,
// publishes an article to it, looks at it in the HTML view, and restarts it:
// the article is still there.
func TestSandboxServesAndKeepsState(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	start := func() (string, context.CancelFunc, chan error) {
		urlFile := filepath.Join(dir, "url")
		os.Remove(urlFile)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		var out bytes.Buffer
		go func() {
			done <- run(ctx, []string{"-C", "../../examples/atlas", "-addr", "127.0.0.1:0", "-state", state, "-url-file", urlFile}, &out, io.Discard)
		}()
		for range 100 {
			if b, err := os.ReadFile(urlFile); err == nil && len(b) > 0 {
				return strings.TrimSpace(string(b)), cancel, done
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		t.Fatalf("the sandbox did not start: %v", <-done)
		return "", nil, nil
	}
	base, stop, done := start()
	client, err := zendesk.New(zendesk.Options{BaseURL: base, Credentials: zendesk.BearerToken("sandbox")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	locales, err := client.Locales(ctx)
	if err != nil || strings.Join(locales.Enabled, ",") != "en-us,de" {
		t.Fatalf("locales of the example workspace: %+v %v", locales, err)
	}
	// The example's section and permission group exist.
	a, err := client.CreateArticle(ctx, 4410293001, zendesk.NewArticle{Title: "Rehearsal", Body: "<p>Hello</p>", Locale: "en-us",
		PermissionGroupID: 1764201, Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.HTMLURL, base+"/hc/en-us/articles/") {
		t.Errorf("article URL %q is not the sandbox's", a.HTMLURL)
	}
	page := get(t, a.HTMLURL)
	if !strings.Contains(page, "<h1>Rehearsal") || !strings.Contains(page, "<p>Hello</p>") {
		t.Errorf("article page:\n%s", page)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	base, stop, done = start()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	if list := get(t, base+"/hc/en-us"); !strings.Contains(list, "Rehearsal") {
		t.Errorf("the article did not survive a restart:\n%s", list)
	}
	// The sandbox's address leads to the help center, in its default locale.
	if home := get(t, base+"/"); !strings.Contains(home, "Rehearsal") || !strings.Contains(home, `<html lang="en-us">`) {
		t.Errorf("%s/ does not lead to the help center:\n%s", base, home)
	}
}

func TestSandboxListensOnLoopbackOnly(t *testing.T) {
	err := run(context.Background(), []string{"-addr", "0.0.0.0:0", "-state", filepath.Join(t.TempDir(), "s.json")}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("listening on every interface: %v", err)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestSandboxAgents: the standby engineers and the customers' vendor-side
// owners are agents, once each, so that a rehearsed rollout and announcement
// can assign them tickets.
func TestSandboxAgents(t *testing.T) {
	st, err := newState("../../examples/atlas", "")
	if err != nil {
		t.Fatal(err)
	}
	agents := map[string]int{}
	for _, u := range st.Users {
		if u.Role == "agent" {
			agents[strings.ToLower(u.Email)]++
		}
	}
	ws, err := releases.Load(os.DirFS("../../examples/atlas"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range ws.Config.Standby.Engineers {
		want = append(want, e.Email)
	}
	for _, c := range ws.Customers.Customers {
		want = append(want, c.Contact.Email)
	}
	if len(ws.Config.Standby.Engineers) == 0 || len(ws.Customers.Customers) == 0 {
		t.Fatal("the example has no standby roster or no customers")
	}
	for _, email := range want {
		if agents[strings.ToLower(email)] != 1 {
			t.Errorf("%s: %d agents, want 1", email, agents[strings.ToLower(email)])
		}
	}
}
