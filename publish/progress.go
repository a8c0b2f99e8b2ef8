package publish

import (
	"io"
	"sync"
)

// EventKind says what an Event reports.
type EventKind int

// The kinds of event, in the order a target or a write goes through them.
const (
	// Started: a target, or a write of one, begins.
	Started EventKind = iota
	// Wrote: Bytes of an upload have been sent so far (counted again from
	// zero when the upload is tried again).
	Wrote
	// Done: the target or the write is over; Message sums up a target.
	Done
	// Skipped: the target does not run; Message says why.
	Skipped
)

// Event is one report of a publish's progress, shaped like a cut's: the
// caller, which knows the clock and the terminal, draws it and measures how
// long each step took. A write that fails is never reported Done: the Done of
// its target follows, saying it failed.
type Event struct {
	Kind EventKind
	// Target is TargetGitHub or TargetZendesk.
	Target string
	// Item names a write, e.g. "4.3.0 release-notes de: update"; empty for
	// the target as a whole.
	Item string
	// Group is the article a ZenDesk write belongs to, in plan order. The
	// writes of a group are made one after another; groups may be written side
	// by side, so their events interleave in no set order: sorting finished
	// writes by Group (keeping their order within a group) lists them the same
	// way on every run.
	Group   int
	Bytes   int64
	Message string
}

// writer runs the writes of one target and reports them. Its copies for the
// groups of a target share one lock, so that reports never overlap.
type writer struct {
	target   string
	group    int
	progress func(Event)
	onWrite  func(Write)
	mu       *sync.Mutex
}

func newWriter(target string, progress func(Event), onWrite func(Write)) *writer {
	return &writer{target: target, progress: progress, onWrite: onWrite, mu: new(sync.Mutex)}
}

// inGroup is the writer of one group of writes.
func (w *writer) inGroup(group int) *writer {
	g := *w
	g.group = group
	return &g
}

// start reports that a write begins; wrote reports it done with the same
// item and action.
func (w *writer) start(item, action string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.progress != nil {
		w.progress(Event{Kind: Started, Target: w.target, Item: item + ": " + action, Group: w.group})
	}
}

// sending counts the bytes read from the files that open opens, reporting
// them as sent for the write of item and action: an upload's body is read as
// it is sent.
func (w *writer) sending(item, action string, open func() (io.ReadCloser, error)) func() (io.ReadCloser, error) {
	if w.progress == nil {
		return open
	}
	return func() (io.ReadCloser, error) {
		r, err := open()
		if err != nil {
			return nil, err
		}
		return &countingReader{ReadCloser: r, report: func(n int64) {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.progress(Event{Kind: Wrote, Target: w.target, Item: item + ": " + action, Group: w.group, Bytes: n})
		}}, nil
	}
}

// countingReader reports the bytes read so far.
type countingReader struct {
	io.ReadCloser
	n      int64
	report func(n int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	if n > 0 {
		c.n += int64(n)
		c.report(c.n)
	}
	return n, err
}

// wrote reports a completed write.
func (w *writer) wrote(wr Write) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.progress != nil {
		w.progress(Event{Kind: Done, Target: w.target, Item: wr.Item + ": " + wr.Action, Group: w.group})
	}
	if w.onWrite != nil {
		w.onWrite(wr)
	}
}

// serialized makes the calls of progress one at a time, whoever makes them.
func serialized(progress func(Event)) func(Event) {
	if progress == nil {
		return nil
	}
	var mu sync.Mutex
	return func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		progress(e)
	}
}
