// Package safehttp is the one policy for where this program's HTTP requests,
// and the credentials they carry, may go; the GitHub and ZenDesk clients and the
// downloader of `verify --url` all build their http.Client with it.
//
// The policy:
//   - credentials (Authorization, Proxy-Authorization, Cookie, a URL's user
//     info) go only to the origins (scheme, host and port) a client was
//     configured with; the transport attaches them, and strips them from a
//     request bound anywhere else, whoever set them;
//   - a client holding credentials sends nothing to another origin;
//   - a redirect to another origin of a request that carries credentials or a
//     body is refused, with a message that says so; a redirect within the
//     origin is followed;
//   - a redirect never leaves HTTPS (plain HTTP is followed only between
//     loopback addresses, where tests run their fakes), and at most
//     MaxRedirects are followed.
//
// It also holds the Redactor, which removes secrets from what servers echo, in
// every encoding they might echo them in.
//
// The package is a leaf: it imports nothing from this module.
package safehttp

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// MaxRedirects bounds the redirects one request follows.
const MaxRedirects = 10

// Origin is a URL's scheme, host and port, as in "https://api.github.com:443":
// where credentials may go. Two URLs are the same origin when their Origins are
// equal.
type Origin string

// OriginOf returns the origin of a URL: lower-case scheme and host, and the port
// made explicit.
func OriginOf(u *url.URL) Origin {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return Origin(scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port))
}

// String shows the origin as a URL would, without a default port, safely: it
// may come from a server's Location header.
func (o Origin) String() string {
	s := strings.TrimSuffix(string(o), ":443")
	if !strings.HasPrefix(s, "https:") {
		s = strings.TrimSuffix(s, ":80")
	}
	return printable(s)
}

// IsLoopback reports whether a host name is this machine: "localhost" or a
// loopback address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckScheme accepts the URL of a service that will be sent credentials or
// trusted downloads: HTTPS, or plain HTTP to a loopback address (a local fake).
func CheckScheme(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if IsLoopback(u.Hostname()) {
			return nil
		}
		return &RefusedError{Reason: fmt.Sprintf("%s uses plain HTTP: only HTTPS is used (plain HTTP only to this machine)", printable(u.Host))}
	}
	return &RefusedError{Reason: fmt.Sprintf("%s is not an http(s) URL", printable(u.Redacted()))}
}

// RefusedError is a request the policy refused to send, or a redirect it
// refused to follow. Nothing was sent to where it would have gone. Callers
// classify it as final: repeating the request cannot help.
type RefusedError struct {
	// Reason says what was refused and why, lower case.
	Reason string
}

func (e *RefusedError) Error() string { return e.Reason }

// IsRefused reports whether err is, or wraps, a RefusedError.
func IsRefused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r)
}

// Options say where a client's requests and credentials may go.
type Options struct {
	// Origins are the base URLs credentials belong to (their paths are
	// ignored). Requests to them get Authorize's credentials and keep those
	// the caller set; requests anywhere else lose every credential.
	Origins []*url.URL
	// Strict refuses to send any request to an origin not in Origins: the
	// client of an API that holds a token talks to nothing else.
	Strict bool
	// Authorize adds credentials to a request bound for one of Origins (nil:
	// the caller sets them on its requests).
	Authorize func(*http.Request)
}

// NewClient returns a copy of base (a new client when base is nil) whose
// transport and redirects follow the policy. base's CheckRedirect is replaced,
// and its cookie jar dropped: no caller keeps cookies, and a jar would send
// credentials this package cannot see.
func NewClient(base *http.Client, o Options) *http.Client {
	hc := &http.Client{}
	if base != nil {
		copied := *base
		hc = &copied
	}
	g := &guard{base: hc.Transport, strict: o.Strict, authorize: o.Authorize}
	if g.base == nil {
		g.base = http.DefaultTransport
	}
	for _, u := range o.Origins {
		g.origins = append(g.origins, OriginOf(u))
	}
	hc.Transport = g
	hc.Jar = nil
	hc.CheckRedirect = g.checkRedirect
	return hc
}

// StopAtOtherOrigins returns a copy of a client made by NewClient that, instead
// of refusing a redirect to another origin, returns the redirect answer: for a
// caller that fetches its Location anew with a client that holds no
// credentials (GitHub sends asset downloads to a storage host). Redirects
// within the origin are followed as before.
func StopAtOtherOrigins(hc *http.Client) *http.Client {
	copied := *hc
	policy := hc.CheckRedirect
	copied.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if OriginOf(req.URL) != OriginOf(via[0].URL) {
			return http.ErrUseLastResponse
		}
		return policy(req, via)
	}
	return &copied
}

// guard is the transport that binds credentials to their origins.
type guard struct {
	base      http.RoundTripper
	origins   []Origin
	strict    bool
	authorize func(*http.Request)
}

