package zendesk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/atlas-release/atlas-release/internal/retry"
	"github.com/atlas-release/atlas-release/internal/safehttp"
)

// Defaults of Options.
const (
	DefaultRequestTimeout = 30 * time.Second
	DefaultMaxAttempts    = 5
	DefaultMaxWait        = 2 * time.Minute
	// maxResponseBytes bounds a response body: a page of 100 articles of the
	// largest body the API accepts fits; anything larger is refused.
	maxResponseBytes = 128 << 20
	// maxErrorBytes bounds the part of an error response that is read.
	maxErrorBytes = 64 << 10
	// maxRateLimited bounds the 429s one call accepts before it fails.
	maxRateLimited = 20
	// firstBackoff is the first wait before a retry when the server named
	// none: 0.5 s, then 1 s, 2 s, … at most retry.MaxBackoff.
	firstBackoff = 500 * time.Millisecond
)

// Options configure a Client.
type Options struct {
	// BaseURL is the instance, e.g. https://acme.zendesk.com. Plain HTTP is
	// accepted only for a loopback address (the emulator).
	BaseURL string
	// Credentials authenticate every request. Required.
	Credentials Credentials
	// HTTPClient sends requests; its transport is wrapped and its redirect
	// policy replaced by internal/safehttp's: nothing, credentials least of
	// all, leaves the instance's origin.
	HTTPClient *http.Client
	// RequestTimeout bounds each attempt.
	RequestTimeout time.Duration
	// MaxAttempts bounds the attempts of one call, retries included.
	MaxAttempts int
	// MaxWait is the longest the client waits before a retry; a Retry-After
	// longer than this fails the call instead.
	MaxWait time.Duration
	// UserAgent names the program in every request.
	UserAgent string
	// Clock and Sleep replace the wall clock in tests.
	Clock func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client calls one ZenDesk instance. It is safe for concurrent use.
type Client struct {
	base     *url.URL
	creds    Credentials
	http     *http.Client
	timeout  time.Duration
	attempts int
	maxWait  time.Duration
	agent    string
	clock    func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error
	limiter  *limiter
	// tokenLimiter paces the OAuth token endpoint.
	tokenLimiter *limiter
	stats        struct{ requests, writes, retries, rateLimited, renewals atomic.Int64 }
}

// Stats count what a client did.
type Stats struct {
	// Requests counts the HTTP requests sent, retries included.
	Requests int64 `json:"requests"`
	// Writes counts the requests that were not GET or HEAD.
	Writes int64 `json:"writes"`
	// Retries counts the requests that repeated an earlier attempt.
	Retries int64 `json:"retries"`
	// RateLimited counts the 429 answers.
	RateLimited int64 `json:"rateLimited"`
}

// New returns a client of the instance at o.BaseURL.
func New(o Options) (*Client, error) {
	base, err := ParseBaseURL(o.BaseURL)
	if err != nil {
		return nil, err
	}
	if o.Credentials == nil {
		return nil, errors.New("zendesk: no credentials")
	}
	c := &Client{base: base, creds: o.Credentials, timeout: o.RequestTimeout, attempts: o.MaxAttempts, maxWait: o.MaxWait,
		agent: o.UserAgent, clock: o.Clock, sleep: o.Sleep}
	if c.timeout <= 0 {
		c.timeout = DefaultRequestTimeout
	}
	if c.attempts <= 0 {
		c.attempts = DefaultMaxAttempts
	}
	if c.maxWait <= 0 {
		c.maxWait = DefaultMaxWait
	}
	if c.agent == "" {
		c.agent = "atlas-release"
	}
	if c.clock == nil {
		c.clock = time.Now //nolint:forbidigo // pacing requests runs on the wall clock; nothing written depends on it
	}
	if c.sleep == nil {
		c.sleep = retry.Sleep
	}
	// Requests go to the instance only; a redirect elsewhere is refused, and
	// the transport strips credentials from anything bound elsewhere.
	hc := safehttp.NewClient(o.HTTPClient, safehttp.Options{Origins: []*url.URL{base}, Strict: true})
	c.http = hc
	c.limiter, c.tokenLimiter = newLimiter(c.clock), newLimiter(c.clock)
	return c, nil
}

// ParseBaseURL checks an instance URL: https (or http to a loopback address), a
// host, and nothing else.
func ParseBaseURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(s), "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("zendesk: %q is not a URL like https://acme.zendesk.com", s)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("zendesk: the instance URL %q must be just the scheme and host, like https://acme.zendesk.com", u.Redacted())
	}
	if err := safehttp.CheckScheme(u); err != nil {
		return nil, fmt.Errorf("zendesk: credentials are only sent over HTTPS (or to a local sandbox): %w", err)
	}
	u.Path = ""
	return u, nil
}

