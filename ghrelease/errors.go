package ghrelease

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/google/go-github/v89/github"

	"github.com/atlas-release/atlas-release/internal/retry"
	"github.com/atlas-release/atlas-release/internal/safehttp"
)

// Kind classifies a failure by what the caller can do about it: the kinds of
// internal/retry, shared with the ZenDesk client. Here KindAuth means the
// token was refused (401); KindPermission that it may not do this (403, or
// found lacking before any write); KindNotFound no such thing (404);
// KindInvalid that the request was refused as invalid (any other 4xx, e.g. an
// asset name that is taken, or a change to an immutable release);
// KindRateLimited still limited after waiting as long as allowed;
// KindTransient server errors or network failures, after the retries; and
// KindAmbiguous that a create or an upload failed without saying whether it
// happened: look before trying again.
type Kind = retry.Kind

// The kinds of failure, re-exported so that callers need not know
// internal/retry: see Kind.
const (
	KindOther       = retry.KindOther
	KindAuth        = retry.KindAuth
	KindPermission  = retry.KindPermission
	KindNotFound    = retry.KindNotFound
	KindInvalid     = retry.KindInvalid
	KindRateLimited = retry.KindRateLimited
	KindTransient   = retry.KindTransient
	KindAmbiguous   = retry.KindAmbiguous
)

// Error is a failed call.
type Error struct {
	Kind    Kind
	Op      string
	Status  int
	Message string
	Err     error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "github: %s: ", e.Op)
	if e.Status > 0 {
		fmt.Fprintf(&b, "%d ", e.Status)
	}
	switch {
	case e.Message != "":
		b.WriteString(e.Message)
	case e.Kind == KindAmbiguous:
		b.WriteString("no answer, so it is unknown whether it was done")
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	}
	return strings.TrimSpace(b.String())
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of an error of this package; KindOther for others.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindOther
}

// call runs one API call with retries: rate limits are waited out for every
// call (GitHub refuses before doing anything), server errors and network
// failures are retried with backoff only when the call is safe to repeat; for an
// unsafe one they are ambiguous. The loop is this client's own, deliberately:
// it reads go-github's typed errors, where zendesk's reads raw answers and
// renews OAuth tokens; what both decide with (kinds, backoff, Retry-After,
// whether a request was sent, the wait) is internal/retry's.
func (c *Client) call(ctx context.Context, op string, unsafe bool, f func() (*github.Response, error)) error {
	for attempt := 0; ; attempt++ {
		_, err := f()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("github: %s: %w", op, ctx.Err())
		}
		var local *localError
		if errors.As(err, &local) {
			return fmt.Errorf("github: %s: %w", op, local.err)
		}
		var final *Error
		if errors.As(err, &final) {
			return final
		}
		e, wait, retry := c.classify(op, err, unsafe, attempt)
		if !retry || attempt+1 >= c.attempts {
			if retry {
				e.Message = strings.TrimSpace(e.Message + fmt.Sprintf(" (gave up after %d attempts)", c.attempts))
			}
			return e
		}
		if wait > c.maxWait {
			e.Message = strings.TrimSpace(e.Message + fmt.Sprintf(" (asked to wait %s, longer than %s)", wait.Round(time.Second), c.maxWait))
			return e
		}
		if err := c.sleep(ctx, wait); err != nil {
			return fmt.Errorf("github: %s: %w", op, err)
		}
	}
}

// classify turns a go-github error into an Error, and says whether and after
// how long to try again.
func (c *Client) classify(op string, err error, unsafe bool, attempt int) (*Error, time.Duration, bool) {
	// Only text stays: go-github's errors hold the request, and the request
	// the transport sent holds the token.
	e := &Error{Op: op, Err: errors.New(c.clean(err.Error()))}
	var rate *github.RateLimitError
	var abuse *github.AbuseRateLimitError
	var er *github.ErrorResponse
	var redirect *github.RedirectionError
	var answer *answerError
	switch {
	case safehttp.IsRefused(err):
		// Nothing was sent where the policy refused to send it; trying again
		// would be refused again.
		e.Kind, e.Message = KindOther, c.clean(refusal(err))
		return e, 0, false
	case errors.As(err, &redirect):
		// A redirect not followed (to another origin, or of a body net/http
		// cannot send again) is not an answer: nothing was done.
		e.Kind, e.Status = KindOther, redirect.StatusCode
		e.Message = "answered with a redirect, which is not followed"
		if redirect.Location != nil {
			e.Message = fmt.Sprintf("answered with a redirect to %s, which is not followed", c.clean(safehttp.OriginOf(redirect.Location).String()))
		}
		return e, 0, false
	case errors.As(err, &answer):
		e.Message = c.clean(answer.Error())
		if unsafe {
			e.Kind = KindAmbiguous
			e.Message += ", so it is unknown whether it was done"
			return e, 0, false
		}
		e.Kind = KindTransient
		return e, retry.Backoff(firstBackoff, attempt), true
	case errors.As(err, &rate):
		e.Kind, e.Status, e.Message = KindRateLimited, statusOf(rate.Response), "API rate limit exceeded"
		return e, max(rate.Rate.Reset.Sub(c.clock())+time.Second, time.Second), true
	case errors.As(err, &abuse):
		e.Kind, e.Status, e.Message = KindRateLimited, statusOf(abuse.Response), "secondary rate limit"
		wait := time.Minute
		if abuse.RetryAfter != nil && *abuse.RetryAfter > 0 {
			wait = *abuse.RetryAfter
		}
		return e, wait, true
	case errors.As(err, &er) && er.Response != nil:
		e.Status = er.Response.StatusCode
		e.Message = c.clean(er.Message)
		for _, fe := range er.Errors {
			detail := strings.TrimSpace(strings.Join([]string{fe.Resource, fe.Field, fe.Code, fe.Message}, " "))
			e.Message = strings.TrimSpace(e.Message + "; " + c.clean(detail))
		}
		switch e.Kind = retry.KindOfStatus(e.Status); e.Kind {
		case KindRateLimited:
			wait := retry.Backoff(firstBackoff, attempt)
			if d, ok := retry.After(er.Response.Header, c.clock()); ok {
				wait = d
			}
			return e, wait, true
		case KindTransient:
			if unsafe {
				e.Kind = KindAmbiguous
				return e, 0, false
			}
			return e, retry.Backoff(firstBackoff, attempt), true
		case KindOther:
			// GitHub refuses what it will not do with a 4xx of its choosing:
			// the request, not the server, has to change.
			e.Kind = KindInvalid
		}
		return e, 0, false
	}
	// No answer: a network failure or a timeout.
	e.Kind = KindTransient
	if unsafe && !retry.NotSent(err) {
		e.Kind = KindAmbiguous
		return e, 0, false
	}
	return e, retry.Backoff(firstBackoff, attempt), true
}

func statusOf(r *http.Response) int {
	if r == nil {
		return 0
	}
	return r.StatusCode
}

// firstBackoff is the first wait before a retry when GitHub named none: 1 s,
// then 2 s, 4 s … at most retry.MaxBackoff.
const firstBackoff = time.Second

// refusal is the policy's reason for refusing, without the *url.Error around
// it (which repeats the URL).
func refusal(err error) string {
	var r *safehttp.RefusedError
	errors.As(err, &r)
	return r.Reason
}

// clean makes server text safe to print: no control characters, no token in
// any encoding, short.
func (c *Client) clean(s string) string {
	s = c.redactor.Redact(s)
	var b strings.Builder
	for i, r := range s {
		if i > 400 {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}