func (g *guard) own(u *url.URL) bool { return slices.Contains(g.origins, OriginOf(u)) }

// RoundTrip sends only over HTTPS (plain HTTP only to this machine), attaches
// the credentials to a request for one of the origins and strips them from any
// other; a strict guard refuses the other outright.
func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	own := g.own(req.URL)
	var refused error
	switch {
	case CheckScheme(req.URL) != nil:
		refused = &RefusedError{Reason: fmt.Sprintf("refusing to send a request to %s: only HTTPS is used (plain HTTP only to this machine)", OriginOf(req.URL))}
	case !own && g.strict:
		refused = &RefusedError{Reason: fmt.Sprintf("refusing to send a request to %s: this client's credentials belong to %s", OriginOf(req.URL), g.describeOrigins())}
	}
	if refused != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, refused
	}
	// A RoundTripper must not change the caller's request.
	sent := req.Clone(req.Context())
	if own {
		if g.authorize != nil {
			g.authorize(sent)
		}
	} else {
		stripCredentials(sent)
	}
	resp, err := g.base.RoundTrip(sent)
	if resp != nil {
		// The request sent holds the credentials: keep it out of reach of
		// whoever prints or logs the answer.
		resp.Request = req
	}
	return resp, err
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the base.
func (g *guard) CloseIdleConnections() {
	if c, ok := g.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (g *guard) describeOrigins() string {
	out := make([]string, len(g.origins))
	for i, o := range g.origins {
		out[i] = o.String()
	}
	return strings.Join(out, " and ")
}

// checkRedirect is the redirect policy; via[0] is the request the caller made.
func (g *guard) checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	from, to := OriginOf(first.URL), OriginOf(req.URL)
	if len(via) >= MaxRedirects {
		return &RefusedError{Reason: fmt.Sprintf("stopped after %d redirects from %s", len(via), from)}
	}
	switch strings.ToLower(req.URL.Scheme) {
	case "https":
	case "http":
		// Plain HTTP only between loopback addresses: no downgrade.
		for _, r := range via {
			if !strings.EqualFold(r.URL.Scheme, "http") || !IsLoopback(r.URL.Hostname()) {
				return &RefusedError{Reason: fmt.Sprintf("refusing a redirect from %s to %s: it leaves HTTPS", from, to)}
			}
		}
		if !IsLoopback(req.URL.Hostname()) {
			return &RefusedError{Reason: fmt.Sprintf("refusing a redirect from %s to %s: it leaves HTTPS", from, to)}
		}
	default:
		return &RefusedError{Reason: fmt.Sprintf("refusing a redirect from %s to %s: not an http(s) URL", from, to)}
	}
	if to == from {
		return nil
	}
	switch {
	case g.strict || carriesCredentials(first) || (g.authorize != nil && g.own(first.URL)):
		return &RefusedError{Reason: fmt.Sprintf("refusing to follow a redirect from %s to %s: the request carries credentials, which are only sent to %s", from, to, from)}
	case hasBody(first):
		return &RefusedError{Reason: fmt.Sprintf("refusing to follow a redirect from %s to %s: the request's body is only sent to %s", from, to, from)}
	}
	// A credential-free read may go elsewhere (downloads redirect to storage):
	// without anything net/http copied from the first request.
	stripCredentials(req)
	return nil
}

// credentialHeaders are the request headers that carry credentials.
var credentialHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie"}

func carriesCredentials(r *http.Request) bool {
	if r.URL.User != nil {
		return true
	}
	for _, h := range credentialHeaders {
		if r.Header.Get(h) != "" {
			return true
		}
	}
	return false
}

func stripCredentials(r *http.Request) {
	for _, h := range credentialHeaders {
		r.Header.Del(h)
	}
	if r.URL.User != nil {
		u := *r.URL
		u.User = nil
		r.URL = &u
	}
}

// hasBody reports whether a request sends anything beyond its URL and headers.
func hasBody(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, "":
	default:
		return true
	}
	return r.ContentLength != 0 || (r.Body != nil && r.Body != http.NoBody)
}

// printable shows server-provided text safely: plain printable ASCII as it is,
// anything else quoted with escapes (no terminal controls, no bidi overrides).
func printable(s string) string {
	for _, r := range s {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) {
			return strconv.QuoteToASCII(s)
		}
	}
	return s
}

// ErrTooLarge is returned by a LimitedBody read past its limit.
var ErrTooLarge = errors.New("the answer is larger than this client accepts")

// LimitedBody returns body limited to limit bytes: a read past the limit fails
// with ErrTooLarge, rather than ending quietly as io.LimitReader would (a
// truncated answer must not pass for a complete one).
func LimitedBody(body io.ReadCloser, limit int64) io.ReadCloser {
	return &limitedBody{rc: body, left: limit}
}

type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.rc.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n + int(l.left), ErrTooLarge
	}
	return n, err
}

func (l *limitedBody) Close() error { return l.rc.Close() }
