package publish_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/publish"
	"github.com/atlas-release/atlas-release/zendesk"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

// live lists the articles that are not archived, by identity label, and counts
// the archived ones.
func live(st *zendesktest.State) (map[string][]int64, int) {
	out := map[string][]int64{}
	archived := 0
	for id, a := range st.Articles {
		if a.Archived {
			archived++
			continue
		}
		for _, l := range a.LabelNames {
			if strings.HasPrefix(l, "atlas-release-notes-") || strings.HasPrefix(l, "atlas-upgrade-guide-") {
				out[l] = append(out[l], id)
			}
		}
	}
	return out, archived
}

// slowOptions are the options of a publish whose client gives up on a request
// after 40 ms (of real time; every other wait is on the fake clock), one article
// at a time so that the timing of each case is exact.
func (e *env) slowOptions(versions ...string) publish.ZendeskOptions {
	e.t.Helper()
	o := e.options(versions...)
	client, err := zendesk.New(zendesk.Options{BaseURL: e.srv.URL, Credentials: zendesk.BearerToken(token),
		Clock: e.clock.Now, Sleep: e.clock.Sleep, RequestTimeout: 40 * time.Millisecond})
	if err != nil {
		e.t.Fatal(err)
	}
	o.Client, o.Concurrency = client, 1
	return o
}

// TestSlowCreatesNeverLeaveTwoArticles: a create that commits after the client
// gave up — before the look-up, between look-ups, during the rest of the run,
// after the run, after a run that failed — never leaves two live articles of
// one identity: the same run or the next archives the younger orphan, and the
// help center converges to one article per kind, version and locale.
func TestSlowCreatesNeverLeaveTwoArticles(t *testing.T) {
	for name, c := range map[string]struct {
		delay time.Duration
		// afterCreate runs when the run reports its first article create.
		afterCreate func(e *env)
		// between runs between the first run and the next.
		between func(e *env)
		// failFirst makes the first run fail after its creates.
		failFirst bool
		// creates is the number of article creates the first run sends: 4
		// articles, 5 when one was made again after the look-ups missed it.
		creates, archived int
	}{
		"lands before the first look-up": {delay: 0, creates: 4},
		"lands between look-ups":         {delay: 2 * time.Second, creates: 4},
		"lands at the last look-up":      {delay: 31 * time.Second, creates: 4},
		"lands later in the same run": {delay: time.Hour, creates: 5, archived: 1,
			afterCreate: func(e *env) { _ = e.clock.Sleep(e.t.Context(), 2*time.Hour) }},
		"lands after the run": {delay: time.Hour, creates: 5, archived: 1,
			between: func(e *env) { e.srv.CommitLate() }},
		"lands after a run that failed": {delay: time.Hour, creates: 5, archived: 1, failFirst: true,
			between: func(e *env) { e.srv.ClearFaults(); e.srv.CommitLate() }},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, zendesktest.Config{})
			e.srv.Inject(zendesktest.Fault{Kind: zendesktest.LateCommit, Method: "POST", PathPattern: "/articles$", Delay: c.delay})
			if c.failFirst {
				e.srv.Inject(zendesktest.Fault{Kind: zendesktest.Fail500, Method: "PUT", PathPattern: "/translations/", Times: 100})
			}
			o := e.slowOptions("4.2.0", "4.3.0")
			once := false
			o.OnWrite = func(w publish.Write) {
				if w.Action == "create article" && !once && c.afterCreate != nil {
					once = true
					c.afterCreate(e)
				}
			}
			res, err := e.publish(o)
			if (err != nil) != c.failFirst {
				t.Fatalf("first run: %v", err)
			}
			creates := 0
			for _, r := range e.srv.Requests() {
				if r.Method == "POST" && strings.HasSuffix(r.Path, "/articles") {
					creates++
				}
			}
			if creates != c.creates {
				t.Errorf("%d article creates, want %d", creates, c.creates)
			}
			if c.afterCreate != nil {
				dups := 0
				for _, a := range res.Articles {
					for _, d := range a.Duplicates {
						if d.Outcome == publish.OutcomeDone {
							dups++
						}
					}
				}
				if dups != 1 {
					t.Errorf("the run archived %d duplicates, want 1: %+v", dups, res.Articles)
				}
			}
			if c.between != nil {
				c.between(e)
				if _, err := e.publish(e.slowOptions("4.2.0", "4.3.0")); err != nil {
					t.Fatalf("second run: %v", err)
				}
			}
			if n := e.srv.PendingLateCommits(); n != 0 {
				t.Fatalf("%d late commits never landed", n)
			}
			byIdentity, archived := live(e.srv.Snapshot())
			if len(byIdentity) != 4 || archived != c.archived {
				t.Errorf("identities %v, %d archived, want 4 and %d", byIdentity, archived, c.archived)
			}
			for identity, ids := range byIdentity {
				if len(ids) != 1 {
					t.Errorf("%s: %d live articles", identity, len(ids))
				}
			}
			e.srv.ResetLog()
			if _, err := e.publish(e.slowOptions("4.2.0", "4.3.0")); err != nil || e.srv.Writes() != 0 {
				t.Errorf("converged state: %v, %d writes: %v", err, e.srv.Writes(), e.srv.Requests())
			}
		})
	}
}

