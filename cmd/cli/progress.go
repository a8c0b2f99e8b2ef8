package cli

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/internal/human"
	"github.com/atlas-release/atlas-release/publish"
)

// progress shows long work on standard error, goreleaser style, and is the one
// way the CLI draws it, for a cut and for a publish alike. On a terminal each
// step is announced as it starts, a live line under the finished ones shows a
// spinner with what is running (and the bytes written or sent so far), and a
// finished step prints how long it took; only the live line is cut to the
// terminal's width, the lines that stay wrap. Elsewhere a step is one plain line
// once it is over: no control characters and no times, so logs and tests see
// the same text on every run. The writes of a publish, which run
// side by side, are listed there too, held until their target is over and then
// in the plan's order, not in the order they happened to finish.
type progress struct {
	ios *IOStreams
	now func() time.Time

	mu       sync.Mutex
	running  []*task // in the order they started
	held     []heldLine
	frame    int
	drawn    bool // the live line is on the screen
	stopped  chan struct{}
	stopOnce sync.Once
	ticker   sync.WaitGroup
}

// task is a step, or an item of a step, that is running.
type task struct {
	key, label string
	start      time.Time
	bytes      int64
}

// heldLine is a plain line of a finished item, printed when its step is over.
type heldLine struct {
	group int
	line  string
}

// spinner is the frames of the live line's spinner.
var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// newProgress starts drawing on ios; tick is how often the live line moves
// on a terminal (0: only when something happens). Stop it with stop.
func newProgress(ios *IOStreams, now func() time.Time, tick time.Duration) *progress {
	p := &progress{ios: ios, now: now, stopped: make(chan struct{})}
	if ios.StderrTTY && tick > 0 {
		p.ticker.Add(1)
		go func() {
			defer p.ticker.Done()
			t := time.NewTicker(tick)
			defer t.Stop()
			for {
				select {
				case <-p.stopped:
					return
				case <-t.C:
					p.mu.Lock()
					p.frame++
					p.redraw()
					p.mu.Unlock()
				}
			}
		}()
	}
	return p
}

// progressTick is how often a terminal's spinner moves.
const progressTick = 100 * time.Millisecond

// start announces a step, or an item of one (indented under its step).
func (p *progress) start(key, label string, item bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running = append(p.running, &task{key: key, label: label, start: p.now()})
	indent := ""
	if item {
		indent = "  "
	}
	p.println(indent + p.ios.Cyan("•") + " " + label)
}

// wrote records the bytes an item has written (or sent) so far. A report of
// an item that is over changes nothing: an upload's body may still be read
// after its answer came, even after the progress stopped.
func (p *progress) wrote(key string, n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, t := range p.running {
		if t.key == key {
			t.bytes = n
			p.redraw()
		}
	}
}

// finish says a step or an item is over, and what it did; one that failed is
// marked ✗, not ✓. A step is also a plain line when standard error is not a
// terminal; an item is not.
func (p *progress) finish(key, label, message string, step, failed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	elapsed := p.over(key, step)
	if !p.ios.StderrTTY {
		if step {
			p.flush()
			fmt.Fprintln(p.ios.ErrOut, plainLine(label, message))
		}
		return
	}
	// A line that stays on the screen is never cut, only the live line is: a
	// cut summary loses what it says ("24.3 …"), a long one wraps.
	took := "(" + human.Duration(elapsed) + ")"
	if message != "" {
		label += " " + message
	}
	mark := p.ios.Green("✓")
	if failed {
		mark = p.ios.Red("✗")
	}
	p.println("  " + mark + " " + label + " " + p.ios.Dim(took))
}

