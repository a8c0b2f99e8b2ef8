package publish_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/internal/example"
	"github.com/atlas-release/atlas-release/publish"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/zendesk"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

// The example workspace's ZenDesk settings.
const (
	sectionID         = 4410293001
	permissionGroupID = 1764201
	token             = "publish-test-token"
	publicKey         = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"
)

// helpCenter is the example's help center: its section, permission group and
// locales, empty.
func helpCenter(locales ...string) *zendesktest.State {
	if len(locales) == 0 {
		locales = []string{"en-us", "de"}
	}
	st := zendesktest.NewState(locales...)
	st.Sections = []zendesktest.Section{{ID: sectionID, Name: "Atlas release notes", Locale: "en-us"}}
	st.PermissionGroups = []zendesktest.PermissionGroup{{ID: permissionGroupID, Name: "Release managers"}}
	return st
}

type env struct {
	t     *testing.T
	fsys  fstest.MapFS
	srv   *zendesktest.Server
	clock *zendesktest.Clock
}

func newEnv(t *testing.T, cfg zendesktest.Config) *env {
	t.Helper()
	clock := zendesktest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	cfg.Tokens = append(cfg.Tokens, token)
	cfg.Clock = clock.Now
	srv := zendesktest.New(helpCenter(), cfg)
	t.Cleanup(srv.Close)
	return &env{t: t, fsys: example.FS(t), srv: srv, clock: clock}
}

func (e *env) options(versions ...string) publish.ZendeskOptions {
	e.t.Helper()
	ws, err := releases.Load(e.fsys)
	if err != nil {
		e.t.Fatal(err)
	}
	if diags := ws.Validate(); diags.Errors() > 0 {
		e.t.Fatalf("workspace: %v", diags)
	}
	set, err := templates.Load(e.fsys)
	if err != nil {
		e.t.Fatal(err)
	}
	// The request timeout is real time: generous, so that a loaded machine
	// (the whole suite runs packages side by side) never turns a slow answer
	// into a retried write; the stalls the tests inject last longer.
	client, err := zendesk.New(zendesk.Options{BaseURL: e.srv.URL, Credentials: zendesk.BearerToken(token),
		Clock: e.clock.Now, Sleep: e.clock.Sleep, RequestTimeout: 2 * time.Second})
	if err != nil {
		e.t.Fatal(err)
	}
	var vs []*semver.Version
	for _, v := range versions {
		vs = append(vs, semver.MustParse(v))
	}
	// These tests are about the help center, not about where the text comes
	// from: they publish the workspace's text (see TestPublishesTheCutsText).
	return publish.ZendeskOptions{Workspace: ws, Templates: set, Client: client, Versions: vs, Generator: "atlas-release test",
		Signing: templates.Signing{PublicKey: publicKey, KeyID: "E7620F1842B4E81F"}, FromWorkspace: true}
}

func (e *env) publish(o publish.ZendeskOptions) (*publish.ZendeskResult, error) {
	e.t.Helper()
	return publish.Zendesk(e.t.Context(), o)
}

