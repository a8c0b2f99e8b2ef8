package retry

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"
)

func TestKind(t *testing.T) {
	names := map[Kind]string{KindOther: "other", KindAuth: "authentication", KindPermission: "permission", KindNotFound: "not found",
		KindInvalid: "invalid request", KindRateLimited: "rate limited", KindTransient: "transient", KindAmbiguous: "ambiguous", Kind(99): "kind 99"}
	for k, want := range names {
		if got := k.String(); got != want {
			t.Errorf("%d: %q, want %q", int(k), got, want)
		}
	}
	for status, want := range map[int]Kind{401: KindAuth, 403: KindPermission, 404: KindNotFound, 400: KindInvalid, 409: KindInvalid,
		413: KindInvalid, 422: KindInvalid, 429: KindRateLimited, 500: KindTransient, 503: KindTransient, 418: KindOther, 302: KindOther} {
		if got := KindOfStatus(status); got != want {
			t.Errorf("%d: %v, want %v", status, got, want)
		}
	}
}

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		first   time.Duration
		attempt int
		want    time.Duration
	}{
		{time.Second, 0, time.Second}, {time.Second, 1, 2 * time.Second}, {time.Second, 4, 16 * time.Second},
		{time.Second, 5, MaxBackoff}, {time.Second, 1000, MaxBackoff}, {time.Second, -1, time.Second},
		{500 * time.Millisecond, 0, 500 * time.Millisecond}, {500 * time.Millisecond, 2, 2 * time.Second}, {500 * time.Millisecond, 6, MaxBackoff},
	} {
		if got := Backoff(tc.first, tc.attempt); got != tc.want {
			t.Errorf("Backoff(%v, %d) = %v, want %v", tc.first, tc.attempt, got, tc.want)
		}
	}
}

func TestAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"", 0, false}, {"7", 7 * time.Second, true}, {" 0 ", 0, true}, {"1.5", 1500 * time.Millisecond, true},
		{"-1", 0, false}, {"86400", 0, false}, {"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
	} {
		h := http.Header{}
		if tc.v != "" {
			h.Set("Retry-After", tc.v)
		}
		got, ok := After(h, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Retry-After %q: %v, %v, want %v, %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNotSent(t *testing.T) {
	dial := &net.OpError{Op: "dial", Err: errors.New("connection refused")}
	read := &net.OpError{Op: "read", Err: errors.New("connection reset")}
	dns := &net.DNSError{Err: "no such host", Name: "x.invalid"}
	for err, want := range map[error]bool{dial: true, fmt.Errorf("post: %w", dial): true, dns: true, read: false, errors.New("EOF"): false} {
		if got := NotSent(err); got != want {
			t.Errorf("NotSent(%v) = %v, want %v", err, got, want)
		}
	}
}

func TestSleep(t *testing.T) {
	if err := Sleep(t.Context(), time.Millisecond); err != nil {
		t.Errorf("a short sleep: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("no wait on a cancelled context: %v", err)
	}
	done := make(chan error, 1)
	ctx, cancel = context.WithCancel(t.Context())
	go func() { done <- Sleep(ctx, time.Hour) }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled sleep: %v", err)
	}
}