// finishListed says an item is over that is also listed when standard error
// is not a terminal: held until its step is over, then printed with the
// step's others, by group.
func (p *progress) finishListed(key, label, plain string, group int) {
	if p.ios.StderrTTY {
		p.finish(key, label, "", false, false)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.over(key, false)
	p.held = append(p.held, heldLine{group: group, line: plain})
}

// over takes a step or an item off the running ones, and says how long it
// ran. A step takes its items with it: an item that failed is never done.
func (p *progress) over(key string, step bool) time.Duration {
	var elapsed time.Duration
	p.running = slices.DeleteFunc(p.running, func(t *task) bool {
		if t.key == key {
			elapsed = p.now().Sub(t.start)
			return true
		}
		return step && strings.HasPrefix(t.key, key+"/")
	})
	return elapsed
}

// flush prints the held lines, by group, each group's in the order they came.
func (p *progress) flush() {
	slices.SortStableFunc(p.held, func(a, b heldLine) int { return cmp.Compare(a.group, b.group) })
	for _, h := range p.held {
		fmt.Fprintln(p.ios.ErrOut, h.line)
	}
	p.held = nil
}

// plainLine is a step's line when standard error is not a terminal.
func plainLine(label, message string) string {
	return strings.TrimRight(fmt.Sprintf("%-9s %s", label, message), " ")
}

// skip says a step does not run, and why ("skipped" when message is empty).
func (p *progress) skip(label, message string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if message == "" {
		message = "skipped"
	}
	if !p.ios.StderrTTY {
		p.flush()
		fmt.Fprintln(p.ios.ErrOut, plainLine(label, message))
		return
	}
	p.println(p.ios.Dim("- " + label + " " + message))
}

// note says something the user should know, terminal or not.
func (p *progress) note(label, message string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.ios.StderrTTY {
		fmt.Fprintf(p.ios.ErrOut, "%-9s %s\n", label, message)
		return
	}
	p.println("  " + p.ios.Yellow("!") + " " + label + " " + message)
}

// cut reports the events of a cut.
func (p *progress) cut(e cut.Event) {
	key, label := e.Step, e.Step
	if e.Item != "" {
		key, label = e.Step+"/"+e.Item, e.Item
	}
	switch e.Kind {
	case cut.Started:
		p.start(key, label, e.Item != "")
	case cut.Wrote:
		p.wrote(key, e.Bytes)
	case cut.Done:
		message := e.Message
		if e.Item != "" {
			message = human.Size(e.Bytes)
		}
		p.finish(key, label, message, e.Item == "", false)
	case cut.Skipped:
		p.skip(label, "")
	case cut.Note:
		p.note(label, e.Message)
	}
}

// publish reports the events of a publish: each target is a step, each write
// an item of it.
func (p *progress) publish(e publish.Event) {
	key, label := e.Target, e.Target
	if e.Item != "" {
		key, label = e.Target+"/"+e.Item, e.Item
	}
	switch e.Kind {
	case publish.Started:
		p.start(key, label, e.Item != "")
	case publish.Wrote:
		p.wrote(key, e.Bytes)
	case publish.Done:
		if e.Item == "" {
			p.finish(key, label, e.Message, true, e.Message == publish.StateFailed)
			return
		}
		p.finishListed(key, label, plainLine(e.Target, e.Item), e.Group)
	case publish.Skipped:
		p.skip(label, e.Message)
	}
}

// stop clears the live line and stops its spinner; calls after the first do
// nothing, so a command may defer it and also stop before it prints.
func (p *progress) stop() {
	p.stopOnce.Do(func() { close(p.stopped) })
	p.ticker.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running = nil // nothing is drawn for it any more
	p.clear()
	p.flush()
}

// println prints a permanent line above the live line (only on a terminal).
func (p *progress) println(line string) {
	if !p.ios.StderrTTY {
		return
	}
	p.clear()
	fmt.Fprintln(p.ios.ErrOut, line)
	p.redraw()
}

func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.ios.ErrOut, "\r\x1b[K")
		p.drawn = false
	}
}

// redraw draws the live line: the spinner and what is running, cut to the
// terminal's width.
func (p *progress) redraw() {
	if !p.ios.StderrTTY {
		return
	}
	var parts []string
	for _, t := range p.running {
		part := t.label
		if t.bytes > 0 {
			part += " " + human.Size(t.bytes)
		}
		parts = append(parts, part+" "+human.Duration(p.now().Sub(t.start)))
	}
	if len(parts) == 0 {
		p.clear()
		return
	}
	line := spinner[p.frame%len(spinner)] + " " + strings.Join(parts, " · ")
	fmt.Fprint(p.ios.ErrOut, "\r\x1b[K"+truncate(line, p.ios.width()-1))
	p.drawn = true
}