func (e *env) mustPublish(versions ...string) *publish.ZendeskResult {
	e.t.Helper()
	res, err := e.publish(e.options(versions...))
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

// checkHelpCenter asserts the help center holds exactly the articles of the
// versions, once each, published, with the translations the workspace has.
func (e *env) checkHelpCenter(want map[string][]string) {
	e.t.Helper()
	st := e.srv.Snapshot()
	byIdentity := map[string][]int64{}
	for id, a := range st.Articles {
		for _, l := range a.LabelNames {
			if strings.HasPrefix(l, "atlas-release-notes-") || strings.HasPrefix(l, "atlas-upgrade-guide-") {
				byIdentity[l] = append(byIdentity[l], id)
			}
		}
	}
	if len(byIdentity) != len(want) || len(st.Articles) != len(want) {
		e.t.Errorf("%d articles with %d identities, want %d: %v", len(st.Articles), len(byIdentity), len(want), byIdentity)
	}
	for identity, locales := range want {
		ids := byIdentity[identity]
		if len(ids) != 1 {
			e.t.Errorf("%s: %d articles, want 1", identity, len(ids))
			continue
		}
		var got []string
		for _, tr := range st.Translations[ids[0]] {
			got = append(got, tr.Locale)
			if tr.Draft {
				e.t.Errorf("%s (%s) is still a draft", identity, tr.Locale)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, locales) {
			e.t.Errorf("%s: translations %v, want %v", identity, got, locales)
		}
	}
}

var bothVersions = map[string][]string{
	"atlas-release-notes-4.3.0": {"de", "en-us"}, "atlas-upgrade-guide-4.3.0": {"de", "en-us"},
	"atlas-release-notes-4.2.0": {"en-us"}, "atlas-upgrade-guide-4.2.0": {"en-us"},
}

func TestPublishThenRepublishWritesNothing(t *testing.T) {
	e := newEnv(t, zendesktest.Config{})
	res := e.mustPublish("4.2.0", "4.3.0")
	e.checkHelpCenter(bothVersions)
	if c := res.Counts(); c[publish.Create] != 6 {
		t.Errorf("counts %v, want 6 creates", c)
	}
	// 4 articles, 2 more translations; each translation created then published;
	// each article's labels written once.
	if res.Writes != 4+2+6+4 {
		t.Errorf("%d writes for a first publish, want 16", res.Writes)
	}
	st := e.srv.Snapshot()
	for id, a := range st.Articles {
		if a.SectionID != sectionID || a.PermissionGroupID != permissionGroupID || a.UserSegmentID != nil {
			t.Errorf("article %d placed in %d/%d/%v", id, a.SectionID, a.PermissionGroupID, a.UserSegmentID)
		}
		for _, l := range []string{"atlas", "release", "atlas-release-atlas"} {
			if !slices.Contains(a.LabelNames, l) {
				t.Errorf("article %d lacks label %s: %v", id, l, a.LabelNames)
			}
		}
	}
	e.srv.ResetLog()
	again := e.mustPublish("4.2.0", "4.3.0")
	if w := e.srv.Writes(); w != 0 || again.Writes != 0 {
		t.Errorf("a re-publish wrote %d times: %v", w, e.srv.Requests())
	}
	if c := again.Counts(); c[publish.Unchanged] != 6 {
		t.Errorf("re-publish counts %v", c)
	}
	// The minimum: the locales, then one list per locale.
	if n := len(e.srv.Requests()); n != 3 {
		t.Errorf("a re-publish made %d requests, want 3", n)
	}
}

func TestEditedManifestWritesOnlyChangedTranslations(t *testing.T) {
	e := newEnv(t, zendesktest.Config{})
	e.mustPublish("4.3.0")
	f := e.fsys["releases/4.3.0.yaml"]
	f.Data = []byte(strings.Replace(string(f.Data), "files Teams meeting notes into the\n  right hub", "files Teams meeting notes and whiteboards into the\n  right hub", 1))
	e.srv.ResetLog()
	res := e.mustPublish("4.3.0")
	var puts []string
	for _, r := range e.srv.Requests() {
		if r.Write {
			puts = append(puts, r.Method+" "+r.Path)
		}
	}
	// Only the English release notes changed: its translation, then its labels.
	if len(puts) != 2 || !strings.HasSuffix(puts[0], "/translations/en-us") {
		t.Errorf("writes: %v", puts)
	}
	var updated []string
	for _, a := range res.Articles {
		for _, tr := range a.Translations {
			if tr.Action == publish.Update {
				updated = append(updated, a.Kind+"/"+tr.Locale)
				if !strings.Contains(tr.Diff, "+") || !strings.Contains(tr.Diff, "whiteboards") {
					t.Errorf("diff: %s", tr.Diff)
				}
			}
		}
	}
	if !slices.Equal(updated, []string{"release-notes/en-us"}) {
		t.Errorf("updated %v", updated)
	}
	e.srv.ResetLog()
	e.mustPublish("4.3.0")
	if w := e.srv.Writes(); w != 0 {
		t.Errorf("%d writes after the update was published", w)
	}
}

func TestHandEditIsRefusedThenForced(t *testing.T) {
	e := newEnv(t, zendesktest.Config{})
	e.mustPublish("4.3.0")
	e.srv.Edit(func(st *zendesktest.State) {
		for id, a := range st.Articles {
			if slices.Contains(a.LabelNames, "atlas-release-notes-4.3.0") {
				for _, tr := range st.Translations[id] {
					if tr.Locale == "de" {
						tr.Body = strings.Replace(tr.Body, "Vorlagengalerie", "Galerie mit Vorlagen (von Hand)", 1)
					}
				}
			}
		}
	})
	before := e.srv.Snapshot()
	e.srv.ResetLog()
	res, err := e.publish(e.options("4.3.0"))
	var drift *publish.DriftError
	if !errors.As(err, &drift) {
		t.Fatalf("hand edit: %v", err)
	}
	if w := e.srv.Writes(); w != 0 {
		t.Errorf("a refused publish wrote %d times", w)
	}
	found := false
	for _, a := range res.Articles {
		for _, tr := range a.Translations {
			if tr.Action == publish.Drift {
				found = true
				if !strings.Contains(tr.Diff, "-") || !strings.Contains(tr.Diff, "(von Hand)") || !strings.Contains(tr.Diff, "+") {
					t.Errorf("drift diff does not show the edit:\n%s", tr.Diff)
				}
			}
		}
	}
	if !found {
		t.Error("no drift reported")
	}
	if after := e.srv.Snapshot(); len(after.Articles) != len(before.Articles) {
		t.Error("the help center changed")
	}
	o := e.options("4.3.0")
	o.Force = true
	res, err = e.publish(o)
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counts(); c[publish.Overwrite] != 1 {
		t.Errorf("forced: %v", c)
	}
	e.srv.ResetLog()
	e.mustPublish("4.3.0")
	if w := e.srv.Writes(); w != 0 {
		t.Errorf("%d writes after --force", w)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	e := newEnv(t, zendesktest.Config{})
	o := e.options("4.3.0")
	o.DryRun = true
	res, err := e.publish(o)
	if err != nil {
		t.Fatal(err)
	}
	if w := e.srv.Writes(); w != 0 || len(e.srv.Snapshot().Articles) != 0 {
		t.Errorf("dry run wrote %d times", w)
	}
	if c := res.Counts(); c[publish.Create] != 4 {
		t.Errorf("dry run plan %v", c)
	}
}

func TestDraftLeavesNewArticlesUnpublished(t *testing.T) {
	e := newEnv(t, zendesktest.Config{})
	o := e.options("4.3.0")
	o.Draft = true
	if _, err := e.publish(o); err != nil {
		t.Fatal(err)
	}
	for _, trs := range e.srv.Snapshot().Translations {
		for _, tr := range trs {
			if !tr.Draft {
				t.Errorf("%s published with --draft", tr.Locale)
			}
		}
	}
	e.srv.ResetLog()
	res := e.mustPublish("4.3.0") // without --draft: publish
	if c := res.Counts(); c[publish.Publish] != 4 || res.Writes != 4 {
		t.Errorf("publishing the drafts: %v in %d writes", c, res.Writes)
	}
	e.checkHelpCenter(map[string][]string{"atlas-release-notes-4.3.0": {"de", "en-us"}, "atlas-upgrade-guide-4.3.0": {"de", "en-us"}})
}

// TestFaultsConverge injects each fault into a first publish, and re-runs until
// a run succeeds: the help center must end with exactly the right articles.
func TestFaultsConverge(t *testing.T) {
	faults := map[string]zendesktest.Fault{
		"429 text/plain on a create":              {Kind: zendesktest.Fail429, Method: "POST", PathPattern: "/articles$", RetryAfter: 30, Times: 2},
		"503 on the listing":                      {Kind: zendesktest.Fail503, Method: "GET", PathPattern: "/articles$", RetryAfter: 5, Times: 2},
		"500 on a translation update":             {Kind: zendesktest.Fail500, Method: "PUT", PathPattern: "/translations/", Times: 3},
		"500 on an article create":                {Kind: zendesktest.Fail500, Method: "POST", PathPattern: "/articles$"},
		"dropped after an article create":         {Kind: zendesktest.DropAfterCommit, Method: "POST", PathPattern: "/articles$", Times: 2},
		"dropped after a translation create":      {Kind: zendesktest.DropAfterCommit, Method: "POST", PathPattern: "/translations$"},
		"dropped after the labels":                {Kind: zendesktest.DropAfterCommit, Method: "PUT", PathPattern: "/articles/[0-9]+$", Times: 2},
		"dropped after publishing":                {Kind: zendesktest.DropAfterCommit, Method: "PUT", PathPattern: "/translations/", Times: 2},
		"create times out":                        {Kind: zendesktest.Stall, Method: "POST", PathPattern: "/articles$", Delay: 5 * time.Second},
		"a run that fails half-way":               {Kind: zendesktest.Fail500, Method: "PUT", PathPattern: "/translations/", Times: 40},
		"every create dropped, lookups fail once": {Kind: zendesktest.DropAfterCommit, Method: "POST", PathPattern: "/(articles|translations)$", Times: 6},
	}
	for name, f := range faults {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, zendesktest.Config{Latency: time.Millisecond})
			e.srv.Inject(f)
			if name == "every create dropped, lookups fail once" {
				e.srv.Inject(zendesktest.Fault{Kind: zendesktest.Fail500, Method: "GET", PathPattern: "/articles$", Times: 1})
			}
			var err error
			var res *publish.ZendeskResult
			for run := 1; run <= 4; run++ {
				if res, err = e.publish(e.options("4.2.0", "4.3.0")); err == nil {
					break
				}
				t.Logf("run %d: %v", run, err)
			}
			if err != nil {
				t.Fatalf("no convergence: %v", err)
			}
			if n := e.srv.PendingFaults(); n != 0 {
				t.Errorf("%d faults never triggered", n)
			}
			if name == "a run that fails half-way" && res.Counts()[publish.Adopt] == 0 {
				t.Errorf("the second run adopted nothing: %v", res.Counts())
			}
			e.checkHelpCenter(bothVersions)
			e.srv.ResetLog()
			e.mustPublish("4.2.0", "4.3.0")
			if w := e.srv.Writes(); w != 0 {
				t.Errorf("converged state still needs %d writes: %v", w, e.srv.Requests())
			}
		})
	}
}

