package cli

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/ghrelease/ghreleasetest"
	"github.com/atlas-release/atlas-release/internal/example"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

const testPublicKey = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"

// TestPublishNeverShowsSecrets publishes with every kind of credentials, against
// the emulator and against a hostile server that quotes the credentials it
// receives in its errors: no output may contain a secret.
func TestPublishNeverShowsSecrets(t *testing.T) {
	const (
		oauthToken   = "oauth-SECRET-4b1d9e"
		clientSecret = "client-SECRET-77aa21"
		apiToken     = "apitoken-SECRET-c0ffee"
		email        = "pm@atlas-workplace.example"
	)
	secrets := []string{oauthToken, clientSecret, apiToken,
		base64.StdEncoding.EncodeToString([]byte(email + "/token:" + apiToken))}
	st := zendesktest.NewState("en-us", "de")
	st.Sections = []zendesktest.Section{{ID: 4410293001, Name: "Release notes", Locale: "en-us"}}
	st.PermissionGroups = []zendesktest.PermissionGroup{{ID: 1764201, Name: "Managers"}}
	emu := zendesktest.New(st, zendesktest.Config{Tokens: []string{oauthToken}, Clients: map[string]string{"ci": clientSecret},
		APITokens: map[string]string{email: apiToken}})
	defer emu.Close()
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		auth := r.Header.Get("Authorization")
		if r.URL.Path == "/oauth/tokens" {
			w.WriteHeader(401)
			fmt.Fprintf(w, `{"error":"invalid_client","error_description":"bad client; you sent %s"}`, strings.ReplaceAll(fmt.Sprint(r.Header), `"`, `'`))
			return
		}
		w.WriteHeader(403)
		fmt.Fprintf(w, `{"error":{"title":"Forbidden %s","message":"you sent %s"}}`, auth, auth)
	}))
	defer echo.Close()

	dir := example.Copy(t)
	credentials := map[string]map[string]string{
		"oauth":  {"ZENDESK_OAUTH_TOKEN": oauthToken},
		"client": {"ZENDESK_CLIENT_ID": "ci", "ZENDESK_CLIENT_SECRET": clientSecret},
		"api":    {"ZENDESK_EMAIL": email, "ZENDESK_API_TOKEN": apiToken},
	}
	var outputs []string
	for name, creds := range credentials {
		for _, server := range []string{emu.URL, echo.URL} {
			for _, extra := range [][]string{{"--dry-run"}, nil, {"--json"}} {
				env := map[string]string{"ZENDESK_URL": server, "ATLAS_PUBLIC_KEY": testPublicKey}
				for k, v := range creds {
					env[k] = v
				}
				args := append([]string{"-C", dir, "publish", "zendesk", "4.3", "--unsigned-from-workspace"}, extra...)
				code, stdout, stderr := runCLI(t, env, args...)
				if server == emu.URL && code != 0 {
					t.Errorf("%s %v: exit %d: %s", name, extra, code, stderr)
				}
				if server == echo.URL && code != ExitAuth {
					t.Errorf("%s against the echoing server: exit %d, want %d: %s", name, code, ExitAuth, stderr)
				}
				if name == "api" && !strings.Contains(stderr, "2027-04-30") {
					t.Errorf("no deprecation warning for API tokens: %s", stderr)
				}
				outputs = append(outputs, stdout, stderr)
			}
		}
	}
	for _, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("output contains a secret:\n%s", out)
			}
		}
	}
}

