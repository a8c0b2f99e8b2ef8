package publish_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"aead.dev/minisign"
	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/publish"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

// cutExample cuts version v of the environment's workspace into a new dist
// folder and opens the cut as publish does.
func (e *env) cutExample(v string) *cut.Folder {
	e.t.Helper()
	_, key, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		e.t.Fatal(err)
	}
	ws, err := releases.Load(e.fsys)
	if err != nil {
		e.t.Fatal(err)
	}
	set, err := templates.Load(e.fsys)
	if err != nil {
		e.t.Fatal(err)
	}
	version := semver.MustParse(v)
	_, dir, err := cut.Run(e.t.Context(), cut.Options{Workspace: ws, Templates: set, Version: version, Dist: e.t.TempDir(), Key: &key, Generator: "test"})
	if err != nil {
		e.t.Fatal(err)
	}
	c, err := cut.Open(dir, ws, version)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// sentBodies are the article bodies the help center received, as sent.
func sentBodies(t *testing.T, srv *zendesktest.Server) []string {
	t.Helper()
	var out []string
	for _, r := range srv.Requests() {
		if !r.Write || r.Body == "" {
			continue
		}
		var req map[string]json.RawMessage
		if err := json.Unmarshal([]byte(r.Body), &req); err != nil {
			continue
		}
		for _, raw := range req {
			var v struct {
				Body *string `json:"body"`
			}
			if json.Unmarshal(raw, &v) == nil && v.Body != nil {
				out = append(out, *v.Body)
			}
		}
	}
	return out
}

// TestPublishesTheCutsText is issue 11's acceptance test: a manifest changed
// after the cut, then publish — the help center gets the cut's text, byte for
// byte, in every locale, and the result says the workspace differs.
func TestPublishesTheCutsText(t *testing.T) {
	e := newEnv(t, zendesktest.Config{})
	c := e.cutExample("4.3.0")
	f := e.fsys["releases/4.3.0.yaml"]
	f.Data = []byte(strings.Replace(string(f.Data), "Start a request from one of twelve templates", "Start a request from one of fifteen templates", 1))

	o := e.options("4.3.0")
	o.FromWorkspace, o.Signing = false, templates.Signing{}
	if _, err := e.publish(o); err == nil || !strings.Contains(err.Error(), "no signed cut") {
		t.Fatalf("a version without a cut, without FromWorkspace: %v", err)
	}
	o.Cuts = map[string]*cut.Folder{"4.3.0": c}
	res, err := e.publish(o)
	if err != nil {
		t.Fatal(err)
	}
	differs := 0
	for _, a := range res.Articles {
		if a.Cut != c.Checksums {
			t.Errorf("%s %s: cut %q, want %q", a.Version, a.Kind, a.Cut, c.Checksums)
		}
		for _, tr := range a.Translations {
			if tr.Source != publish.SourceCut {
				t.Errorf("%s %s (%s) came from %q", a.Version, a.Kind, tr.Locale, tr.Source)
			}
			if tr.WorkspaceDiffers {
				differs++
				if a.Kind != publish.KindNotes || tr.Locale != "en-us" {
					t.Errorf("%s %s (%s) is said to differ", a.Version, a.Kind, tr.Locale)
				}
			}
		}
	}
	if differs != 1 {
		t.Errorf("%d translations differ from the workspace, want 1 (the English notes)", differs)
	}
	sent := strings.Join(sentBodies(t, e.srv), "\x00")
	var guideID int64
	for _, a := range res.Articles {
		if a.Kind == publish.KindGuide {
			guideID = a.ID
		}
	}
	// Every body is the cut's file, byte for byte, but for the notes' one
	// link to the guide beside them, which points at the guide's article.
	for _, tc := range []struct{ name, guideFile, locale string }{
		{"release-notes.html", "upgrade-guide.html", "en-us"},
		{"upgrade-guide.html", "", ""},
		{"release-notes.de.html", "upgrade-guide.de.html", "de"},
		{"upgrade-guide.de.html", "", ""},
	} {
		file, err := os.ReadFile(filepath.Join(c.Dir, tc.name))
		if err != nil {
			t.Fatal(err)
		}
		want := string(file)
		if tc.guideFile != "" {
			link := `href="` + tc.guideFile + `"`
			if n := strings.Count(want, link); n != 1 {
				t.Fatalf("%s has %d links %s, want 1", tc.name, n, link)
			}
			want = strings.Replace(want, link, fmt.Sprintf(`href="/hc/%s/articles/%d"`, tc.locale, guideID), 1)
		}
		if !strings.Contains("\x00"+sent+"\x00", "\x00"+want+"\x00") {
			t.Errorf("the help center did not get %s byte for byte (but for the link to the guide)", tc.name)
		}
	}
	if strings.Contains(sent, "fifteen templates") || !strings.Contains(sent, "twelve templates") {
		t.Error("the help center got the workspace's text, not the cut's")
	}

	// A version without a cut is published from the workspace only when
	// asked, and the result says so article by article.
	o.FromWorkspace, o.Signing = true, templates.Signing{PublicKey: publicKey, KeyID: "E7620F1842B4E81F"}
	o.Versions = append(o.Versions, semver.MustParse("4.2.0"))
	res, err = e.publish(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range res.Articles {
		want := publish.SourceCut
		if a.Version == "4.2.0" {
			want = publish.SourceWorkspace
		}
		for _, tr := range a.Translations {
			if tr.Source != want {
				t.Errorf("%s %s (%s) came from %q, want %q", a.Version, a.Kind, tr.Locale, tr.Source, want)
			}
		}
	}
}