func TestDisabledLocaleIsRefusedUpFront(t *testing.T) {
	clock := zendesktest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	srv := zendesktest.New(helpCenter("en-us"), zendesktest.Config{Tokens: []string{token}, Clock: clock.Now})
	defer srv.Close()
	e := &env{t: t, fsys: example.FS(t), srv: srv, clock: clock}
	_, err := e.publish(e.options("4.3.0"))
	if err == nil || !strings.Contains(err.Error(), "de") || srv.Writes() != 0 {
		t.Errorf("disabled locale: %v, %d writes", err, srv.Writes())
	}
}

func TestDuplicateArticlesAreRefused(t *testing.T) {
	e := newEnv(t, zendesktest.Config{})
	e.mustPublish("4.3.0")
	e.srv.Edit(func(st *zendesktest.State) {
		for id, a := range st.Articles {
			if slices.Contains(a.LabelNames, "atlas-release-notes-4.3.0") {
				dup := *a
				dup.ID = id + 100000
				st.Articles[dup.ID] = &dup
				st.Translations[dup.ID] = st.Translations[id]
				return
			}
		}
	})
	e.srv.ResetLog()
	if _, err := e.publish(e.options("4.3.0")); err == nil || !strings.Contains(err.Error(), "archive") || e.srv.Writes() != 0 {
		t.Errorf("duplicates: %v", err)
	}
}

