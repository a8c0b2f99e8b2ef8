package cli

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/publish"
)

// fakeClock moves only when told to.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// TestProgress draws the same cut on a terminal and through a pipe: the
// terminal announces each step and bundle as it starts, shows the bytes
// written while it runs and the duration when done; the pipe gets one plain
// line per step, without control characters or times.
func TestProgress(t *testing.T) {
	const bundle = "atlas-4.3.0-from-4.2.0.tar.gz"
	run := func(p *progress, clock *fakeClock) {
		p.cut(cut.Event{Kind: cut.Started, Step: cut.StepValidate})
		clock.advance(1200 * time.Millisecond)
		p.cut(cut.Event{Kind: cut.Note, Step: cut.StepValidate, Message: "signing.publicKey is not set"})
		p.cut(cut.Event{Kind: cut.Done, Step: cut.StepValidate, Message: "ok; bundles from 4.2.0"})
		p.cut(cut.Event{Kind: cut.Skipped, Step: cut.StepRender})
		p.cut(cut.Event{Kind: cut.Started, Step: cut.StepBundle})
		p.cut(cut.Event{Kind: cut.Started, Step: cut.StepBundle, Item: bundle})
		clock.advance(90 * time.Second)
		p.cut(cut.Event{Kind: cut.Wrote, Step: cut.StepBundle, Item: bundle, Bytes: 3 << 20})
		p.cut(cut.Event{Kind: cut.Done, Step: cut.StepBundle, Item: bundle, Bytes: 3 << 20})
		p.cut(cut.Event{Kind: cut.Done, Step: cut.StepBundle, Message: bundle + " (3.0 MiB)"})
		p.stop()
	}
	for _, tc := range []struct {
		name   string
		tty    bool
		want   []string // in this order
		absent []string
	}{
		{name: "terminal", tty: true, want: []string{
			"• validate\n",
			"! validate signing.publicKey is not set\n",
			"✓ validate ok; bundles from 4.2.0 (1.2 s)\n",
			"- render skipped\n",
			"• bundle\n",
			"  • " + bundle + "\n",
			"bundle 1 min 30 s · " + bundle + " 3.0 MiB 1 min 30 s",
			"✓ " + bundle + " 3.0 MiB (1 min 30 s)\n",
			"✓ bundle " + bundle + " (3.0 MiB) (1 min 30 s)\n",
		}},
		{name: "pipe", want: []string{
			"validate  signing.publicKey is not set\nvalidate  ok; bundles from 4.2.0\nrender    skipped\nbundle    " + bundle + " (3.0 MiB)\n",
		}, absent: []string{"\x1b", "\r", " s)", "•", "MiB 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, _, errOut := TestIO()
			ios.StderrTTY, ios.Width = tc.tty, 200
			clock := &fakeClock{t: time.Date(2026, 3, 7, 9, 0, 0, 0, time.UTC)}
			run(newProgress(ios, clock.now, 0), clock)
			got := errOut.String()
			rest := got
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("no %q (in order) in\n%q", w, got)
				}
				rest = rest[i+len(w):]
			}
			for _, a := range tc.absent {
				if strings.Contains(got, a) {
					t.Errorf("%q in\n%q", a, got)
				}
			}
			if i := strings.LastIndex(got, "\n"); tc.tty && strings.Contains(got[i:], "⠋") {
				t.Errorf("the live line is left on the screen: %q", got)
			}
		})
	}
}

