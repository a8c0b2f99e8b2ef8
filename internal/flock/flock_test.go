package flock_test

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/internal/flock"
)

func TestLockExcludesAndWaits(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no flock")
	}
	path := filepath.Join(t.TempDir(), "x.lock")
	l, err := flock.TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := flock.TryLock(path); !errors.Is(err, flock.ErrLocked) {
		t.Fatalf("a second lock: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Millisecond)
	defer cancel()
	if _, err := flock.Wait(ctx, path); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting on a held lock: %v", err)
	}
	got := make(chan error, 1)
	go func() {
		l2, err := flock.Wait(t.Context(), path)
		if err == nil {
			err = l2.Unlock()
		}
		got <- err
	}()
	time.Sleep(30 * time.Millisecond)
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Errorf("the waiter: %v", err)
	}
}
