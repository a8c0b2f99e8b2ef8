package upgrades_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/internal/flock"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/upgrades"
	"github.com/atlas-release/atlas-release/zendesk"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

// scheduleWith schedules fabrikam's upgrade to 4.3.0 on a day, with a client
// that gives up on a request after timeout and the lock given (nil: none).
func (e *env) scheduleWith(ws *releases.Workspace, date string, timeout time.Duration,
	lock func(context.Context, string) (func(), error)) (*upgrades.ScheduleResult, error) {
	e.t.Helper()
	client, err := zendesk.New(zendesk.Options{BaseURL: e.srv.URL, Credentials: zendesk.BearerToken("tok"), Clock: e.clock.Now, Sleep: e.clock.Sleep,
		RequestTimeout: timeout})
	if err != nil {
		e.t.Fatal(err)
	}
	set, err := templates.Load(ws.FS)
	if err != nil {
		e.t.Fatal(err)
	}
	d, err := releases.ParseDate(date)
	if err != nil {
		e.t.Fatal(err)
	}
	return upgrades.Schedule(context.Background(), upgrades.ScheduleOptions{Workspace: ws, Templates: set, Client: client,
		Customer: "fabrikam", To: semver.MustParse("4.3.0"), Date: d, Generator: "test", Lock: lock})
}

// open lists the tickets that still carry the upgrade's external id; the
// others must be solved duplicates.
func (e *env) open(t *testing.T) []*zendesktest.Ticket {
	t.Helper()
	var out []*zendesktest.Ticket
	for _, tk := range e.tickets() {
		if tk.ExternalID == "atlas-upgrade-fabrikam-4.3.0" {
			out = append(out, tk)
		} else if tk.Status != "solved" || !containsTag(tk.Tags, "atlas-release") {
			t.Errorf("ticket %d: external id %s, status %s", tk.ID, tk.ExternalID, tk.Status)
		}
	}
	return out
}

func containsTag(tags []string, tag string) bool {
	for _, t := range tags {
		if t == tag {
			return true
		}
	}
	return false
}

func fileLock(dir string) func(context.Context, string) (func(), error) {
	return func(ctx context.Context, key string) (func(), error) {
		l, err := flock.Wait(ctx, filepath.Join(dir, key+".lock"))
		if err != nil {
			return nil, err
		}
		return func() { _ = l.Unlock() }, nil
	}
}

// TestConcurrentSchedulesOpenOneTicket races two schedules of one upgrade (for
// two days, so their idempotency keys differ) against an emulator slow enough
// that both look up before either creates. With the lock, the second waits and
// finds the first's ticket; without it (two machines), the check after the
// create solves the younger ticket as a duplicate. Either way one ticket
// carries the external id.
func TestConcurrentSchedulesOpenOneTicket(t *testing.T) {
	for _, locked := range []bool{true, false} {
		name := "two machines"
		if locked {
			name = "one workspace, locked"
		}
		t.Run(name, func(t *testing.T) {
			for round := range 3 {
				e := newEnv(t)
				e.srv.SetLatency(15 * time.Millisecond)
				ws := workspace(t, nil)
				var lock func(context.Context, string) (func(), error)
				if locked {
					lock = fileLock(t.TempDir())
				}
				var wg sync.WaitGroup
				errs := make([]error, 2)
				for i, date := range []string{"2026-12-08", "2026-12-15"} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, errs[i] = e.scheduleWith(ws, date, 5*time.Second, lock)
					}()
				}
				wg.Wait()
				for _, err := range errs {
					if err != nil {
						t.Fatal(err)
					}
				}
				if open := e.open(t); len(open) != 1 {
					t.Fatalf("round %d: %d tickets with the external id", round, len(open))
				}
				if locked && len(e.tickets()) != 1 {
					t.Errorf("round %d: locked runs created %d tickets", round, len(e.tickets()))
				}
			}
		})
	}
}

// TestSlowTicketCreatesOpenOneTicket: a ticket create that commits after the
// client gave up — before its retry, after it, after the idempotency key
// expired — leaves one ticket with the external id.
func TestSlowTicketCreatesOpenOneTicket(t *testing.T) {
	for name, c := range map[string]struct {
		delay time.Duration
		after func(e *env)
	}{
		"lands before the retry":            {delay: 0},
		"lands after the retry":             {delay: time.Hour, after: func(e *env) { e.srv.CommitLate() }},
		"lands after the key expired":       {delay: 3 * time.Hour, after: func(e *env) { _ = e.clock.Sleep(context.Background(), 3*time.Hour); e.srv.CommitLate() }},
		"lands after the key expired, late": {delay: 5 * time.Hour, after: func(e *env) { _ = e.clock.Sleep(context.Background(), 6*time.Hour) }},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			ws := workspace(t, nil)
			e.srv.Inject(zendesktest.Fault{Kind: zendesktest.LateCommit, Method: "POST", PathPattern: "/tickets$", Delay: c.delay})
			res, err := e.scheduleWith(ws, "2026-12-08", 40*time.Millisecond, nil)
			if err != nil || res.Ticket.Action != upgrades.TicketCreated {
				t.Fatalf("%+v %v", res, err)
			}
			if c.after != nil {
				c.after(e)
			}
			// The next run (the late create, if still pending, lands first).
			res, err = e.scheduleWith(ws, "2026-12-08", 40*time.Millisecond, nil)
			if err != nil || res.Ticket.Action != upgrades.TicketFound {
				t.Fatalf("re-run: %+v %v", res, err)
			}
			if e.srv.PendingLateCommits() != 0 {
				t.Fatal("the late create never landed")
			}
			if open := e.open(t); len(open) != 1 || open[0].ID != res.Ticket.ID {
				t.Errorf("%d tickets with the external id; result %d", len(open), res.Ticket.ID)
			}
		})
	}
}
