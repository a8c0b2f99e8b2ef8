package zendesktest_test

import (
	"html"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/internal/browsertest"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

// publishedSandbox is a sandbox holding what publishing the example workspace
// leaves in a help center: the release notes and upgrade guide of every
// release, in English and, where translated, German, with this tool's labels;
// and a change ticket with an HTML comment. Articles are created oldest release
// first, as a team publishes them.
func publishedSandbox(t *testing.T) *zendesktest.Server {
	t.Helper()
	ws, err := releases.Load(os.DirFS("../../examples/atlas"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := templates.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	state := zendesktest.NewState("en-us", "de")
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for _, m := range ws.Manifests {
		docs, err := cut.Documents(ws, set, m.SemVer(), templates.Signing{}, "atlas-release test")
		if err != nil {
			t.Fatal(err)
		}
		v := m.SemVer().String()
		ids := map[string]int64{}
		for _, d := range docs {
			locale := d.Locale
			if locale == ws.Config.DefaultLocale() {
				locale = "en-us"
			}
			id, ok := ids[d.Kind]
			if !ok {
				state.NextID++
				id = state.NextID
				ids[d.Kind] = id
				state.Articles[id] = &zendesktest.Article{ID: id, SectionID: state.Sections[0].ID, SourceLocale: locale,
					LabelNames: []string{"atlas-release-atlas", "atlas-" + v, "atlas-" + d.Kind + "-" + v, "atlas-release-fp-" + locale + "-0123456789ab-0123456789ab"},
					CreatedAt:  at, UpdatedAt: at}
			}
			state.NextID++
			state.Translations[id] = append(state.Translations[id], &zendesktest.Translation{ID: state.NextID, SourceID: id, Locale: locale,
				Title: d.Title, Body: string(d.HTML), CreatedAt: at, UpdatedAt: at})
		}
		at = at.AddDate(0, 1, 0)
	}
	state.Tickets = append(state.Tickets, &zendesktest.Ticket{ID: 42, Subject: "Atlas upgrade 4.1.0 → 4.3.0 for Contoso", Status: "open",
		ExternalID: "atlas-upgrade-contoso-4.3.0", Tags: []string{"atlas_upgrade", "change_normal"},
		Comments: []zendesktest.TicketComment{{Public: true, HTMLBody: "<h2>Change request</h2><p>Upgrade Atlas from 4.1.0 to 4.3.0 on Saturday 2026-12-05.</p>" +
			"<table><thead><tr><th>Window</th><th>Duration</th></tr></thead><tbody><tr><td>1</td><td>1 h 5 min</td></tr></tbody></table>" +
			"<pre><code>Invoke-AtlasUpgrade -Tenant contoso.onmicrosoft.com -From 4.1.0 -To 4.3.0 -ConfirmEveryStepBeforeRunningIt -LogPath C:\\AtlasUpgrade\\Logs\\contoso-2026-12-05.log</code></pre>"},
			{Body: "Approved by the CAB."}},
		CreatedAt: at, UpdatedAt: at})
	s := zendesktest.New(state, zendesktest.Config{Tokens: []string{token}})
	t.Cleanup(s.Close)
	return s
}

// sandboxPages are the pages a reader and an agent open in the sandbox.
func sandboxPages(t *testing.T, s *zendesktest.Server) []string {
	t.Helper()
	pages := []string{"/hc/en-us", "/hc/de", "/agent/tickets", "/agent/tickets/42"}
	for id, a := range s.Snapshot().Articles {
		if a.SourceLocale == "en-us" {
			pages = append(pages, "/hc/en-us/articles/"+strconv.FormatInt(id, 10))
		}
	}
	return pages
}

// TestSandboxPagesAccessible runs axe-core on the sandbox's help center pages
// (the list and every article) and its ticket pages.
func TestSandboxPagesAccessible(t *testing.T) {
	s := publishedSandbox(t)
	ctx := browsertest.Start(t, 1280, 800, 120*time.Second)
	for _, p := range sandboxPages(t, s) {
		if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+p), chromedp.WaitReady(chromedp.CSS("h1"))); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		browsertest.CheckAxe(t, ctx, p)
	}
}

// get fetches a sandbox page without following redirects.
func get(t *testing.T, s *zendesktest.Server, path string) (int, string, http.Header) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

var (
	articleLink = regexp.MustCompile(`<a href="/hc/[a-z-]+/articles/\d+">([^<]*)</a>`)
	ticketLink  = regexp.MustCompile(`<a href="/agent/tickets/(\d+)">`)
)

// TestSandboxPages reads the sandbox as a preview of the help center: the
// list shows articles newest version first, readers never see the publisher's
// labels, the page's own words are in the page's language, and agents find
// the tickets at /agent/tickets, each linked to its page.
func TestSandboxPages(t *testing.T) {
	s := publishedSandbox(t)

	_, list, _ := get(t, s, "/hc/en-us")
	var titles []string
	for _, m := range articleLink.FindAllStringSubmatch(list, -1) {
		titles = append(titles, html.UnescapeString(m[1]))
	}
	want := []string{"4.3.0", "4.3.0", "4.2.0", "4.2.0", "4.1.0", "4.1.0", "4.0.0", "4.0.0"}
	if len(titles) != len(want) {
		t.Fatalf("/hc/en-us lists %q, want %d articles", titles, len(want))
	}
	for i, title := range titles {
		if !strings.Contains(title, want[i]) {
			t.Errorf("/hc/en-us: article %d is %q, want one of %s (newest version first): %q", i+1, title, want[i], titles)
		}
	}

	for _, p := range sandboxPages(t, s) {
		status, page, _ := get(t, s, p)
		if status != http.StatusOK {
			t.Errorf("%s: status %d", p, status)
		}
		if strings.HasPrefix(p, "/hc/") && strings.Contains(page, "atlas-release-") {
			i := strings.Index(page, "atlas-release-")
			t.Errorf("%s shows readers an internal label: …%s…", p, page[max(0, i-60):min(len(page), i+60)])
		}
	}

	for _, c := range []struct{ path, lang, words string }{
		{"/hc/en-us", `lang="en-us"`, "<h1>Help Center (en-us)</h1>"},
		{"/hc/de", `lang="de"`, "<h1>Hilfe-Center (de)</h1>"},
		{"/hc/de", `lang="de"`, `aria-label="Sprachen"`},
	} {
		if _, page, _ := get(t, s, c.path); !strings.Contains(page, c.lang) || !strings.Contains(page, c.words) {
			t.Errorf("%s: want %s and %s", c.path, c.lang, c.words)
		}
	}
	_, de, _ := get(t, s, "/hc/de")
	m := regexp.MustCompile(`/hc/de/articles/\d+`).FindString(de)
	if m == "" {
		t.Fatal("/hc/de lists no article")
	}
	if _, page, _ := get(t, s, m); !strings.Contains(page, "← Alle Artikel") || strings.Contains(page, "all articles") || !strings.Contains(page, "Aktualisiert") {
		t.Errorf("%s: the navigation is not in German", m)
	}

	status, tickets, _ := get(t, s, "/agent/tickets")
	if status != http.StatusOK {
		t.Fatalf("/agent/tickets: status %d", status)
	}
	ids := ticketLink.FindAllStringSubmatch(tickets, -1)
	if len(ids) != 1 || ids[0][1] != "42" || !strings.Contains(tickets, "Atlas upgrade 4.1.0 → 4.3.0 for Contoso") {
		t.Errorf("/agent/tickets does not list ticket 42 with its link and subject:\n%s", tickets)
	}
	if _, ticket, _ := get(t, s, "/agent/tickets/42"); !strings.Contains(ticket, `href="/agent/tickets"`) {
		t.Error("/agent/tickets/42 does not lead back to the list")
	}
}

// TestSandboxPagesOnPhone measures every sandbox page at 390 px wide: the page
// never scrolls sideways, long commands included.
func TestSandboxPagesOnPhone(t *testing.T) {
	s := publishedSandbox(t)
	ctx := browsertest.Start(t, 390, 844, 120*time.Second)
	for _, p := range sandboxPages(t, s) {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(s.URL+p), chromedp.WaitReady(chromedp.CSS("h1"))); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`document.scrollingElement.scrollWidth <= window.innerWidth ? [] :
			Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
				.slice(0, 3).map(e => e.tagName + " " + e.textContent.slice(0, 50))`))
		if err != nil {
			t.Fatal(err)
		}
		if len(wide) > 0 {
			t.Errorf("%s at 390 px scrolls sideways; too wide: %q", p, wide)
		}
	}
}