func TestPublishRefusesUnusableSettings(t *testing.T) {
	dir := example.Copy(t)
	const unsigned = "--unsigned-from-workspace"
	for _, c := range []struct {
		env  map[string]string
		args []string
		code int
		want string
	}{
		{map[string]string{"ZENDESK_OAUTH_TOKEN": "t"}, []string{"4.3", unsigned}, ExitUsage, "how to check their downloads"},
		{map[string]string{"ZENDESK_OAUTH_TOKEN": "t", "ATLAS_PUBLIC_KEY": testPublicKey, "ZENDESK_URL": "http://acme.zendesk.com"}, []string{"4.3", unsigned}, ExitUsage, "plain HTTP"},
		{map[string]string{"ZENDESK_OAUTH_TOKEN": "t", "ATLAS_PUBLIC_KEY": testPublicKey, "ZENDESK_URL": "", "ZENDESK_SUBDOMAIN": "acme.evil.com/"}, []string{"4.3", unsigned}, ExitUsage, "not a ZenDesk subdomain"},
		{map[string]string{"ZENDESK_CLIENT_ID": "ci", "ATLAS_PUBLIC_KEY": testPublicKey}, []string{"4.3", unsigned}, ExitAuth, "go together"},
		{map[string]string{"ZENDESK_OAUTH_TOKEN": "t", "ATLAS_PUBLIC_KEY": testPublicKey}, []string{"9.9", unsigned}, ExitError, "no release 9.9.0"},
		{map[string]string{"ZENDESK_OAUTH_TOKEN": "t", "ATLAS_PUBLIC_KEY": testPublicKey}, []string{"4.3", "--all", unsigned}, ExitUsage, "do not name versions"},
		// Only a signed cut is published, unless the flag says otherwise.
		{map[string]string{"ZENDESK_OAUTH_TOKEN": "t", "ATLAS_PUBLIC_KEY": testPublicKey}, []string{"4.3"}, ExitError, "no signed cut of 4.3.0"},
	} {
		code, _, stderr := runCLI(t, c.env, append([]string{"-C", dir, "publish", "zendesk"}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v %v: exit %d %q, want %d with %q", c.env, c.args, code, stderr, c.code, c.want)
		}
	}
}

// TestPublishGitHubNeverShowsTheToken publishes to a server that quotes the
// Authorization header it receives in every error.
func TestPublishGitHubNeverShowsTheToken(t *testing.T) {
	const secret = "ghp_SECRET_never_printed_42"
	dir := example.Copy(t)
	keys := t.TempDir()
	if code, _, stderr := runCLI(t, nil, "keygen", "--out-dir", keys, "--unencrypted"); code != 0 {
		t.Fatal(stderr)
	}
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"message":"token %s is not allowed","errors":[{"resource":"Release","field":"%s","code":"invalid"}]}`,
			r.Header.Get("Authorization"), r.Header.Get("Authorization"))
	}))
	defer echo.Close()
	env := map[string]string{"GITHUB_TOKEN": secret, "GITHUB_API_URL": echo.URL + "/api/v3", "ATLAS_SIGNING_KEY": filepath.Join(keys, "atlas-release.key")}
	if code, _, stderr := runCLI(t, env, "-C", dir, "cut", "4.3"); code != 0 {
		t.Fatal(stderr)
	}
	for _, args := range [][]string{{"publish", "github", "4.3"}, {"publish", "github", "4.3", "--json"}, {"publish", "4.3", "--dry-run"}} {
		code, stdout, stderr := runCLI(t, env, append([]string{"-C", dir}, args...)...)
		if code != ExitAuth {
			t.Errorf("%v: exit %d, want %d: %s", args, code, ExitAuth, stderr)
		}
		if strings.Contains(stdout+stderr, secret) {
			t.Errorf("%v shows the token:\n%s%s", args, stdout, stderr)
		}
	}
}

// refusing answers 422 to the requests refuse matches and passes the others to
// next, writing next's own URL in its answers as its own (the fake GitHub puts
// its address in the upload URLs it hands out).
func refusing(t *testing.T, next http.Handler, nextURL func() string, refuse func(*http.Request) bool) *httptest.Server {
	t.Helper()
	var self *httptest.Server
	self = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if refuse(r) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprint(w, `{"error":"RecordInvalid","description":"Record validation errors","message":"Validation Failed","errors":[{"resource":"Release","code":"invalid","field":"state"}]}`)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write([]byte(strings.ReplaceAll(rec.Body.String(), nextURL(), self.URL)))
	}))
	t.Cleanup(self.Close)
	return self
}

// TestFailedPublishSummariesSayWhatWasDone: a publish that fails half-way —
// ZenDesk refusing the German translations, GitHub refusing one
// upload — exits 1 and says only what was done: no "Published" header, no
// write counted that did not happen, each undone item marked failed, partly
// done or not attempted with the reason, and the work done listed as done.
func TestFailedPublishSummariesSayWhatWasDone(t *testing.T) {
	t.Run("zendesk", func(t *testing.T) {
		st := zendesktest.NewState("en-us", "de")
		st.Sections = []zendesktest.Section{{ID: 4410293001, Name: "Release notes", Locale: "en-us"}}
		st.PermissionGroups = []zendesktest.PermissionGroup{{ID: 1764201, Name: "Managers"}}
		emu := zendesktest.NewHandler(st, zendesktest.Config{Tokens: []string{"tok"}})
		srv := refusing(t, emu, func() string { return "http://zendesk.local" }, func(r *http.Request) bool {
			return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/translations")
		})
		dir := example.Copy(t)
		for _, args := range [][]string{{"publish", "zendesk", "4.2", "4.3", "--unsigned-from-workspace"}, {"publish", "zendesk", "4.2", "4.3", "--unsigned-from-workspace", "--json"}} {
			env := map[string]string{"ZENDESK_URL": srv.URL, "ZENDESK_OAUTH_TOKEN": "tok", "ATLAS_PUBLIC_KEY": testPublicKey}
			code, stdout, stderr := runCLI(t, env, append([]string{"-C", dir}, args...)...)
			if code != ExitError || !strings.Contains(stderr, "422") {
				t.Fatalf("%v: exit %d: %s", args, code, stderr)
			}
			if strings.Contains(args[len(args)-1], "json") {
				// The re-run adopts the English drafts, then fails again.
				for _, want := range []string{`"outcome": "not attempted"`, `"outcome": "done"`, `"outcome": "failed"`} {
					if !strings.Contains(stdout, want) {
						t.Errorf("the JSON lacks %s:\n%s", want, stdout)
					}
				}
				continue
			}
			for _, bad := range []string{"Published", "6 create", "4 create"} {
				if strings.Contains(stdout, bad) {
					t.Errorf("the summary says %q:\n%s", bad, stdout)
				}
			}
			for _, re := range []string{`(?m)^Publishing to .* stopped part-way`, `(?m)^4\.2\.0 +release-notes +en-us +create +done +published +http`,
				`(?m)^4\.3\.0 +release-notes +en-us +create +partly done +draft +http`, `(?m)^4\.3\.0 +upgrade-guide +de +create +failed +- +- +workspace \(unsigned\)$`,
				`(?m)^Failed:$`, `(?m)^  4\.3\.0 release-notes \(en-us\): its text was written as a draft, but it was not published`,
				`(?m)^  4\.3\.0 upgrade-guide \(de\): .*422`, `(?m)^2 create, 2 partly done, 2 failed · `} {
				if !regexp.MustCompile(re).MatchString(stdout) {
					t.Errorf("no line matches %s:\n%s", re, stdout)
				}
			}
		}
	})
	t.Run("github", func(t *testing.T) {
		fake := ghreleasetest.New(ghreleasetest.Config{Owner: "atlas-workplace", Repo: "atlas-runbooks",
			Tokens: map[string]ghreleasetest.Token{"ghp_tok": {Push: true}}})
		t.Cleanup(fake.Close)
		srv := refusing(t, fake, func() string { return fake.URL }, func(r *http.Request) bool {
			return r.Method == http.MethodPost && r.URL.Query().Get("name") == "release-notes.md"
		})
		dir := example.Copy(t)
		keys := t.TempDir()
		if code, _, stderr := runCLI(t, nil, "keygen", "--out-dir", keys, "--unencrypted"); code != 0 {
			t.Fatal(stderr)
		}
		env := map[string]string{"GITHUB_TOKEN": "ghp_tok", "GITHUB_API_URL": srv.URL + "/api/v3", "ATLAS_SIGNING_KEY": filepath.Join(keys, "atlas-release.key"),
			"ZENDESK_URL": "http://127.0.0.1:1", "ZENDESK_OAUTH_TOKEN": "unused: zendesk is not run after github fails"}
		if code, _, stderr := runCLI(t, env, "-C", dir, "cut", "4.3"); code != 0 {
			t.Fatal(stderr)
		}
		for _, args := range [][]string{{"publish", "github", "4.3"}, {"publish", "4.3"}} {
			code, stdout, stderr := runCLI(t, env, append([]string{"-C", dir}, args...)...)
			if code != ExitError {
				t.Fatalf("%v: exit %d: %s", args, code, stderr)
			}
			for _, bad := range []string{"Published", "16 uploaded"} {
				if strings.Contains(stdout, bad) {
					t.Errorf("%v: the summary says %q:\n%s", args, bad, stdout)
				}
			}
			for _, re := range []string{`(?m)^Did not publish atlas-workplace/atlas-runbooks release v4\.3\.0 \((create|update), draft\)`,
				`(?m)^release-notes.md +upload +failed `, `(?m)^  release-notes.md: .*422`, `(?m)^[0-9]+ (uploaded|unchanged), 1 failed(, [0-9]+ not attempted)? · `,
				`(?m)^\S+ +(upload|unchanged) +done `, `(?m)^\S+ +upload +not attempted `} {
				if !regexp.MustCompile(re).MatchString(stdout) {
					t.Errorf("%v: no line matches %s:\n%s", args, re, stdout)
				}
			}
		}
	})
}
