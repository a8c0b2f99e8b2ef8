package cli

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

const testPublicKey = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"

// exampleWorkspace copies the example workspace into a temporary folder.
func exampleWorkspace(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "atlas")
	if err := copyTree(filepath.Join("..", "..", "examples", "atlas"), dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

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

	dir := exampleWorkspace(t)
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
				args := append([]string{"-C", dir, "publish", "zendesk", "4.3"}, extra...)
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
	dir := exampleWorkspace(t)
	for _, c := range []struct {
		env  map[string]string
		args []string
		code int
		want string
	}{
		{map[string]string{"ZENDESK_OAUTH_TOKEN": "t"}, []string{"4.3"}, ExitUsage, "how to check their downloads"},
		{map[string]string{"ZENDESK_OAUTH_TOKEN": "t", "ATLAS_PUBLIC_KEY": testPublicKey, "ZENDESK_URL": "http://acme.zendesk.com"}, []string{"4.3"}, ExitUsage, "plain HTTP"},
		{map[string]string{"ZENDESK_OAUTH_TOKEN": "t", "ATLAS_PUBLIC_KEY": testPublicKey, "ZENDESK_URL": "", "ZENDESK_SUBDOMAIN": "acme.evil.com/"}, []string{"4.3"}, ExitUsage, "not a ZenDesk subdomain"},
		{map[string]string{"ZENDESK_CLIENT_ID": "ci", "ATLAS_PUBLIC_KEY": testPublicKey}, []string{"4.3"}, ExitAuth, "go together"},
		{map[string]string{"ZENDESK_OAUTH_TOKEN": "t", "ATLAS_PUBLIC_KEY": testPublicKey}, []string{"9.9"}, ExitError, "no release 9.9.0"},
		{map[string]string{"ZENDESK_OAUTH_TOKEN": "t", "ATLAS_PUBLIC_KEY": testPublicKey}, []string{"4.3", "--all"}, ExitUsage, "do not name versions"},
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
	dir := exampleWorkspace(t)
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
