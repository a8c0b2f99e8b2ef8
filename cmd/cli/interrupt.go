package cli

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/signal"
	"slices"
	"sync"
	"syscall"
	"time"
)

// interruptGrace is how long a command has, after the first Ctrl-C, to notice
// its cancelled context and clean up (a cut removes its temporary folder)
// before the process ends anyway: a read blocked in a system call, such as a
// passphrase read from a pipe or a file on a hung network file system, never
// sees the context. Well under a second, so that Ctrl-C always ends the tool
// within one.
const interruptGrace = 500 * time.Millisecond

// handleInterrupts cancels the returned context at the first SIGINT or
// SIGTERM, then ends the process with f.Exit if the command has not returned
// interruptGrace later, or at once on a second signal. interrupted returns the
// first signal received, or nil; stop ends the handling.
func (f *Factory) handleInterrupts(parent context.Context) (ctx context.Context, interrupted func() os.Signal, stop func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, interrupted, stopWatching := f.watchInterrupts(parent, sigs, interruptGrace)
	return ctx, interrupted, func() {
		signal.Stop(sigs)
		stopWatching()
	}
}

// watchInterrupts is handleInterrupts with the signals and the grace period
// given.
func (f *Factory) watchInterrupts(parent context.Context, sigs <-chan os.Signal, grace time.Duration) (ctx context.Context, interrupted func() os.Signal, stop func()) {
	ctx, cancel := context.WithCancel(parent)
	var (
		mu    sync.Mutex
		first os.Signal
	)
	interrupted = func() os.Signal {
		mu.Lock()
		defer mu.Unlock()
		return first
	}
	done := make(chan struct{})
	go func() {
		var expired <-chan time.Time
		for {
			select {
			case <-done:
				return
			case sig := <-sigs:
				mu.Lock()
				again := first != nil
				if !again {
					first = sig
				}
				mu.Unlock()
				if again {
					f.exitInterrupted(sig)
					return
				}
				cancel()
				expired = time.After(grace)
			case <-expired:
				f.exitInterrupted(interrupted())
				return
			}
		}
	}()
	return ctx, interrupted, func() {
		close(done)
		cancel()
	}
}

// exitInterrupted ends the process after a signal, undoing first what must not
// outlive it (a terminal without echo). Without f.Exit (tests that run commands
// in-process) it does nothing: the command ends when it sees the context.
func (f *Factory) exitInterrupted(sig os.Signal) {
	if f.Exit == nil {
		return
	}
	f.onExit.run()
	fmt.Fprintln(f.IO.ErrOut, "atlas-release: interrupted")
	f.Exit(exitCodeOfSignal(sig))
}

// exitHooks are what to undo before the process is ended while a command
// runs: the command's own defers do not run then.
type exitHooks struct {
	mu    sync.Mutex
	next  int
	hooks map[int]func()
}

// add registers fn until remove is called.
func (h *exitHooks) add(fn func()) (remove func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.hooks == nil {
		h.hooks = map[int]func(){}
	}
	id := h.next
	h.next++
	h.hooks[id] = fn
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.hooks, id)
	}
}

// run calls the registered functions, the latest first, once.
func (h *exitHooks) run() {
	h.mu.Lock()
	ids := slices.Sorted(maps.Keys(h.hooks))
	fns := make([]func(), 0, len(ids))
	for _, id := range slices.Backward(ids) {
		fns = append(fns, h.hooks[id])
	}
	clear(h.hooks)
	h.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}
