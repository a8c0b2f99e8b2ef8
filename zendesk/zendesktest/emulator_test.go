package zendesktest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

const token = "test-token"

func newEmulator(t *testing.T, cfg zendesktest.Config, locales ...string) *zendesktest.Server {
	t.Helper()
	if cfg.Tokens == nil {
		cfg.Tokens = []string{token}
	}
	s := zendesktest.New(zendesktest.NewState(locales...), cfg)
	t.Cleanup(s.Close)
	return s
}

// send makes a raw request, as a client that gets the API wrong would.
func send(t *testing.T, s *zendesktest.Server, method, path, body string, headers ...string) (int, map[string]any, http.Header) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	if out == nil {
		out = map[string]any{"text": string(b)}
	}
	return resp.StatusCode, out, resp.Header
}

func createDraft(t *testing.T, s *zendesktest.Server, labels string) int64 {
	t.Helper()
	status, out, _ := send(t, s, "POST", "/api/v2/help_center/sections/360001/articles",
		`{"article":{"title":"Notes","body":"<p>Hello</p>","locale":"en-us","permission_group_id":1501,"user_segment_id":null,"label_names":[`+labels+`],"draft":true},"notify_subscribers":false}`)
	if status != 201 {
		t.Fatalf("create: %d %v", status, out)
	}
	return int64(out["article"].(map[string]any)["id"].(float64))
}

func TestArticlePutChangesMetadataOnly(t *testing.T) {
	s := newEmulator(t, zendesktest.Config{})
	id := createDraft(t, s, `"a"`)
	status, out, _ := send(t, s, "PUT", "/api/v2/help_center/articles/"+itoa(id),
		`{"article":{"title":"Changed","body":"<p>Changed</p>","draft":false,"label_names":["a","b"]}}`)
	if status != 200 {
		t.Fatalf("PUT: %d %v", status, out)
	}
	st := s.Snapshot()
	tr := st.Translations[id][0]
	if tr.Title != "Notes" || tr.Body != "<p>Hello</p>" || !tr.Draft {
		t.Errorf("an article PUT changed the text: %+v", tr)
	}
	if got := st.Articles[id].LabelNames; strings.Join(got, ",") != "a,b" {
		t.Errorf("labels = %v, want the PUT's", got)
	}
}

func TestCreateRefusals(t *testing.T) {
	s := newEmulator(t, zendesktest.Config{}, "en-us", "de")
	cases := []struct {
		name, body string
		status     int
		want       string
	}{
		{"missing permission group", `{"article":{"title":"T","body":"b","locale":"en-us","user_segment_id":null,"draft":true}}`, 422, "permission_group_id"},
		{"absent user segment", `{"article":{"title":"T","body":"b","locale":"en-us","permission_group_id":1501,"draft":true}}`, 422, "user_segment_id"},
		{"disabled locale", `{"article":{"title":"T","body":"b","locale":"fr","permission_group_id":1501,"user_segment_id":null,"draft":true}}`, 422, "locale"},
		{"notify_subscribers inside the article", `{"article":{"title":"T","body":"b","locale":"en-us","permission_group_id":1501,"user_segment_id":null,"draft":true,"notify_subscribers":false}}`, 400, "notify_subscribers"},
		{"published without publish rights", `{"article":{"title":"T","body":"b","locale":"en-us","permission_group_id":1501,"user_segment_id":null,"draft":false}}`, 403, "draft"},
		{"unknown permission group", `{"article":{"title":"T","body":"b","locale":"en-us","permission_group_id":9,"user_segment_id":null,"draft":true}}`, 422, "permission_group_id"},
		{"not an article", `{"title":"T"}`, 400, "article"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, out, _ := send(t, s, "POST", "/api/v2/help_center/sections/360001/articles", c.body)
			if status != c.status {
				t.Fatalf("status %d, want %d: %v", status, c.status, out)
			}
			b, _ := json.Marshal(out)
			if !strings.Contains(string(b), c.want) {
				t.Errorf("answer %s does not mention %s", b, c.want)
			}
		})
	}
	if n := len(s.Snapshot().Articles); n != 0 {
		t.Errorf("%d articles created by refused requests", n)
	}
	// Locale URLs must name an enabled locale too.
	if status, _, _ := send(t, s, "GET", "/api/v2/help_center/fr/articles", ""); status != 404 {
		t.Errorf("listing in a disabled locale: %d, want 404", status)
	}
}

