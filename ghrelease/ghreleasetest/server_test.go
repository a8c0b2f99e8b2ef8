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