// TestSlowTranslationCreatesConverge: a translation create that commits late
// is found by a look-up, refused when made again (the locale is taken) and
// then found, or refused itself when it lands after the second create.
func TestSlowTranslationCreatesConverge(t *testing.T) {
	for name, faults := range map[string][]zendesktest.Fault{
		"lands between look-ups": {{Kind: zendesktest.LateCommit, Method: "POST", PathPattern: "/translations$", Delay: 3 * time.Second}},
		"lands after the run":    {{Kind: zendesktest.LateCommit, Method: "POST", PathPattern: "/translations$", Delay: time.Hour}},
		"look-ups lag, the second create is refused": {
			{Kind: zendesktest.LateCommit, Method: "POST", PathPattern: "/translations$"},
			{Kind: zendesktest.EmptyList, Method: "GET", PathPattern: "/translations$", Times: 6},
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, zendesktest.Config{})
			for _, f := range faults {
				e.srv.Inject(f)
			}
			if _, err := e.publish(e.slowOptions("4.3.0")); err != nil {
				t.Fatal(err)
			}
			e.srv.CommitLate()
			if n := e.srv.PendingFaults(); n != 0 {
				t.Errorf("%d faults never fired", n)
			}
			e.checkHelpCenter(map[string][]string{"atlas-release-notes-4.3.0": {"de", "en-us"}, "atlas-upgrade-guide-4.3.0": {"de", "en-us"}})
			e.srv.ResetLog()
			if _, err := e.publish(e.slowOptions("4.3.0")); err != nil || e.srv.Writes() != 0 {
				t.Errorf("converged state: %v, %d writes", err, e.srv.Writes())
			}
		})
	}
}

// TestFinishedDuplicatesAreNotArchived: an orphan is archived only when no run
// finished it and nobody published it; a younger orphan is archived even when
// the older article was finished, and a dry run only reports it.
func TestFinishedDuplicatesAreNotArchived(t *testing.T) {
	e := newEnv(t, zendesktest.Config{})
	e.mustPublish("4.3.0")
	var orphan int64
	e.srv.Edit(func(st *zendesktest.State) {
		for id, a := range st.Articles {
			if slices.Contains(a.LabelNames, "atlas-release-notes-4.3.0") {
				dup := *a
				dup.ID, dup.CreatedAt = id+100000, a.CreatedAt.Add(time.Minute)
				dup.LabelNames = slices.DeleteFunc(slices.Clone(a.LabelNames), func(l string) bool { return strings.HasPrefix(l, "atlas-release-fp-") })
				st.Articles[dup.ID] = &dup
				tr := *st.Translations[id][0]
				tr.Draft = true
				st.Translations[dup.ID] = []*zendesktest.Translation{&tr}
				orphan = dup.ID
				return
			}
		}
	})
	dry := e.options("4.3.0")
	dry.DryRun = true
	res, err := e.publish(dry)
	if err != nil || e.srv.Snapshot().Articles[orphan].Archived {
		t.Fatalf("dry run: %v", err)
	}
	if d := res.Articles[0].Duplicates; len(d) != 1 || d[0].ID != orphan || d[0].Outcome != publish.OutcomePlanned {
		t.Errorf("dry run duplicates: %+v", res.Articles[0])
	}
	if _, err := e.publish(e.options("4.3.0")); err != nil {
		t.Fatal(err)
	}
	if !e.srv.Snapshot().Articles[orphan].Archived {
		t.Error("the orphan was not archived")
	}
	// Published by someone: not an orphan any more; refused, nothing written.
	e.srv.Edit(func(st *zendesktest.State) {
		st.Articles[orphan].Archived = false
		st.Translations[orphan][0].Draft = false
	})
	e.srv.ResetLog()
	if _, err := e.publish(e.options("4.3.0")); err == nil || !strings.Contains(err.Error(), "archive the ones") || e.srv.Writes() != 0 {
		t.Errorf("a published duplicate: %v, %d writes", err, e.srv.Writes())
	}
}
