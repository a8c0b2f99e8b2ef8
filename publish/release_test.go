package publish_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/ghrelease/ghreleasetest"
	"github.com/atlas-release/atlas-release/publish"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/zendesk"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

// TestReleaseResumes publishes a cut to both targets with the ZenDesk
// emulator failing for good: GitHub is done, ZenDesk failed, and the journal
// says so. The re-run skips GitHub and finishes ZenDesk, whose upgrade guide
// links to the release's downloads.
func TestReleaseResumes(t *testing.T) {
	g := newGHEnv(t, ghreleasetest.Config{})
	zd := zendesktest.New(helpCenter(), zendesktest.Config{Tokens: []string{token}, Clock: g.clock.Now})
	defer zd.Close()
	options := func() publish.ReleaseOptions {
		gh := g.options(ghToken)
		client, err := zendesk.New(zendesk.Options{BaseURL: zd.URL, Credentials: zendesk.BearerToken(token), Clock: g.clock.Now, Sleep: g.clock.Sleep})
		if err != nil {
			t.Fatal(err)
		}
		set, _ := templates.Load(g.ws.FS)
		return publish.ReleaseOptions{Cut: g.cut, GitHub: &gh, Zendesk: &publish.ZendeskOptions{Workspace: g.ws, Templates: set, Client: client,
			Versions: []*semver.Version{semver.MustParse("4.3.0")}, Generator: "test"}}
	}
	zd.Inject(zendesktest.Fault{Kind: zendesktest.Fail500, Method: "PUT", PathPattern: "/translations/", Times: 1000})
	res, err := publish.Release(t.Context(), options())
	if err == nil {
		t.Fatal("the publish did not fail")
	}
	if res.Targets[0].State != publish.StateDone || res.Targets[1].State != publish.StateFailed {
		t.Fatalf("targets %+v", res.Targets)
	}
	j := readJournal(t, filepath.Join(g.cut.Dir, publish.JournalFile))
	if j.Cut != g.cut.Checksums || j.Targets[0].State != "done" || j.Targets[1].State != "failed" || j.Targets[1].Error == "" {
		t.Errorf("journal after the failure: %+v", j)
	}
	if n := len(j.Targets[0].Writes); n != len(g.cut.Files)+2 {
		t.Errorf("the journal records %d GitHub writes, want %d (create, uploads, publish)", n, len(g.cut.Files)+2)
	}
	zd.ClearFaults()
	g.srv.ResetLog()
	res, err = publish.Release(t.Context(), options())
	if err != nil {
		t.Fatal(err)
	}
	if res.Targets[0].State != "skipped" || res.Targets[1].State != publish.StateDone || len(g.srv.Requests()) != 0 {
		t.Errorf("resume: %+v, %d GitHub requests", res.Targets, len(g.srv.Requests()))
	}
	g.checkRelease()
	found := false
	for id, a := range zd.Snapshot().Articles {
		if strings.Contains(strings.Join(a.LabelNames, " "), "atlas-upgrade-guide-4.3.0") {
			for _, tr := range zd.Snapshot().Translations[id] {
				if tr.Locale == "en-us" {
					found = true
					want := g.ws.Config.GitHub.DownloadURL("4.3.0", "atlas-4.3.0-from-4.1.0.tar.gz")
					if !strings.Contains(tr.Body, `href="`+want+`"`) || tr.Draft {
						t.Errorf("the upgrade guide does not link to %s:\n%s", want, tr.Body)
					}
				}
			}
		}
	}
	if !found {
		t.Error("no upgrade guide in ZenDesk")
	}
	// The downloads the guide links to are there.
	resp, err := g.srv.Client().Get(g.ws.Config.GitHub.DownloadURL("4.3.0", "SHA256SUMS"))
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("download: %v %v", resp, err)
	}
	if resp != nil {
		resp.Body.Close()
	}
	// A journal of another cut is started afresh.
	g.recut(func(files map[string]string) {
		files["releases/4.3.0.yaml"] = strings.Replace(readExample(t, "releases/4.3.0.yaml"), "twelve templates", "fifteen templates", 1)
	})
	if err := os.WriteFile(filepath.Join(g.cut.Dir, publish.JournalFile), []byte(`{"schemaVersion":1,"product":"atlas","version":"4.3.0","cut":"other","targets":[{"name":"github","state":"done","writes":[]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	o := options()
	o.DryRun = true
	res, _ = publish.Release(t.Context(), o)
	if !res.StaleJournal || res.Targets[0].State != "planned" {
		t.Errorf("a journal of another cut: %+v", res)
	}
}

func readJournal(t *testing.T, path string) *publish.Journal {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var j publish.Journal
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	return &j
}