func TestAuthentication(t *testing.T) {
	s := newEmulator(t, zendesktest.Config{APITokens: map[string]string{"pm@example.com": "api-secret"},
		ReadOnlyTokens: []string{"reader"}})
	get := func(auth string) (int, string) {
		req, _ := http.NewRequest("GET", s.URL+"/api/v2/help_center/locales", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	basic := func(user, pass string) string {
		req, _ := http.NewRequest("GET", "/", nil)
		req.SetBasicAuth(user, pass)
		return req.Header.Get("Authorization")
	}
	for _, c := range []struct {
		name, auth string
		status     int
		body       string
	}{
		{"none", "", 401, "Couldn't authenticate you"},
		{"bad bearer", "Bearer nope", 401, "invalid_token"},
		{"good bearer", "Bearer " + token, 200, "en-us"},
		{"API token", basic("pm@example.com/token", "api-secret"), 200, "en-us"},
		{"API token, wrong secret", basic("pm@example.com/token", "nope"), 401, "Couldn't authenticate you"},
		{"password instead of token", basic("pm@example.com", "api-secret"), 401, "Couldn't authenticate you"},
	} {
		status, body := get(c.auth)
		if status != c.status || !strings.Contains(body, c.body) {
			t.Errorf("%s: %d %s, want %d with %q", c.name, status, body, c.status, c.body)
		}
	}
	req, _ := http.NewRequest("POST", s.URL+"/api/v2/help_center/sections/360001/articles", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer reader")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("a read-only token wrote: %d", resp.StatusCode)
	}
}

func TestLabelFilterAndPagination(t *testing.T) {
	s := newEmulator(t, zendesktest.Config{PageSizeLimit: 2})
	for range 3 {
		createDraft(t, s, `"a","b"`)
	}
	createDraft(t, s, `"a"`)
	var ids []float64
	path := "/api/v2/help_center/en-us/articles?label_names=a,b&page[size]=100"
	for pages := 0; path != ""; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		status, out, _ := send(t, s, "GET", path, "")
		if status != 200 {
			t.Fatalf("%d %v", status, out)
		}
		for _, a := range out["articles"].([]any) {
			ids = append(ids, a.(map[string]any)["id"].(float64))
		}
		path = ""
		if meta := out["meta"].(map[string]any); meta["has_more"] == true {
			path = "/api/v2/help_center/en-us/articles?label_names=a,b&page[size]=100&page[after]=" + meta["after_cursor"].(string)
		}
	}
	if len(ids) != 3 {
		t.Errorf("labels a AND b matched %d articles, want 3", len(ids))
	}
	status, _, _ := send(t, s, "GET", "/api/v2/help_center/articles?label_names=1,2,3,4,5,6,7,8,9,10,11", "")
	if status != 400 {
		t.Errorf("11 labels: %d, want 400", status)
	}
	status, _, _ = send(t, s, "GET", "/api/v2/help_center/articles?page=101&per_page=100", "")
	if status != 400 {
		t.Errorf("offset past 10,000 records: %d, want 400", status)
	}
	status, _, _ = send(t, s, "GET", "/api/v2/help_center/articles?page[size]=101", "")
	if status != 400 {
		t.Errorf("page[size]=101: %d, want 400", status)
	}
}

func TestTranslationUpdateKeepsUpdatedAtWhenUnchanged(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	s := newEmulator(t, zendesktest.Config{Clock: func() time.Time { return now }}, "en-us", "de")
	id := createDraft(t, s, `"a"`)
	now = now.Add(time.Hour)
	path := "/api/v2/help_center/articles/" + itoa(id) + "/translations/en-us"
	_, out, _ := send(t, s, "PUT", path, `{"translation":{"title":"Notes","body":"<p>Hello</p>"}}`)
	if got := out["translation"].(map[string]any)["updated_at"]; got != "2026-11-25T12:00:00Z" {
		t.Errorf("unchanged PUT moved updated_at to %v", got)
	}
	_, out, _ = send(t, s, "PUT", path, `{"translation":{"body":"<p>Bye</p>"}}`)
	if got := out["translation"].(map[string]any)["updated_at"]; got != "2026-11-25T13:00:00Z" {
		t.Errorf("changed PUT left updated_at at %v", got)
	}
	status, _, _ := send(t, s, "POST", "/api/v2/help_center/articles/"+itoa(id)+"/translations", `{"translation":{"locale":"en-us","title":"x","body":"y"}}`)
	if status != 422 {
		t.Errorf("a second en-us translation: %d, want 422", status)
	}
	status, _, _ = send(t, s, "POST", "/api/v2/help_center/articles/"+itoa(id)+"/translations", `{"translation":{"locale":"fr","title":"x","body":"y"}}`)
	if status != 422 {
		t.Errorf("a translation in a disabled locale: %d, want 422", status)
	}
}

func TestSanitizesBodies(t *testing.T) {
	s := newEmulator(t, zendesktest.Config{})
	id := createDraft(t, s, `"a"`)
	send(t, s, "PUT", "/api/v2/help_center/articles/"+itoa(id)+"/translations/en-us",
		`{"translation":{"body":"<p onclick=\"x()\" style=\"color:red\">Hi</p>\n<script>alert(1)</script><a href=\"javascript:x()\">l</a>"}}`)
	body := s.Snapshot().Translations[id][0].Body
	for _, bad := range []string{"onclick", "style", "<script", "javascript:"} {
		if strings.Contains(body, bad) {
			t.Errorf("stored body keeps %s: %s", bad, body)
		}
	}
}

func TestRateLimitAnswersTextPlain429(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	s := newEmulator(t, zendesktest.Config{RateLimit: 2, Clock: func() time.Time { return now }})
	for i := range 2 {
		status, _, h := send(t, s, "GET", "/api/v2/help_center/locales", "")
		if status != 200 || h.Get("X-Rate-Limit") != "2" || h.Get("X-Rate-Limit-Remaining") != itoa(int64(1-i)) {
			t.Fatalf("request %d: %d %v", i, status, h)
		}
	}
	status, out, h := send(t, s, "GET", "/api/v2/help_center/locales", "")
	if status != 429 || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") || h.Get("Retry-After") != "60" {
		t.Fatalf("over the limit: %d %v %v", status, h, out)
	}
	// Tickets are in the Support bucket, which is not exhausted.
	if status, _, _ := send(t, s, "GET", "/api/v2/tickets", ""); status != 200 {
		t.Errorf("support bucket: %d", status)
	}
	now = now.Add(time.Minute)
	if status, _, _ := send(t, s, "GET", "/api/v2/help_center/locales", ""); status != 200 {
		t.Errorf("after the window: %d", status)
	}
}

