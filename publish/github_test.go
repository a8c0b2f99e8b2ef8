package publish_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"aead.dev/minisign"
	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/bundle"
	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/ghrelease"
	"github.com/atlas-release/atlas-release/ghrelease/ghreleasetest"
	"github.com/atlas-release/atlas-release/internal/example"
	"github.com/atlas-release/atlas-release/publish"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/signing"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

const ghToken = "ghp_publish_test_token"

// ghEnv is a fake GitHub for the example's repository and a cut of 4.3.0
// whose download links point at it.
type ghEnv struct {
	t     *testing.T
	srv   *ghreleasetest.Server
	ws    *releases.Workspace
	cut   *cut.Folder
	clock *zendesktest.Clock
	key   minisign.PrivateKey
}

func newGHEnv(t *testing.T, cfg ghreleasetest.Config) *ghEnv {
	t.Helper()
	clock := zendesktest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	cfg.Owner, cfg.Repo, cfg.Clock = "atlas-workplace", "atlas-runbooks", clock.Now
	if cfg.Tokens == nil {
		cfg.Tokens = map[string]ghreleasetest.Token{ghToken: {Push: true}}
	}
	srv := ghreleasetest.New(cfg)
	t.Cleanup(func() {
		srv.Close()
		if u := srv.Unexpected(); len(u) > 0 {
			t.Errorf("the fake GitHub received unexpected requests: %q", u)
		}
	})
	_, key, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	e := &ghEnv{t: t, srv: srv, clock: clock, key: key}
	e.recut(nil)
	return e
}

// recut cuts 4.3.0 of the example workspace, changed by edit.
func (e *ghEnv) recut(edit func(fsys map[string]string)) {
	t := e.t
	t.Helper()
	fsys := example.FS(t)
	if edit != nil {
		files := map[string]string{}
		edit(files)
		for name, text := range files {
			fsys[name].Data = []byte(text)
		}
	}
	ws, err := releases.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	gh := *ws.Config.GitHub
	gh.APIURL = e.srv.APIURL()
	ws.Config.GitHub = &gh
	set, err := templates.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	v := semver.MustParse("4.3.0")
	dist := t.TempDir()
	if _, _, err := cut.Run(t.Context(), cut.Options{Workspace: ws, Templates: set, Version: v, Dist: dist, Key: &e.key, Generator: "test"}); err != nil {
		t.Fatal(err)
	}
	c, err := cut.Open(filepath.Join(dist, "4.3.0"), ws, v)
	if err != nil {
		t.Fatal(err)
	}
	e.ws, e.cut = ws, c
}

func (e *ghEnv) options(token string) publish.GitHubOptions {
	e.t.Helper()
	client, err := ghrelease.New(ghrelease.Options{APIURL: e.srv.APIURL(), Token: token, Repository: "atlas-workplace/atlas-runbooks",
		Clock: e.clock.Now, Sleep: e.clock.Sleep})
	if err != nil {
		e.t.Fatal(err)
	}
	return publish.GitHubOptions{Workspace: e.ws, Cut: e.cut, Client: client}
}

func (e *ghEnv) publish(o publish.GitHubOptions) (*publish.GitHubResult, error) {
	return publish.GitHub(e.t.Context(), o)
}

