package cli

import (
	"os"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// exits records what exitInterrupted does, in order.
type exits struct {
	mu     sync.Mutex
	events []string
	codes  chan int
}

func (e *exits) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.events = append(e.events, s)
}

func watchedFactory(t *testing.T) (*Factory, *exits) {
	ios, _, _, _ := TestIO()
	e := &exits{codes: make(chan int, 2)}
	f := &Factory{IO: ios, Exit: func(code int) { e.add("exit"); e.codes <- code }}
	return f, e
}

// A command that returns within the grace period after Ctrl-C is not cut
// short: its context is cancelled and it cleans up.
func TestInterruptCancelsAndLetsTheCommandFinish(t *testing.T) {
	f, e := watchedFactory(t)
	sigs := make(chan os.Signal, 2)
	ctx, interrupted, stop := f.watchInterrupts(t.Context(), sigs, time.Hour)
	sigs <- os.Interrupt
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Ctrl-C did not cancel the context")
	}
	if interrupted() != os.Interrupt {
		t.Errorf("interrupted() = %v", interrupted())
	}
	stop()
	if len(e.codes) != 0 {
		t.Errorf("the process was ended although the command returned")
	}
}

// A command deaf to its context (a read blocked in a system call) is ended
// once the grace period is over, with 130, after the exit hooks ran.
func TestInterruptEndsADeafCommandAfterTheGracePeriod(t *testing.T) {
	f, e := watchedFactory(t)
	f.onExit.add(func() { e.add("first hook") })
	remove := f.onExit.add(func() { e.add("removed hook") })
	f.onExit.add(func() { e.add("last hook") })
	remove()
	sigs := make(chan os.Signal, 2)
	_, _, stop := f.watchInterrupts(t.Context(), sigs, 10*time.Millisecond)
	defer stop()
	sigs <- os.Interrupt
	select {
	case code := <-e.codes:
		if code != ExitInterrupted {
			t.Errorf("exit code %d, want %d", code, ExitInterrupted)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the process was never ended")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if want := []string{"last hook", "first hook", "exit"}; !slices.Equal(e.events, want) {
		t.Errorf("events %q, want %q", e.events, want)
	}
}

// A second Ctrl-C ends the process at once, whatever the grace period.
func TestSecondInterruptEndsAtOnce(t *testing.T) {
	for _, tc := range []struct {
		sigs []os.Signal
		want int
	}{
		{[]os.Signal{os.Interrupt, os.Interrupt}, 130},
		{[]os.Signal{syscall.SIGTERM, os.Interrupt}, 130},
		{[]os.Signal{os.Interrupt, syscall.SIGTERM}, 143},
	} {
		f, e := watchedFactory(t)
		sigs := make(chan os.Signal, 2)
		_, _, stop := f.watchInterrupts(t.Context(), sigs, time.Hour)
		for _, s := range tc.sigs {
			sigs <- s
		}
		select {
		case code := <-e.codes:
			if code != tc.want {
				t.Errorf("%v: exit code %d, want %d", tc.sigs, code, tc.want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%v: a second signal did not end the process", tc.sigs)
		}
		stop()
	}
}

// Without Exit (commands run inside tests) nothing ends the process.
func TestInterruptWithoutExitOnlyCancels(t *testing.T) {
	f, _ := watchedFactory(t)
	f.Exit = nil
	hooked := make(chan struct{}, 1)
	f.onExit.add(func() { hooked <- struct{}{} })
	sigs := make(chan os.Signal, 2)
	ctx, _, stop := f.watchInterrupts(t.Context(), sigs, time.Millisecond)
	defer stop()
	sigs <- os.Interrupt
	sigs <- os.Interrupt
	<-ctx.Done()
	select {
	case <-hooked:
		t.Fatal("exit hooks ran without an exit")
	case <-time.After(50 * time.Millisecond):
	}
}
