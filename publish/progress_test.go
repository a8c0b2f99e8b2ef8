package publish_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/ghrelease/ghreleasetest"
	"github.com/atlas-release/atlas-release/publish"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/zendesk"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

// events records a publish's progress, and fails the test when two calls
// overlap.
type events struct {
	t      *testing.T
	inside atomic.Int32
	list   []publish.Event
}

func (r *events) report(e publish.Event) {
	if r.inside.Add(1) != 1 {
		r.t.Errorf("a call of Progress overlaps another: %+v", e)
	}
	runtime.Gosched() // let another writer try to come in
	r.list = append(r.list, e)
	r.inside.Add(-1)
}

// check asserts that every write of target is announced before it is done,
// and is done once, and that dones counts them all; it returns the writes'
// lines.
func (r *events) check(target string, dones int64) []string {
	r.t.Helper()
	running := map[string]bool{}
	var done []string
	for _, e := range r.list {
		if e.Target != target || e.Item == "" {
			continue
		}
		key := fmt.Sprint(e.Group, e.Item)
		switch e.Kind {
		case publish.Wrote:
			if !running[key] {
				r.t.Errorf("%s sent %d bytes while not running", key, e.Bytes)
			}
		case publish.Started:
			if running[key] {
				r.t.Errorf("%s started twice", key)
			}
			running[key] = true
		case publish.Done:
			if !running[key] {
				r.t.Errorf("%s done before it started", key)
			}
			delete(running, key)
			done = append(done, e.Item)
		default:
			r.t.Errorf("a write reported as %v: %+v", e.Kind, e)
		}
	}
	if len(running) > 0 {
		r.t.Errorf("started, never done: %v", running)
	}
	if int64(len(done)) != dones {
		r.t.Errorf("%d writes reported done, want %d:\n%s", len(done), dones, strings.Join(done, "\n"))
	}
	return done
}

// TestZendeskReportsEveryWrite publishes several versions, articles written
// side by side, against the emulator: every write is reported started, then
// done, one call at a time.
func TestZendeskReportsEveryWrite(t *testing.T) {
	e := newEnv(t, zendesktest.Config{})
	r := &events{t: t}
	o := e.options("4.1.0", "4.2.0", "4.3.0")
	o.Progress, o.Concurrency = r.report, 4
	res, err := e.publish(o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Writes == 0 || res.Writes != int64(e.srv.Writes()) {
		t.Fatalf("%d writes, the emulator saw %d", res.Writes, e.srv.Writes())
	}
	r.check(publish.TargetZendesk, res.Writes)
}

// TestGitHubReportsEveryWrite publishes a cut to the fake: the create, each
// upload (with the bytes sent) and the publish are reported started, then
// done.
func TestGitHubReportsEveryWrite(t *testing.T) {
	e := newGHEnv(t, ghreleasetest.Config{})
	r := &events{t: t}
	o := e.options(ghToken)
	o.Progress = r.report
	res, err := e.publish(o)
	if err != nil {
		t.Fatal(err)
	}
	done := r.check(publish.TargetGitHub, res.Writes)
	if len(done) != len(e.cut.Files)+2 || done[0] != "v4.3.0: create draft release" || done[len(done)-1] != "v4.3.0: publish release" {
		t.Errorf("writes %q", done)
	}
	// Each upload reports its bytes as they are sent, up to the file's size.
	sent := map[string]int64{}
	for _, ev := range r.list {
		if ev.Kind == publish.Wrote {
			if ev.Bytes <= sent[ev.Item] {
				t.Errorf("%s: %d bytes sent after %d", ev.Item, ev.Bytes, sent[ev.Item])
			}
			sent[ev.Item] = ev.Bytes
		}
	}
	for _, f := range e.cut.Files {
		if got := sent[f.Name+": upload"]; got != f.Size {
			t.Errorf("%s: %d bytes reported sent, want %d", f.Name, got, f.Size)
		}
	}
}

// TestReleaseReportsTargets publishes a cut to both targets, then again: each
// target is started and done around its writes, then skipped.
func TestReleaseReportsTargets(t *testing.T) {
	g := newGHEnv(t, ghreleasetest.Config{})
	zd := zendesktest.New(helpCenter(), zendesktest.Config{Tokens: []string{token}, Clock: g.clock.Now})
	defer zd.Close()
	run := func() []publish.Event {
		gh := g.options(ghToken)
		client, err := zendesk.New(zendesk.Options{BaseURL: zd.URL, Credentials: zendesk.BearerToken(token), Clock: g.clock.Now, Sleep: g.clock.Sleep})
		if err != nil {
			t.Fatal(err)
		}
		set, _ := templates.Load(g.ws.FS)
		r := &events{t: t}
		_, err = publish.Release(t.Context(), publish.ReleaseOptions{Cut: g.cut, GitHub: &gh, Progress: r.report,
			Zendesk: &publish.ZendeskOptions{Workspace: g.ws, Templates: set, Client: client,
				Versions: []*semver.Version{semver.MustParse("4.3.0")}, Generator: "test"}})
		if err != nil {
			t.Fatal(err)
		}
		return r.list
	}
	// The targets' events, and where each write falls.
	outline := func(list []publish.Event) string {
		var b strings.Builder
		for _, e := range list {
			switch {
			case e.Item == "":
				fmt.Fprintf(&b, "%v %s %s|", e.Kind, e.Target, e.Message)
			case e.Kind == publish.Done:
				b.WriteString(e.Target[:1])
			}
		}
		return b.String()
	}
	writes := strings.Repeat("g", len(g.cut.Files)+2)
	for _, tc := range []struct{ name, want string }{
		{"first", fmt.Sprintf("%v github |%s%v github done|%v zendesk |%s%v zendesk done|",
			publish.Started, writes, publish.Done, publish.Started, "zzzzzzzzzz", publish.Done)},
		{"again", fmt.Sprintf("%v github skipped: done in an earlier run|%v zendesk skipped: done in an earlier run|",
			publish.Skipped, publish.Skipped)},
	} {
		if got := outline(run()); got != tc.want {
			t.Errorf("%s run:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