// checkRelease asserts the fake holds one published release of v4.3.0 with
// every file of the cut, once, with the cut's content.
func (e *ghEnv) checkRelease() {
	e.t.Helper()
	var found []ghreleasetest.Release
	for _, r := range e.srv.Releases() {
		if r.Tag == "v4.3.0" {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		e.t.Fatalf("%d releases of v4.3.0, want 1", len(found))
	}
	rel := found[0]
	if rel.Draft {
		e.t.Error("the release is still a draft")
	}
	if len(rel.Assets) != len(e.cut.Files) {
		e.t.Errorf("%d assets, want the cut's %d", len(rel.Assets), len(e.cut.Files))
	}
	byName := map[string][]byte{}
	for _, a := range rel.Assets {
		if _, dup := byName[a.Name]; dup {
			e.t.Errorf("asset %s twice", a.Name)
		}
		byName[a.Name] = a.Data
	}
	for _, f := range e.cut.Files {
		want, err := os.ReadFile(filepath.Join(e.cut.Dir, f.Name))
		if err != nil {
			e.t.Fatal(err)
		}
		if string(byName[f.Name]) != string(want) {
			e.t.Errorf("asset %s is missing or differs", f.Name)
		}
	}
}

func TestGitHubFirstPublishThenNothing(t *testing.T) {
	e := newGHEnv(t, ghreleasetest.Config{})
	res, err := e.publish(e.options(ghToken))
	if err != nil {
		t.Fatal(err)
	}
	e.checkRelease()
	t.Logf("first publish: %d requests, %d writes", res.Requests, res.Writes)
	if res.Writes != int64(len(e.cut.Files))+2 {
		t.Errorf("%d writes, want a create, one upload per file and a publish", res.Writes)
	}
	if res.Release != publish.Create || res.Draft || !strings.HasSuffix(res.URL, "/atlas-workplace/atlas-runbooks/releases/tag/v4.3.0") {
		t.Errorf("result %+v", res)
	}
	// The links of the upgrade guide work.
	for _, a := range res.Assets {
		if want := e.ws.Config.GitHub.DownloadURL("4.3.0", a.Name); a.URL != want {
			t.Errorf("%s at %s, want %s", a.Name, a.URL, want)
		}
	}
	rel := e.srv.Releases()[0]
	// The notes' link to the guide beside them leads to the release's copy.
	if guide := "(" + e.ws.Config.GitHub.DownloadURL("4.3.0", "upgrade-guide.html") + ")"; !strings.Contains(rel.Body, guide) || strings.Contains(rel.Body, "(upgrade-guide.html)") {
		t.Errorf("the release's notes do not link to the guide %s:\n%s", guide, rel.Body)
	}
	if rel.Name != "Atlas 4.3.0" || !strings.Contains(rel.Body, "minisign -H -Vm") || !strings.Contains(rel.Body, e.cut.Meta.PublicKey) || rel.MakeLatest != "true" {
		t.Errorf("release %q, latest %q, body:\n%s", rel.Name, rel.MakeLatest, rel.Body)
	}
	e.srv.ResetLog()
	again, err := e.publish(e.options(ghToken))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("re-run: %d requests, %d writes", again.Requests, again.Writes)
	if w := e.srv.Writes(); w != 0 || again.Release != publish.Unchanged {
		t.Errorf("a re-run wrote %d times: %+v", w, e.srv.Requests())
	}
}

func TestGitHubResumesAfterAFailure(t *testing.T) {
	e := newGHEnv(t, ghreleasetest.Config{})
	// Uploads fail for good after the second.
	uploads := 0
	o := e.options(ghToken)
	o.OnWrite = func(w publish.Write) {
		if w.Action == "upload" {
			uploads++
			if uploads == 2 {
				e.srv.Inject(ghreleasetest.Fault{Kind: ghreleasetest.Fail502, Method: "POST", PathPattern: "/assets$", Times: 100})
			}
		}
	}
	if _, err := e.publish(o); err == nil {
		t.Fatal("the publish did not fail")
	}
	if rel := e.srv.Releases(); len(rel) != 1 || !rel[0].Draft || len(rel[0].Assets) != 2 {
		t.Fatalf("after the failure: %d releases, draft %v, %d assets", len(rel), rel[0].Draft, len(rel[0].Assets))
	}
	e.srv.ClearFaults() // the outage is over
	res, err := e.publish(e.options(ghToken))
	if err != nil {
		t.Fatal(err)
	}
	e.checkRelease()
	n := 0
	for _, a := range res.Assets {
		if a.Action == publish.Create {
			n++
		}
	}
	if n != len(e.cut.Files)-2 {
		t.Errorf("the resumed publish uploaded %d files, want %d", n, len(e.cut.Files)-2)
	}
}

func TestGitHubUnknownOutcomesAreLookedFor(t *testing.T) {
	for name, f := range map[string]ghreleasetest.Fault{
		"create dropped after commit":  {Kind: ghreleasetest.DropAfterCommit, Method: "POST", PathPattern: "/releases$"},
		"create answered 500":          {Kind: ghreleasetest.Fail500, Method: "POST", PathPattern: "/releases$"},
		"uploads dropped after commit": {Kind: ghreleasetest.DropAfterCommit, Method: "POST", PathPattern: "/assets$", Times: 3},
		"uploads answered 502":         {Kind: ghreleasetest.Fail502, Method: "POST", PathPattern: "/assets$", Times: 2},
		"publish dropped after commit": {Kind: ghreleasetest.DropAfterCommit, Method: "PATCH", PathPattern: "/releases/"},
		"rate limited":                 {Kind: ghreleasetest.SecondaryLimit, PathPattern: "/assets$", Delay: 30 * time.Second, Times: 2},
	} {
		t.Run(name, func(t *testing.T) {
			e := newGHEnv(t, ghreleasetest.Config{})
			e.srv.Inject(f)
			if _, err := e.publish(e.options(ghToken)); err != nil {
				t.Fatal(err)
			}
			if n := e.srv.PendingFaults(); n != 0 {
				t.Errorf("%d faults did not fire", n)
			}
			e.checkRelease()
		})
	}
}

func TestGitHubRefusesOtherContent(t *testing.T) {
	e := newGHEnv(t, ghreleasetest.Config{})
	if _, err := e.publish(e.options(ghToken)); err != nil {
		t.Fatal(err)
	}
	// Someone replaced SHA256SUMS on the release by hand.
	e.srv.Edit(func(rels []*ghreleasetest.Release) {
		for _, a := range rels[0].Assets {
			if a.Name == "SHA256SUMS" {
				a.Data = []byte("0000  forged\n")
			}
		}
	})
	e.srv.ResetLog()
	res, err := e.publish(e.options(ghToken))
	var conflict *publish.ConflictError
	if !errors.As(err, &conflict) || !strings.Contains(err.Error(), "SHA256SUMS") || !strings.Contains(err.Error(), "--replace") {
		t.Fatalf("other content: %v", err)
	}
	if e.srv.Writes() != 0 {
		t.Error("a refused publish wrote")
	}
	if res == nil || res.Assets[0].Action != publish.Conflict {
		t.Errorf("result %+v", res)
	}
	o := e.options(ghToken)
	o.Replace = true
	if _, err := e.publish(o); err != nil {
		t.Fatal(err)
	}
	e.checkRelease()
}

func TestGitHubImmutableReleasesAreNeverChanged(t *testing.T) {
	e := newGHEnv(t, ghreleasetest.Config{Immutable: true})
	res, err := e.publish(e.options(ghToken))
	if err != nil || !res.Immutable {
		t.Fatalf("first publish: %+v %v", res, err)
	}
	e.srv.ResetLog()
	if _, err := e.publish(e.options(ghToken)); err != nil || e.srv.Writes() != 0 {
		t.Errorf("re-run of the same cut: %v, %d writes", err, e.srv.Writes())
	}
	// Another cut of 4.3.0 (the notes changed): refused, even with --replace.
	e.recut(func(files map[string]string) {
		files["releases/4.3.0.yaml"] = strings.Replace(readExample(t, "releases/4.3.0.yaml"), "twelve templates", "fifteen templates", 1)
	})
	o := e.options(ghToken)
	o.Replace = true
	e.srv.ResetLog()
	_, err = e.publish(o)
	if err == nil || !strings.Contains(err.Error(), "immutable") || e.srv.Writes() != 0 {
		t.Errorf("changing an immutable release: %v, %d writes", err, e.srv.Writes())
	}
}

func TestGitHubChecksTheTokenBeforeAnyWrite(t *testing.T) {
	for name, tok := range map[string]ghreleasetest.Token{
		"read-only":            {Push: false},
		"classic without repo": {Push: true, Scopes: "read:packages"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newGHEnv(t, ghreleasetest.Config{Tokens: map[string]ghreleasetest.Token{ghToken: tok}})
			_, err := e.publish(e.options(ghToken))
			if ghrelease.KindOf(err) != ghrelease.KindPermission || e.srv.Writes() != 0 {
				t.Errorf("%v, %d writes", err, e.srv.Writes())
			}
		})
	}
}

