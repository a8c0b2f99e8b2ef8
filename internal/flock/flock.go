// Package flock takes exclusive, advisory locks on files, so that two runs of
// the tool on one machine do not do the same work at once. The kernel releases
// a lock when its process dies, so a killed run never leaves a stale lock. On
// systems without flock, locking is a no-op: callers must stay correct without
// it (and do: the lock only narrows races that their own checks close).
package flock

import (
	"context"
	"errors"
	"os"
	"time"
)

// ErrLocked is returned by TryLock when another holder has the lock.
var ErrLocked = errors.New("locked by another process")

// Lock is a held lock; Unlock releases it.
type Lock struct{ f *os.File }

// pollInterval is how often Wait retries a lock that is held.
const pollInterval = 25 * time.Millisecond

// TryLock takes the lock on path (created if needed) at once, or fails with
// ErrLocked.
func TryLock(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := tryLock(f); err != nil {
		f.Close()
		return nil, err
	}
	return &Lock{f: f}, nil
}

// Wait takes the lock on path, waiting while another holder has it, until ctx
// ends.
func Wait(ctx context.Context, path string) (*Lock, error) {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		l, err := TryLock(path)
		if !errors.Is(err, ErrLocked) {
			return l, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// Unlock releases the lock.
func (l *Lock) Unlock() error { return l.f.Close() }