func TestFaults(t *testing.T) {
	s := newEmulator(t, zendesktest.Config{})
	s.Inject(zendesktest.Fault{Kind: zendesktest.Fail503, PathPattern: "locales", RetryAfter: 7})
	status, _, h := send(t, s, "GET", "/api/v2/help_center/locales", "")
	if status != 503 || h.Get("Retry-After") != "7" {
		t.Errorf("503 fault: %d %v", status, h)
	}
	s.Inject(zendesktest.Fault{Kind: zendesktest.Fail500, PathPattern: "locales"})
	if status, _, _ := send(t, s, "GET", "/api/v2/help_center/locales", ""); status != 500 {
		t.Errorf("500 fault: %d", status)
	}
	if status, _, _ := send(t, s, "GET", "/api/v2/help_center/locales", ""); status != 200 {
		t.Errorf("faults outlived their count: %d", status)
	}
	s.Inject(zendesktest.Fault{Kind: zendesktest.DropAfterCommit, Method: "POST", PathPattern: "articles$"})
	req, _ := http.NewRequest("POST", s.URL+"/api/v2/help_center/sections/360001/articles", strings.NewReader(
		`{"article":{"title":"T","body":"b","locale":"en-us","permission_group_id":1501,"user_segment_id":null,"draft":true}}`))
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the connection was not dropped")
	}
	if n := len(s.Snapshot().Articles); n != 1 {
		t.Errorf("drop after commit: %d articles, want the one committed", n)
	}
}