// BaseURL is the instance's URL.
func (c *Client) BaseURL() string { return c.base.String() }

// Stats returns what the client has done so far.
func (c *Client) Stats() Stats {
	return Stats{Requests: c.stats.requests.Load(), Writes: c.stats.writes.Load(), Retries: c.stats.retries.Load(),
		RateLimited: c.stats.rateLimited.Load()}
}

// call is one API call.
type call struct {
	method string
	path   string
	query  url.Values
	// body is encoded as JSON; raw and contentType send bytes as they are.
	body        any
	raw         []byte
	contentType string
	// unsafe marks a request that must not be repeated when its outcome is
	// unknown (a create without an idempotency key).
	unsafe bool
	// noAuth skips the credentials (the token endpoint authenticates itself).
	noAuth bool
	// header adds request headers; answer, when set, receives the answer's.
	header map[string]string
	answer *http.Header
}

// do performs a call and decodes a successful answer into out (unless nil).
// The retry loop is this client's own, deliberately: it reads raw answers,
// renews OAuth tokens and paces itself with the limiter, where ghrelease's
// reads go-github's typed errors; what both decide with (kinds, backoff,
// Retry-After, whether a request was sent, the wait) is internal/retry's.
func (c *Client) do(ctx context.Context, cl call, out any) error {
	var payload []byte
	contentType := cl.contentType
	switch {
	case cl.raw != nil:
		payload = cl.raw
	case cl.body != nil:
		b, err := json.Marshal(cl.body)
		if err != nil {
			return fmt.Errorf("zendesk: encode %s %s: %w", cl.method, cl.path, err)
		}
		payload, contentType = b, "application/json"
	case cl.method != http.MethodGet && cl.method != http.MethodHead:
		contentType = "application/json"
	}
	renewed := false
	limited := 0
	var last *Error
attempts:
	for attempt := 0; attempt < c.attempts; attempt++ {
		if attempt > 0 {
			c.stats.retries.Add(1)
		}
		header, status, body, err := c.send(ctx, cl, payload, contentType)
		var ce *credentialsError
		if errors.As(err, &ce) {
			return ce.err
		}
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("zendesk: %s %s: %w", cl.method, cl.path, ctx.Err())
			}
			e := &Error{Kind: KindTransient, Method: cl.method, Path: cl.path, Err: c.redactErr(err)}
			if safehttp.IsRefused(err) {
				// Nothing was sent where the policy refused to send it, and
				// repeating would be refused again.
				e.Kind = KindOther
				return e
			}
			if cl.unsafe && !retry.NotSent(err) {
				e.Kind = KindAmbiguous
				return e
			}
			last = e
			if attempt == c.attempts-1 {
				break attempts
			}
			if err := c.sleep(ctx, retry.Backoff(firstBackoff, attempt)); err != nil {
				return fmt.Errorf("zendesk: %s %s: %w", cl.method, cl.path, err)
			}
			continue
		}
		if status >= 200 && status < 300 {
			if cl.answer != nil {
				*cl.answer = header
			}
			if out == nil {
				return nil
			}
			why := ""
			if len(bytes.TrimSpace(body)) == 0 {
				if cl.unsafe {
					why = "is empty"
				}
			} else if err := json.Unmarshal(body, out); err != nil {
				why = "is not the JSON the API documents: " + clean(c.redact(err.Error()), 200)
			}
			if why == "" {
				return nil
			}
			// A create answered with nothing usable may still have been
			// carried out: ambiguous, so that the caller looks before
			// creating again, never a success.
			e := &Error{Kind: KindOther, Method: cl.method, Path: cl.path, Status: status, Message: "the answer " + why}
			if cl.unsafe {
				e.Kind = KindAmbiguous
				e.Message += ", so it is unknown whether the request was carried out"
			}
			return e
		}
		e := &Error{Kind: retry.KindOfStatus(status), Method: cl.method, Path: cl.path, Status: status, RetryAfter: retryAfter(header, c.clock())}
		// Redacted before it is parsed, and again after: parsing shortens
		// texts, which would leave a cut secret that no longer matches.
		parseErrorBody(e, []byte(c.redact(string(body))))
		c.redactError(e)
		switch {
		case status == http.StatusUnauthorized && !renewed && !cl.noAuth:
			renewed = true
			ok, rerr := c.creds.renew(ctx, c)
			if rerr != nil {
				return rerr
			}
			if ok {
				attempt--
				continue
			}
			return e
		case status == http.StatusTooManyRequests:
			// Refused before anything was done: safe to repeat for every method.
			wait := e.RetryAfter
			if wait <= 0 {
				wait = retry.Backoff(firstBackoff, attempt)
			}
			if wait > c.maxWait {
				e.Message = fmt.Sprintf("%s (asked to wait %s, longer than the %s this client waits)", e.Message, wait, c.maxWait)
				return e
			}
			last = e
			// The limiter holds every request until the window reopens. A 429
			// costs no attempt, but a server that never lets us through fails.
			if limited++; limited < maxRateLimited {
				attempt--
			}
			continue
		case status >= 500:
			if cl.unsafe {
				e.Kind = KindAmbiguous
				return e
			}
			wait := e.RetryAfter
			if wait <= 0 {
				wait = retry.Backoff(firstBackoff, attempt)
			}
			if wait > c.maxWait {
				return e
			}
			last = e
			if attempt == c.attempts-1 {
				break attempts
			}
			if err := c.sleep(ctx, wait); err != nil {
				return fmt.Errorf("zendesk: %s %s: %w", cl.method, cl.path, err)
			}
			continue
		}
		return e
	}
	last.Message = strings.TrimSpace(last.Message + fmt.Sprintf(" (gave up after %d attempts)", c.attempts))
	return last
}