func TestPlacementAndLabelsFollowTheWorkspace(t *testing.T) {
	e := newEnv(t, zendesktest.Config{})
	e.mustPublish("4.3.0")
	e.srv.Edit(func(st *zendesktest.State) {
		st.UserSegments = append(st.UserSegments, zendesktest.UserSegment{ID: 2701, Name: "Customers"})
		for _, a := range st.Articles {
			a.LabelNames = append(a.LabelNames, "featured") // a label added by hand stays
		}
	})
	f := e.fsys["atlas-release.yaml"]
	f.Data = []byte(strings.Replace(string(f.Data), "  labels: [atlas, release]", "  userSegmentId: 2701\n  labels: [atlas, release, quarterly]", 1))
	e.srv.ResetLog()
	res := e.mustPublish("4.3.0")
	if res.Writes != 2 {
		t.Errorf("%d writes to move two articles", res.Writes)
	}
	for _, a := range res.Articles {
		if a.Action != publish.Relabel {
			t.Errorf("%s: %s", a.Kind, a.Action)
		}
	}
	for id, a := range e.srv.Snapshot().Articles {
		if a.UserSegmentID == nil || *a.UserSegmentID != 2701 || !slices.Contains(a.LabelNames, "quarterly") || !slices.Contains(a.LabelNames, "featured") {
			t.Errorf("article %d: segment %v labels %v", id, a.UserSegmentID, a.LabelNames)
		}
	}
}
