package ghreleasetest_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/ghrelease/ghreleasetest"
)

func call(t *testing.T, s *ghreleasetest.Server, method, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestTheFakeRefusesWhatGitHubRefuses checks the fake on its own: unknown
// routes and fields are recorded as unexpected, drafts are not found by tag,
// and an immutable release refuses every change.
func TestTheFakeRefusesWhatGitHubRefuses(t *testing.T) {
	s := ghreleasetest.New(ghreleasetest.Config{Owner: "acme", Repo: "runbooks", Immutable: true,
		Tokens: map[string]ghreleasetest.Token{"tok": {Push: true}}})
	defer s.Close()
	api := s.APIURL() + "/repos/acme/runbooks"
	if status, _ := call(t, s, "POST", api+"/releases", `{"tag_name":"v1.0.0","draft":true,"notes":"x"}`); status != 400 {
		t.Errorf("an unknown field: %d", status)
	}
	if status, _ := call(t, s, "GET", api+"/pulls", ""); status != 404 {
		t.Errorf("an unknown route: %d", status)
	}
	if u := s.Unexpected(); len(u) != 2 {
		t.Errorf("unexpected requests recorded: %q", u)
	}
	status, body := call(t, s, "POST", api+"/releases", `{"tag_name":"v1.0.0","name":"One","draft":true}`)
	if status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	if status, _ := call(t, s, "GET", api+"/releases/tags/v1.0.0", ""); status != 404 {
		t.Errorf("a draft was found by its tag: %d", status)
	}
	id := s.Releases()[0].ID
	rel := api + "/releases/" + itoa(id)
	if status, _ := call(t, s, "PATCH", rel, `{"draft":false}`); status != 200 {
		t.Fatalf("publish: %d", status)
	}
	if !s.Releases()[0].Immutable {
		t.Fatal("the release did not become immutable")
	}
	for _, c := range []struct{ method, url, body string }{
		{"PATCH", rel, `{"body":"changed"}`},
		{"POST", s.URL + "/api/uploads/repos/acme/runbooks/releases/" + itoa(id) + "/assets?name=x.txt", "data"},
	} {
		if status, body := call(t, s, c.method, c.url, c.body); status != 422 || !strings.Contains(body, "immutable") {
			t.Errorf("%s %s on an immutable release: %d %s", c.method, c.url, status, body)
		}
	}
	if status, _ := call(t, s, "POST", api+"/releases", `{"tag_name":"v1.0.0"}`); status != 422 {
		t.Errorf("a second release of a published tag: %d", status)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestUploadAnswerFaults checks the faults that lose or garble an upload's
// answer: each answers 201 without describing the asset, and the asset is
// stored or not as the fault says; a fault matching anything but an upload is
// recorded as unexpected.
func TestUploadAnswerFaults(t *testing.T) {
	for name, c := range map[string]struct {
		kind   ghreleasetest.FaultKind
		stored bool
		body   func(string) bool
	}{
		"empty, stored":     {ghreleasetest.EmptyUploadAnswer, true, func(b string) bool { return b == "" }},
		"empty, not stored": {ghreleasetest.EmptyUploadAnswerNotStored, false, func(b string) bool { return b == "" }},
		"garbled, stored":   {ghreleasetest.GarbledUploadAnswer, true, func(b string) bool { return strings.HasPrefix(b, "<html>") }},
		"wrong, stored":     {ghreleasetest.WrongUploadAnswer, true, func(b string) bool { return strings.Contains(b, `"other-x.txt"`) }},
	} {
		t.Run(name, func(t *testing.T) {
			s := ghreleasetest.New(ghreleasetest.Config{Owner: "acme", Repo: "runbooks", Tokens: map[string]ghreleasetest.Token{"tok": {Push: true}}})
			defer s.Close()
			if status, body := call(t, s, "POST", s.APIURL()+"/repos/acme/runbooks/releases", `{"tag_name":"v1.0.0","draft":true}`); status != 201 {
				t.Fatalf("create: %d %s", status, body)
			}
			upload := s.URL + "/api/uploads/repos/acme/runbooks/releases/" + itoa(s.Releases()[0].ID) + "/assets?name=x.txt"
			s.Inject(ghreleasetest.Fault{Kind: c.kind, Method: "POST", PathPattern: "/assets$"})
			status, body := call(t, s, "POST", upload, "data")
			if status != 201 || !c.body(body) {
				t.Errorf("answer: %d %q", status, body)
			}
			if got := len(s.Releases()[0].Assets); got != map[bool]int{true: 1, false: 0}[c.stored] {
				t.Errorf("%d assets stored", got)
			}
			// The fault is spent: the same upload is answered as GitHub would.
			status, _ = call(t, s, "POST", upload, "data")
			if want := map[bool]int{true: 422, false: 201}[c.stored]; status != want {
				t.Errorf("the next upload: %d, want %d", status, want)
			}
			// On anything else the fault is a test's mistake.
			s.Inject(ghreleasetest.Fault{Kind: c.kind, Method: "GET"})
			if status, _ := call(t, s, "GET", s.APIURL()+"/repos/acme/runbooks", ""); status != 404 || len(s.Unexpected()) != 1 {
				t.Errorf("an upload fault on a read: %d, unexpected %q", status, s.Unexpected())
			}
		})
	}
}
