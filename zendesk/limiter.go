package zendesk

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// limiter paces requests by what the server says. Every answer carries
// X-Rate-Limit-Remaining; while requests remain, they go out freely. When none
// remain, one request goes out alone as a probe: either the window has moved on,
// or the answer is a 429 whose Retry-After holds every request until the window
// reopens. Until the first answer says how many remain (and after a 429), one
// request goes out alone too, so that a burst of concurrent calls learns the
// budget before spending it. Nothing waits on a guess of the server's clock.
type limiter struct {
	mu        sync.Mutex
	clock     func() time.Time
	remaining int // requests left in the window, or unknown or unlimited
	inFlight  int
	notBefore time.Time
	probing   bool
	wake      chan struct{} // closed when the state changes
}

// The values of limiter.remaining that are not counts.
const (
	remainingUnknown   = -1
	remainingUnlimited = -2 // the server sends no X-Rate-Limit-Remaining
)

func newLimiter(clock func() time.Time) *limiter {
	return &limiter{clock: clock, remaining: remainingUnknown, wake: make(chan struct{})}
}

// acquire waits until a request may go out. It reports whether the request is
// the probe of an exhausted window.
func (l *limiter) acquire(ctx context.Context, sleep func(context.Context, time.Duration) error) (bool, error) {
	for {
		l.mu.Lock()
		if wait := l.notBefore.Sub(l.clock()); wait > 0 {
			l.mu.Unlock()
			if err := sleep(ctx, wait); err != nil {
				return false, err
			}
			continue
		}
		if l.remaining == 0 || l.remaining == remainingUnknown {
			if l.probing {
				wake := l.wake
				l.mu.Unlock()
				select {
				case <-wake:
				case <-ctx.Done():
					return false, ctx.Err()
				}
				continue
			}
			l.probing = true
			l.inFlight++
			l.mu.Unlock()
			return true, nil
		}
		if l.remaining > 0 {
			l.remaining--
		}
		l.inFlight++
		l.mu.Unlock()
		return false, nil
	}
}

// observe learns from an answer (h is nil when none came).
func (l *limiter) observe(probe bool, h http.Header, status int, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
	if probe {
		l.probing = false
	}
	if h != nil {
		if n, err := strconv.Atoi(h.Get("X-Rate-Limit-Remaining")); err == nil && n >= 0 {
			// The answer counted the requests that reached the server before
			// it; those still in flight will use up more.
			l.remaining = max(n-l.inFlight, 0)
		} else if status != http.StatusTooManyRequests {
			l.remaining = remainingUnlimited
		}
	}
	if status == http.StatusTooManyRequests {
		if until := l.clock().Add(retryAfter); until.After(l.notBefore) {
			l.notBefore = until
		}
		l.remaining = remainingUnknown
	}
	close(l.wake)
	l.wake = make(chan struct{})
}