func TestTicketIdempotency(t *testing.T) {
	s := newEmulator(t, zendesktest.Config{})
	body := `{"ticket":{"subject":"Upgrade","comment":{"body":"Plan"},"external_id":"atlas-4.3-acme"}}`
	status, first, h := send(t, s, "POST", "/api/v2/tickets", body, "Idempotency-Key", "k1")
	if status != 201 || h.Get("X-Idempotency-Lookup") != "miss" {
		t.Fatalf("create: %d %v", status, h)
	}
	status, again, h := send(t, s, "POST", "/api/v2/tickets", body, "Idempotency-Key", "k1")
	if status != 201 || h.Get("X-Idempotency-Lookup") != "hit" {
		t.Fatalf("replay: %d %v", status, h)
	}
	if first["ticket"].(map[string]any)["id"] != again["ticket"].(map[string]any)["id"] {
		t.Error("a replay created another ticket")
	}
	if status, _, _ := send(t, s, "POST", "/api/v2/tickets", strings.Replace(body, "Plan", "Other", 1), "Idempotency-Key", "k1"); status != 400 {
		t.Errorf("same key, other body: %d, want 400", status)
	}
	_, list, _ := send(t, s, "GET", "/api/v2/tickets?external_id=atlas-4.3-acme", "")
	if n := len(list["tickets"].([]any)); n != 1 {
		t.Errorf("%d tickets with the external id, want 1", n)
	}
	resp, err := http.Get(s.URL + "/agent/tickets/" + itoa(int64(first["ticket"].(map[string]any)["id"].(float64))))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "Upgrade") || !strings.Contains(string(page), "Plan") {
		t.Errorf("ticket page: %d %s", resp.StatusCode, page)
	}
}

func TestStateRoundTrip(t *testing.T) {
	s := newEmulator(t, zendesktest.Config{})
	createDraft(t, s, `"a"`)
	var buf bytes.Buffer
	if err := s.Snapshot().Save(&buf); err != nil {
		t.Fatal(err)
	}
	st, err := zendesktest.LoadState(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Articles) != 1 || len(st.Translations) != 1 {
		t.Errorf("state lost articles: %+v", st)
	}
}