// TestProgressCutsOnlyTheLiveLine draws a cut and a publish on a narrow
// terminal: the live line is cut to the terminal's width, and the lines that
// stay on the screen (a step's summary, a bundle's size, a target's state, a
// note) are never cut, whatever their length: the terminal wraps them.
func TestProgressCutsOnlyTheLiveLine(t *testing.T) {
	const width = 40
	const bundle = "atlas-4.3.0-from-4.2.0.tar.gz"
	long := strings.Repeat(bundle+" (21.0 KiB), ", 3)
	for _, tc := range []struct {
		name string
		run  func(p *progress, clock *fakeClock)
		want []string // lines that stay on the screen, whole
	}{
		{name: "cut", run: func(p *progress, clock *fakeClock) {
			p.cut(cut.Event{Kind: cut.Started, Step: cut.StepValidate})
			p.cut(cut.Event{Kind: cut.Note, Step: cut.StepValidate, Message: long})
			p.cut(cut.Event{Kind: cut.Done, Step: cut.StepValidate, Message: "ok; bundles from 4.2.0, 4.1.0, 4.0.0 and an install bundle"})
			p.cut(cut.Event{Kind: cut.Started, Step: cut.StepBundle})
			p.cut(cut.Event{Kind: cut.Started, Step: cut.StepBundle, Item: bundle})
			clock.advance(26 * time.Millisecond)
			p.cut(cut.Event{Kind: cut.Wrote, Step: cut.StepBundle, Item: bundle, Bytes: 24883})
			p.cut(cut.Event{Kind: cut.Done, Step: cut.StepBundle, Item: bundle, Bytes: 24883})
			p.cut(cut.Event{Kind: cut.Done, Step: cut.StepBundle, Message: long})
		}, want: []string{
			"  ! validate " + long,
			"  ✓ validate ok; bundles from 4.2.0, 4.1.0, 4.0.0 and an install bundle (0 ms)",
			"  ✓ " + bundle + " 24.3 KiB (26 ms)",
			"  ✓ bundle " + long + " (26 ms)",
		}},
		{name: "publish", run: func(p *progress, clock *fakeClock) {
			zd := publish.TargetZendesk
			item := "4.3.0 release-notes de: update the translation of the article"
			p.publish(publish.Event{Kind: publish.Started, Target: zd})
			p.publish(publish.Event{Kind: publish.Started, Target: zd, Item: item})
			clock.advance(26 * time.Millisecond)
			p.publish(publish.Event{Kind: publish.Wrote, Target: zd, Item: item, Bytes: 24883})
			p.publish(publish.Event{Kind: publish.Done, Target: zd, Item: item})
			p.publish(publish.Event{Kind: publish.Done, Target: zd, Message: "done: 4 articles in 2 locales at https://contoso.zendesk.com/hc"})
		}, want: []string{
			"  ✓ 4.3.0 release-notes de: update the translation of the article (26 ms)",
			"  ✓ zendesk done: 4 articles in 2 locales at https://contoso.zendesk.com/hc (26 ms)",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, _, errOut := TestIO()
			ios.StderrTTY, ios.Width = true, width
			clock := &fakeClock{t: time.Date(2026, 3, 7, 9, 0, 0, 0, time.UTC)}
			p := newProgress(ios, clock.now, 0)
			tc.run(p, clock)
			p.stop()
			// A line that stays is one that ends in a newline; the live line
			// is drawn after an erase and erased again.
			var kept []string
			live := 0
			for line := range strings.SplitSeq(errOut.String(), "\n") {
				draws := strings.Split(line, "\r\x1b[K")
				for _, d := range draws[:len(draws)-1] {
					if d == "" {
						continue
					}
					live++
					if n := visibleWidth(d); n > width-1 {
						t.Errorf("the live line takes %d columns: %q", n, d)
					}
				}
				kept = append(kept, draws[len(draws)-1])
			}
			if live == 0 {
				t.Errorf("no live line was drawn:\n%q", errOut.String())
			}
			for _, want := range tc.want {
				if !slices.Contains(kept, want) {
					t.Errorf("no line %q in\n%s", want, strings.Join(kept, "\n"))
				}
			}
		})
	}
}

