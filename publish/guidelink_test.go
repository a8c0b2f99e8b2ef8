package publish_test

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/publish"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

// articleIDs are the ids of the 4.3.0 notes and guide articles in a result.
func articleIDs(t *testing.T, res *publish.ZendeskResult) (notes, guide int64) {
	t.Helper()
	for _, a := range res.Articles {
		if a.Version != "4.3.0" {
			continue
		}
		switch a.Kind {
		case publish.KindNotes:
			notes = a.ID
		case publish.KindGuide:
			guide = a.ID
		}
	}
	if notes == 0 || guide == 0 {
		t.Fatalf("no 4.3.0 articles in %+v", res.Articles)
	}
	return notes, guide
}

// guideHrefs are the addresses the notes article links to in a locale that
// lead to a help center article, and whether a link to the guide's file name
// is left.
func guideHrefs(t *testing.T, srv *zendesktest.Server, notes int64, locale string) ([]string, bool) {
	t.Helper()
	var body string
	for _, tr := range srv.Snapshot().Translations[notes] {
		if tr.Locale == locale {
			body = tr.Body
		}
	}
	if body == "" {
		t.Fatalf("the notes have no %s translation", locale)
	}
	return regexp.MustCompile(`href="(/hc/[^"]*/articles/[^"]*)"`).FindAllString(body, -1),
		strings.Contains(body, `href="upgrade-guide`)
}

// TestNotesLinkToTheirGuide: the notes' link to the upgrade guide beside them
// in the cut points, in the help center, at the guide's article in the same
// locale — created in the same run, first —, a re-publish writes nothing, and
// a guide recreated under a new id gets the notes updated.
func TestNotesLinkToTheirGuide(t *testing.T) {
	e := newEnv(t, zendesktest.Config{})
	res := e.mustPublish("4.3.0")
	notes, guide := articleIDs(t, res)
	if guide > notes {
		t.Errorf("the guide (%d) was created after the notes (%d)", guide, notes)
	}
	check := func(guide int64) {
		t.Helper()
		for _, l := range []string{"en-us", "de"} {
			hrefs, left := guideHrefs(t, e.srv, notes, l)
			want := fmt.Sprintf(`href="/hc/%s/articles/%d"`, l, guide)
			if len(hrefs) != 1 || hrefs[0] != want || left {
				t.Errorf("the %s notes link to %v (a file link left: %v), want %s", l, hrefs, left, want)
			}
		}
	}
	check(guide)
	for _, a := range res.Articles {
		for _, tr := range a.Translations {
			want := ""
			if a.Kind == publish.KindNotes {
				want = fmt.Sprintf("/hc/%s/articles/%d", tr.Locale, guide)
			}
			if tr.GuideLink != want || tr.Notice != "" {
				t.Errorf("%s (%s): guide link %q, notice %q; want %q", a.Kind, tr.Locale, tr.GuideLink, tr.Notice, want)
			}
		}
	}

	e.srv.ResetLog()
	again := e.mustPublish("4.3.0")
	if again.Writes != 0 || e.srv.Writes() != 0 {
		t.Errorf("a re-publish wrote %d times: %v", again.Writes, again.Counts())
	}

	// The guide is archived by hand: the run makes it anew, and points the
	// notes at the new one.
	e.srv.Edit(func(st *zendesktest.State) { st.Articles[guide].Archived = true })
	res = e.mustPublish("4.3.0")
	_, recreated := articleIDs(t, res)
	if recreated == guide {
		t.Fatal("the archived guide was not made anew")
	}
	check(recreated)
	for _, a := range res.Articles {
		if a.Kind == publish.KindNotes && a.Action != publish.Update {
			t.Errorf("the notes were %s, want updated", a.Action)
		}
	}
	e.srv.ResetLog()
	if again := e.mustPublish("4.3.0"); again.Writes != 0 {
		t.Errorf("a re-publish wrote %d times", again.Writes)
	}
}

// TestNotesLinkWithoutGuide: when the guide cannot be written, the notes are
// published all the same, their link dropped to its text (never a relative
// link that leads nowhere in the help center), and the run says so; the next
// run links them.
func TestNotesLinkWithoutGuide(t *testing.T) {
	e := newEnv(t, zendesktest.Config{})
	// The guide's creates (it goes first) fail; the notes' goes through.
	e.srv.Inject(zendesktest.Fault{Kind: zendesktest.Fail500, Method: "POST", PathPattern: "/articles$", Times: 3})
	res, err := e.publish(e.options("4.3.0"))
	if err == nil || !strings.Contains(err.Error(), "upgrade-guide") {
		t.Fatalf("the guide's failure is not reported: %v", err)
	}
	var notes int64
	for _, a := range res.Articles {
		if a.Kind != publish.KindNotes {
			continue
		}
		notes = a.ID
		for _, tr := range a.Translations {
			if tr.Outcome != publish.OutcomeDone || tr.GuideLink != "" || !strings.Contains(tr.Notice, "no "+tr.Locale+" article") {
				t.Errorf("notes (%s): %s, link %q, notice %q", tr.Locale, tr.Outcome, tr.GuideLink, tr.Notice)
			}
		}
	}
	if notes == 0 {
		t.Fatalf("the notes were not published: %+v", res.Articles)
	}
	for _, l := range []string{"en-us", "de"} {
		if hrefs, left := guideHrefs(t, e.srv, notes, l); len(hrefs) != 0 || left {
			t.Errorf("the %s notes link to %v (a file link left: %v) without a guide", l, hrefs, left)
		}
	}
	res = e.mustPublish("4.3.0")
	_, guide := articleIDs(t, res)
	for _, l := range []string{"en-us", "de"} {
		want := fmt.Sprintf(`href="/hc/%s/articles/%d"`, l, guide)
		if hrefs, _ := guideHrefs(t, e.srv, notes, l); len(hrefs) != 1 || hrefs[0] != want {
			t.Errorf("after a second run, the %s notes link to %v, want %s", l, hrefs, want)
		}
	}
}

// TestSandboxFollowsNotesToGuide follows the link from the notes' page of the
// help center (what the sandbox serves) and reaches the guide's page, in
// every locale.
func TestSandboxFollowsNotesToGuide(t *testing.T) {
	e := newEnv(t, zendesktest.Config{})
	res := e.mustPublish("4.3.0")
	notes, _ := articleIDs(t, res)
	get := func(path string) string {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, e.srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		return string(b)
	}
	titles := map[string]string{}
	for _, a := range res.Articles {
		for _, tr := range a.Translations {
			if a.Kind == publish.KindGuide {
				titles[tr.Locale] = tr.Title
			}
		}
	}
	for _, tc := range []struct{ locale, text string }{
		{"en-us", "upgrade guide for 4.3.0"},
		{"de", "Upgrade-Anleitung für 4.3.0"},
	} {
		page := get(fmt.Sprintf("/hc/%s/articles/%d", tc.locale, notes))
		m := regexp.MustCompile(`<a href="(/hc/` + tc.locale + `/articles/\d+)">` + regexp.QuoteMeta(tc.text) + `</a>`).FindStringSubmatch(page)
		if m == nil {
			t.Errorf("the %s notes page has no link %q to the guide", tc.locale, tc.text)
			continue
		}
		guidePage := get(m[1])
		if want := titles[tc.locale]; want == "" || !strings.Contains(guidePage, "<title>"+html.EscapeString(want)+"</title>") {
			t.Errorf("the %s notes' link leads to %s, not the guide %q", tc.locale, m[1], want)
		}
	}
}
