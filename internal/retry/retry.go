// Package retry holds what the project's HTTP clients (zendesk, ghrelease)
// share about failing and trying again: the kinds of failure a caller can act
// on, the classification of an HTTP status into one, the backoff between
// attempts, the Retry-After header, whether a failed request reached the
// server at all, and a wait that a cancelled context ends.
//
// The clients' retry loops themselves are not here: one wraps go-github's
// errors and the other reads raw answers and renews OAuth tokens, so each
// decides in its own words when to try again; what they decide with is shared.
//
// It is a leaf of the standard library only: the clients, which import no
// other project package, may import it.
package retry

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Kind classifies a failure by what the caller can do about it. The clients
// re-export it (zendesk.Kind, ghrelease.Kind) with their own KindOf.
type Kind int

// The kinds of failure.
const (
	// KindOther is a failure that fits no other kind.
	KindOther Kind = iota
	// KindAuth means the credentials were refused (401): fix them.
	KindAuth
	// KindPermission means the credentials are valid but may not do this (403).
	KindPermission
	// KindNotFound means the resource does not exist or is not visible (404).
	KindNotFound
	// KindInvalid means the request was refused as invalid (400, 409, 413, 422).
	KindInvalid
	// KindRateLimited means the rate limit was still exceeded after waiting as
	// long as allowed (429).
	KindRateLimited
	// KindTransient means a server error or a network failure, after the
	// allowed retries.
	KindTransient
	// KindAmbiguous means a request that is not safe to repeat (a create, an
	// upload) failed without saying whether the server carried it out: look
	// before trying again.
	KindAmbiguous
)

var kindNames = [...]string{
	KindOther: "other", KindAuth: "authentication", KindPermission: "permission", KindNotFound: "not found",
	KindInvalid: "invalid request", KindRateLimited: "rate limited", KindTransient: "transient", KindAmbiguous: "ambiguous",
}

// String names the kind as error messages and reports do, e.g. "rate limited".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "kind " + strconv.Itoa(int(k))
	}
	return kindNames[k]
}

// KindOfStatus classifies an HTTP status: 401, 403, 404, 429, the 400, 409,
// 413 and 422 of an invalid request, and 5xx; KindOther for the rest.
func KindOfStatus(status int) Kind {
	switch {
	case status == 401:
		return KindAuth
	case status == 403:
		return KindPermission
	case status == 404:
		return KindNotFound
	case status == 429:
		return KindRateLimited
	case status == 400 || status == 409 || status == 413 || status == 422:
		return KindInvalid
	case status >= 500:
		return KindTransient
	}
	return KindOther
}

// MaxBackoff bounds Backoff.
const MaxBackoff = 30 * time.Second

// Backoff is the wait before retry attempt+1 when the server named none:
// first, 2×first, 4×first, … at most MaxBackoff. attempt counts from 0.
func Backoff(first time.Duration, attempt int) time.Duration {
	return min(first<<min(max(attempt, 0), 10), MaxBackoff)
}

// After reads a Retry-After header, as seconds (fractions allowed, less than
// a day) or as an HTTP date (relative to now, never negative). ok is false
// when the header is missing or unreadable.
func After(h http.Header, now time.Time) (d time.Duration, ok bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n >= 0 && n < 86400 {
		return time.Duration(n * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// NotSent reports whether a request failed before any of it reached the
// server — it could not connect, or not resolve the name — so that repeating
// it cannot do anything twice.
func NotSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// Sleep waits for d, or until ctx is done, whose error it then returns. A
// wait of 0 or less returns at once, with ctx's error if it is done. The
// clients take it as their default Options.Sleep; tests inject a fake.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