// TestProgressPublish draws a publish through the same code as a cut: on a
// terminal each target and each write is announced as it starts, the running
// writes are on the live line (with the bytes an upload has sent), and each
// prints its duration when done; a
// write that failed leaves the live line with its target. Through a pipe each
// write is one plain line, held until its target is over and listed by
// article whatever order the articles finished in, then the target's line.
func TestProgressPublish(t *testing.T) {
	const (
		notes = "4.3.0 release-notes de: update"
		guide = "4.3.0 upgrade-guide de: update"
		label = "4.3.0 release-notes: update labels"
	)
	run := func(p *progress, clock *fakeClock) {
		zd := publish.TargetZendesk
		p.publish(publish.Event{Kind: publish.Skipped, Target: publish.TargetGitHub, Message: "skipped: done in an earlier run"})
		p.publish(publish.Event{Kind: publish.Started, Target: zd})
		p.publish(publish.Event{Kind: publish.Started, Target: zd, Item: guide, Group: 1})
		p.publish(publish.Event{Kind: publish.Started, Target: zd, Item: notes, Group: 0})
		clock.advance(1500 * time.Millisecond)
		p.publish(publish.Event{Kind: publish.Wrote, Target: zd, Item: guide, Group: 1, Bytes: 3 << 20})
		p.publish(publish.Event{Kind: publish.Done, Target: zd, Item: guide, Group: 1})
		// Bytes read after the answer came draw nothing.
		p.publish(publish.Event{Kind: publish.Wrote, Target: zd, Item: guide, Group: 1, Bytes: 4 << 20})
		clock.advance(time.Second)
		p.publish(publish.Event{Kind: publish.Done, Target: zd, Item: notes, Group: 0})
		p.publish(publish.Event{Kind: publish.Started, Target: zd, Item: label, Group: 0})
		p.publish(publish.Event{Kind: publish.Done, Target: zd, Message: "failed"})
		p.stop()
	}
	for _, tc := range []struct {
		name   string
		tty    bool
		want   []string // in this order
		absent []string
	}{
		{name: "terminal", tty: true, want: []string{
			"- github skipped: done in an earlier run\n",
			"• zendesk\n",
			"  • " + guide + "\n",
			"  • " + notes + "\n",
			"⠋ zendesk 0 ms · " + guide + " 0 ms · " + notes + " 0 ms",
			"⠋ zendesk 1.5 s · " + guide + " 3.0 MiB 1.5 s · " + notes + " 1.5 s",
			"  ✓ " + guide + " (1.5 s)\n",
			"⠋ zendesk 1.5 s · " + notes + " 1.5 s",
			"  ✓ " + notes + " (2.5 s)\n",
			"  • " + label + "\n",
			"⠋ zendesk 2.5 s · " + label + " 0 ms",
			"  ✗ zendesk failed (2.5 s)\n",
		}, absent: []string{"✓ " + label, "✓ zendesk", "4.0 MiB"}},
		{name: "pipe", want: []string{
			"github    skipped: done in an earlier run\nzendesk   " + notes + "\nzendesk   " + guide + "\nzendesk   failed\n",
		}, absent: []string{"\x1b", "\r", " s)", "•", label, "MiB"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, _, errOut := TestIO()
			ios.StderrTTY, ios.Width = tc.tty, 200
			clock := &fakeClock{t: time.Date(2026, 3, 7, 9, 0, 0, 0, time.UTC)}
			run(newProgress(ios, clock.now, 0), clock)
			got := errOut.String()
			rest := got
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("no %q (in order) in\n%q", w, got)
				}
				rest = rest[i+len(w):]
			}
			for _, a := range tc.absent {
				if strings.Contains(got, a) {
					t.Errorf("%q in\n%q", a, got)
				}
			}
			if tc.tty && strings.Contains(rest, label) {
				t.Errorf("the failed write stays on the live line after its target: %q", rest)
			}
			if !tc.tty && got != tc.want[0] {
				t.Errorf("pipe got\n%q\nwant\n%q", got, tc.want[0])
			}
		})
	}
}

// TestProgressIgnoresLateBytes draws nothing for the bytes of an upload read
// after its item was over or the progress stopped: the HTTP transport may
// still read a body after the answer came.
func TestProgressIgnoresLateBytes(t *testing.T) {
	const item = "atlas-4.3.0-install.tar.gz: upload"
	for _, tc := range []struct {
		name string
		end  func(p *progress)
	}{
		{"after its target", func(p *progress) {
			p.publish(publish.Event{Kind: publish.Done, Target: publish.TargetGitHub, Message: publish.StateFailed})
		}},
		{"after stop", func(p *progress) { p.stop() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, _, errOut := TestIO()
			ios.StderrTTY, ios.Width = true, 200
			p := newProgress(ios, time.Now, 0)
			p.publish(publish.Event{Kind: publish.Started, Target: publish.TargetGitHub})
			p.publish(publish.Event{Kind: publish.Started, Target: publish.TargetGitHub, Item: item})
			tc.end(p)
			before := errOut.String()
			p.publish(publish.Event{Kind: publish.Wrote, Target: publish.TargetGitHub, Item: item, Bytes: 1 << 20})
			p.stop()
			if after := errOut.String(); strings.Contains(after[len(before):], "MiB") {
				t.Errorf("late bytes drawn: %q", after[len(before):])
			}
		})
	}
}

// syncBuffer is a buffer the spinner's goroutine and the test may share.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestProgressSpins moves the spinner of a long step while nothing else
// happens, and stops when told.
func TestProgressSpins(t *testing.T) {
	ios, _, _, _ := TestIO()
	buf := &syncBuffer{}
	ios.ErrOut, ios.StderrTTY = buf, true
	p := newProgress(ios, time.Now, time.Millisecond)
	p.cut(cut.Event{Kind: cut.Started, Step: cut.StepValidate})
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(buf.String(), spinner[2]) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	p.stop()
	if !strings.Contains(buf.String(), spinner[2]) {
		t.Fatalf("the spinner did not move: %q", buf.String())
	}
	after := buf.String()
	time.Sleep(5 * time.Millisecond)
	if buf.String() != after || !strings.HasSuffix(after, "\r\x1b[K") {
		t.Errorf("drawn after stop, or the live line left: %q", buf.String()[len(after)-20:])
	}
}