func TestOpenCutRefusesWhatCannotBePublished(t *testing.T) {
	e := newGHEnv(t, ghreleasetest.Config{})
	v := semver.MustParse("4.3.0")
	// A bundle changed after signing.
	bundlePath := filepath.Join(e.cut.Dir, "atlas-4.3.0-from-4.2.0.tar.gz")
	data, _ := os.ReadFile(bundlePath)
	data[len(data)/2] ^= 1
	if err := os.WriteFile(bundlePath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := cut.Open(e.cut.Dir, e.ws, v); !errors.Is(err, bundle.ErrInvalid) && !errors.Is(err, signing.ErrVerification) {
		t.Errorf("a tampered bundle: %v", err)
	}
	// No cut at all.
	if _, err := cut.Open(filepath.Join(t.TempDir(), "4.3.0"), e.ws, v); err == nil || !strings.Contains(err.Error(), "atlas-release cut 4.3.0") {
		t.Errorf("no cut: %v", err)
	}
	// A snapshot.
	snap := t.TempDir()
	set, _ := templates.Load(e.ws.FS)
	if _, _, err := cut.Run(t.Context(), cut.Options{Workspace: e.ws, Templates: set, Version: v, Dist: snap, Snapshot: true, Generator: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cut.Open(filepath.Join(snap, "4.3.0"), e.ws, v); err == nil || !strings.Contains(err.Error(), "only a snapshot") {
		t.Errorf("a snapshot: %v", err)
	}
}

func readExample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(example.Dir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGitHubRefusesAGuideThatLinksElsewhere: a cut made for github.com,
// published to another server, would give customers dead links.
func TestGitHubRefusesAGuideThatLinksElsewhere(t *testing.T) {
	e := newGHEnv(t, ghreleasetest.Config{})
	fsys := example.FS(t)
	ws, err := releases.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := templates.Load(fsys)
	v := semver.MustParse("4.3.0")
	dist := t.TempDir()
	if _, _, err := cut.Run(t.Context(), cut.Options{Workspace: ws, Templates: set, Version: v, Dist: dist, Key: &e.key, Generator: "test"}); err != nil {
		t.Fatal(err)
	}
	c, err := cut.Open(filepath.Join(dist, "4.3.0"), e.ws, v)
	if err != nil {
		t.Fatal(err)
	}
	o := e.options(ghToken)
	o.Cut = c
	_, err = e.publish(o)
	if err == nil || !strings.Contains(err.Error(), "upgrade guide does not link to") || len(e.srv.Requests()) != 0 {
		t.Errorf("a guide linking to github.com: %v, %d requests", err, len(e.srv.Requests()))
	}
}

// TestGitHubPublishesOnlyConfirmedAssets: an upload answered 201 whatever
// happened (an empty body, not JSON, another asset's JSON; stored or not), or
// stored wrong behind a good answer, is never taken on trust: the release is
// read back, and published only once every file is there with the cut's size
// and digest; otherwise the run stops with the release a draft, and a re-run
// converges.
func TestGitHubPublishesOnlyConfirmedAssets(t *testing.T) {
	upload := func(kind ghreleasetest.FaultKind, times int) []ghreleasetest.Fault {
		return []ghreleasetest.Fault{{Kind: kind, Method: "POST", PathPattern: "/assets$", Times: times}}
	}
	// spoil changes the stored copy of the second file after each of its
	// uploads, behind the answer's back.
	truncate := func(a *ghreleasetest.Asset) { a.Data = a.Data[:len(a.Data)/2] }
	flip := func(a *ghreleasetest.Asset) { a.Data = append([]byte{a.Data[0] ^ 1}, a.Data[1:]...) }
	drop := func(*ghreleasetest.Asset) {}
	for name, c := range map[string]struct {
		faults []ghreleasetest.Fault
		spoil  func(*ghreleasetest.Asset)
		// dropIt removes the asset instead of changing it.
		dropIt bool
		// spoilings is how many uploads of the file are spoiled.
		spoilings int
		// sameRun: the run itself converges; otherwise it must stop unpublished
		// and a re-run converge.
		sameRun bool
	}{
		"stored, answered empty":            {faults: upload(ghreleasetest.EmptyUploadAnswer, 1), sameRun: true},
		"not stored, answered empty":        {faults: upload(ghreleasetest.EmptyUploadAnswerNotStored, 1), sameRun: true},
		"stored, answered with garbage":     {faults: upload(ghreleasetest.GarbledUploadAnswer, 2), sameRun: true},
		"stored, answered as another asset": {faults: upload(ghreleasetest.WrongUploadAnswer, 1), sameRun: true},
		"never stored, however retried":     {faults: upload(ghreleasetest.EmptyUploadAnswerNotStored, 40)},
		"lost after a good answer":          {spoil: drop, dropIt: true, spoilings: 1, sameRun: true},
		"truncated after a good answer":     {spoil: truncate, spoilings: 1, sameRun: true},
		"a flipped byte, same size":         {spoil: flip, spoilings: 2, sameRun: true},
		"corrupted every time":              {spoil: flip, spoilings: 100},
	} {
		// Without digests in the answers (older Enterprise Servers), the
		// files are downloaded to be checked.
		for _, noDigests := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, no digests %v", name, noDigests), func(t *testing.T) {
				e := newGHEnv(t, ghreleasetest.Config{NoDigests: noDigests})
				for _, f := range c.faults {
					e.srv.Inject(f)
				}
				o := e.options(ghToken)
				target, spoiled := e.cut.Files[1].Name, 0
				o.OnWrite = func(w publish.Write) {
					if c.spoil == nil || w.Action != "upload" || w.Item != target || spoiled == c.spoilings {
						return
					}
					spoiled++
					e.srv.Edit(func(rels []*ghreleasetest.Release) {
						for _, r := range rels {
							for i, a := range r.Assets {
								if a.Name == target {
									c.spoil(a)
									if c.dropIt {
										r.Assets = append(r.Assets[:i], r.Assets[i+1:]...)
									}
									return
								}
							}
						}
					})
				}
				// The uploads after the one spoiled are confirmed too.
				res, err := e.publish(o)
				// Never published with a file missing or wrong.
				for _, r := range e.srv.Releases() {
					if r.Draft {
						continue
					}
					if len(r.Assets) != len(e.cut.Files) {
						t.Fatalf("published with %d of %d assets", len(r.Assets), len(e.cut.Files))
					}
					e.checkRelease()
				}
				if !c.sameRun {
					if err == nil {
						t.Fatal("the publish did not fail")
					}
					if !res.Draft || res.Outcome != publish.OutcomeFailed {
						t.Errorf("result: draft %v, outcome %s", res.Draft, res.Outcome)
					}
					failed := 0
					for _, a := range res.Assets {
						if a.Outcome == publish.OutcomeFailed && a.Error != "" {
							failed++
						}
					}
					if failed == 0 {
						t.Errorf("no asset says it failed: %+v", res.Assets)
					}
					e.srv.ClearFaults()
					o.OnWrite = nil
					res, err = e.publish(o)
					var conflict *publish.ConflictError
					if c.spoil != nil && errors.As(err, &conflict) {
						// A file stored with other content is not replaced unasked.
						o.Replace = true
						res, err = e.publish(o)
					}
				}
				if err != nil {
					t.Fatal(err)
				}
				e.checkRelease()
				for _, a := range res.Assets {
					if a.Outcome != publish.OutcomeDone {
						t.Errorf("%s: %s %s", a.Name, a.Outcome, a.Error)
					}
				}
			})
		}
	}
}

// TestGitHubOutcomesAreWhatHappened: a publish that fails half-way reports each
// asset as done, failed or not attempted, and the release as not published.
func TestGitHubOutcomesAreWhatHappened(t *testing.T) {
	e := newGHEnv(t, ghreleasetest.Config{})
	uploads := 0
	o := e.options(ghToken)
	o.OnWrite = func(w publish.Write) {
		if w.Action == "upload" {
			if uploads++; uploads == 2 {
				e.srv.Inject(ghreleasetest.Fault{Kind: ghreleasetest.Fail502, Method: "POST", PathPattern: "/assets$", Times: 100})
			}
		}
	}
	res, err := e.publish(o)
	if err == nil {
		t.Fatal("the publish did not fail")
	}
	var got []publish.Outcome
	for _, a := range res.Assets {
		got = append(got, a.Outcome)
	}
	want := []publish.Outcome{publish.OutcomeDone, publish.OutcomeDone, publish.OutcomeFailed}
	for range len(res.Assets) - 3 {
		want = append(want, publish.OutcomeNotAttempted)
	}
	if strings.Join(outcomeStrings(got), ",") != strings.Join(outcomeStrings(want), ",") {
		t.Errorf("outcomes %v, want %v", got, want)
	}
	if res.Assets[2].Error == "" || res.Outcome != publish.OutcomeFailed || !res.Draft {
		t.Errorf("result: %+v", res)
	}
}

func outcomeStrings(os []publish.Outcome) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = string(o)
	}
	return out
}