// send makes one attempt and returns the answer's header, status and body.
func (c *Client) send(ctx context.Context, cl call, payload []byte, contentType string) (http.Header, int, []byte, error) {
	// The token endpoint is outside the Help Center's rate-limit bucket, and is
	// called while a Help Center request holds its place in that limiter: it
	// has a limiter of its own.
	lim := c.limiter
	if cl.noAuth {
		lim = c.tokenLimiter
	}
	probe, err := lim.acquire(ctx, c.sleep)
	if err != nil {
		return nil, 0, nil, err
	}
	observed := false
	defer func() {
		if !observed {
			lim.observe(probe, nil, 0, 0)
		}
	}()
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u := *c.base
	u.Path = cl.path
	u.RawQuery = cl.query.Encode()
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(actx, cl.method, u.String(), body)
	if err != nil {
		return nil, 0, nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.agent)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range cl.header {
		req.Header.Set(k, v)
	}
	if !cl.noAuth {
		if err := c.creds.apply(ctx, c, req); err != nil {
			return nil, 0, nil, &credentialsError{err}
		}
	}
	c.stats.requests.Add(1)
	if cl.method != http.MethodGet && cl.method != http.MethodHead {
		c.stats.writes.Add(1)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, nil, err
	}
	defer resp.Body.Close()
	limit := int64(maxResponseBytes)
	if resp.StatusCode >= 300 {
		limit = maxErrorBytes
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, 0, nil, err
	}
	if int64(len(b)) > limit {
		if resp.StatusCode < 300 {
			return nil, 0, nil, fmt.Errorf("the answer is larger than %d MiB", limit>>20)
		}
		b = b[:limit]
	}
	ra := retryAfter(resp.Header, c.clock())
	if resp.StatusCode == http.StatusTooManyRequests {
		c.stats.rateLimited.Add(1)
		if ra <= 0 {
			ra = time.Second
		}
	}
	observed = true
	lim.observe(probe, resp.Header, resp.StatusCode, ra)
	return resp.Header, resp.StatusCode, b, nil
}

// retryAfter is what the server asked to wait, 0 when it did not say.
func retryAfter(h http.Header, now time.Time) time.Duration {
	d, _ := retry.After(h, now)
	return d
}

// redactError removes the credentials from anything the server said: a
// hostile or misconfigured server must not be able to echo them into our
// output, in any encoding.
func (c *Client) redactError(e *Error) {
	r := c.redactor()
	e.Code = r.Redact(e.Code)
	e.Message = r.Redact(e.Message)
	for i := range e.Fields {
		e.Fields[i].Field = r.Redact(e.Fields[i].Field)
		e.Fields[i].Code = r.Redact(e.Fields[i].Code)
		e.Fields[i].Message = r.Redact(e.Fields[i].Message)
	}
}

// redactor redacts the credentials as they are now (OAuth tokens are issued
// as the client runs).
func (c *Client) redactor() *safehttp.Redactor { return safehttp.NewRedactor(c.creds.secrets()...) }

func (c *Client) redact(s string) string { return c.redactor().Redact(s) }

// credentialsError carries a failure to get credentials (an OAuth token) out of
// send: it is final, not a network failure to retry.
type credentialsError struct{ err error }

func (e *credentialsError) Error() string { return e.err.Error() }

// redactErr returns err, or an error of its text without credentials.
func (c *Client) redactErr(err error) error { return c.redactor().RedactError(err) }