func TestHelpCenterPage(t *testing.T) {
	s := newEmulator(t, zendesktest.Config{})
	id := createDraft(t, s, `"a"`)
	resp, err := http.Get(s.URL + "/hc/en-us/articles/" + itoa(id))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), "<p>Hello</p>") || !strings.Contains(string(b), "draft") {
		t.Errorf("article page: %d %s", resp.StatusCode, b)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestLateCommit: a LateCommit write is never answered, and is carried out
// once the emulator's clock reaches its due time — before the request that
// finds it due is served — or by CommitLate.
func TestLateCommit(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	s := newEmulator(t, zendesktest.Config{Clock: func() time.Time { return now }})
	s.Inject(zendesktest.Fault{Kind: zendesktest.LateCommit, Method: "POST", PathPattern: "articles$", Delay: 10 * time.Second, Times: 2})
	post := func() error {
		req, _ := http.NewRequest("POST", s.URL+"/api/v2/help_center/sections/360001/articles", strings.NewReader(
			`{"article":{"title":"T","body":"b","locale":"en-us","permission_group_id":1501,"user_segment_id":null,"draft":true}}`))
		req.Header.Set("Authorization", "Bearer "+token)
		c := &http.Client{Timeout: 30 * time.Millisecond}
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	articles := func() int {
		_, out, _ := send(t, s, "GET", "/api/v2/help_center/en-us/articles", "")
		return len(out["articles"].([]any))
	}
	if err := post(); err == nil {
		t.Fatal("a late commit was answered")
	}
	if err := post(); err == nil {
		t.Fatal("a late commit was answered")
	}
	if n, p := articles(), s.PendingLateCommits(); n != 0 || p != 2 {
		t.Fatalf("before the due time: %d articles, %d pending", n, p)
	}
	now = now.Add(10 * time.Second)
	if n := articles(); n != 2 {
		t.Fatalf("at the due time: %d articles, want both committed before the list", n)
	}
	if r := s.Requests(); r[0].Status != 0 || r[1].Status != 0 || !r[0].Write {
		t.Errorf("the writes are not logged as unanswered: %+v", r[:2])
	}
	s.Inject(zendesktest.Fault{Kind: zendesktest.LateCommit, Method: "POST", PathPattern: "articles$", Delay: time.Hour})
	_ = post()
	if n := s.CommitLate(); n != 1 || articles() != 3 || s.PendingLateCommits() != 0 {
		t.Errorf("CommitLate carried out %d writes", n)
	}
}

// TestArchiveAndTicketUpdates: DELETE archives an article (out of every list;
// a second DELETE is 404); a ticket update may set a status and an external id,
// but not close a ticket or change a closed one.
func TestArchiveAndTicketUpdates(t *testing.T) {
	s := newEmulator(t, zendesktest.Config{})
	id := createDraft(t, s, `"a"`)
	if status, _, _ := send(t, s, "DELETE", "/api/v2/help_center/articles/"+itoa(id), ""); status != 204 {
		t.Fatalf("archive: %d", status)
	}
	if _, out, _ := send(t, s, "GET", "/api/v2/help_center/en-us/articles?label_names=a", ""); len(out["articles"].([]any)) != 0 {
		t.Errorf("an archived article is listed: %v", out)
	}
	if status, _, _ := send(t, s, "DELETE", "/api/v2/help_center/articles/"+itoa(id), ""); status != 404 {
		t.Errorf("archive again: %d", status)
	}
	status, out, _ := send(t, s, "POST", "/api/v2/tickets", `{"ticket":{"subject":"S","comment":{"body":"b"},"external_id":"x"}}`)
	if status != 201 {
		t.Fatalf("ticket: %d %v", status, out)
	}
	tid := int64(out["ticket"].(map[string]any)["id"].(float64))
	for _, c := range []struct {
		body   string
		status int
	}{
		{`{"ticket":{"status":"closed"}}`, 422},
		{`{"ticket":{"status":"bogus"}}`, 422},
		{`{"ticket":{"status":"solved","external_id":"x-duplicate"}}`, 200},
	} {
		if status, out, _ := send(t, s, "PUT", "/api/v2/tickets/"+itoa(tid), c.body); status != c.status {
			t.Errorf("%s: %d %v", c.body, status, out)
		}
	}
	if tk := s.Snapshot().Tickets[0]; tk.Status != "solved" || tk.ExternalID != "x-duplicate" {
		t.Errorf("after the update: %+v", tk)
	}
	s.Edit(func(st *zendesktest.State) { st.Tickets[0].Status = "closed" })
	if status, _, _ := send(t, s, "PUT", "/api/v2/tickets/"+itoa(tid), `{"ticket":{"subject":"T"}}`); status != 422 {
		t.Errorf("a closed ticket was changed: %d", status)
	}
}
