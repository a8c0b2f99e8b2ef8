package zendesktest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/atlas-release/atlas-release/internal/fakehttp"
)

// Server emulates a ZenDesk instance. Use New for tests (it listens on a random
// local port) or NewHandler to serve it yourself.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	changeMu sync.Mutex // serialises OnChange
	state    *State
	cfg      Config
	now      func() time.Time

	base    string                 // where a NewHandler is served, for the URLs in answers
	tokens  map[string]token       // OAuth access tokens
	refresh map[string]token       // refresh tokens
	windows map[string][]time.Time // requests in each rate-limit bucket's window
	faults  fakehttp.Faults[FaultKind]
	log     fakehttp.Log
	idem    map[string]idemEntry // ticket idempotency keys

	lateMu sync.Mutex
	late   []*lateWrite // writes a LateCommit fault still has to carry out
}

// lateWrite is a write the client gave up on, that the server carries out
// when it is due.
type lateWrite struct {
	due  time.Time
	req  *http.Request
	body []byte
}

// Config says what the emulator accepts.
type Config struct {
	// Tokens are valid OAuth bearer tokens; a token listed in ReadOnlyTokens may
	// only read.
	Tokens         []string
	ReadOnlyTokens []string
	// Clients are OAuth clients (id → secret) that may use the client
	// credentials grant; their tokens expire after TokenLifetime.
	Clients       map[string]string
	TokenLifetime time.Duration
	// APITokens are valid "email/token" pairs for basic authentication.
	APITokens map[string]string
	// RateLimit is the number of requests allowed per minute; 0 means none.
	RateLimit int
	// Latency delays every response.
	Latency time.Duration
	// AllowPublishedCreate lets a create make a published article directly;
	// by default, as for agents without publish rights, only drafts may be
	// created.
	AllowPublishedCreate bool
	// PageSizeLimit caps every page of a list below what the client asked for,
	// to exercise pagination with few records; 0 means no cap.
	PageSizeLimit int
	// Clock replaces the wall clock for timestamps and rate limits.
	Clock func() time.Time
	// OnChange is called with a copy of the state after every request that
	// changed it (the sandbox saves it). Calls do not overlap.
	OnChange func(*State)
}

type token struct {
	scope   string
	expires time.Time
}

type idemEntry struct {
	body     []byte
	ticketID int64
	at       time.Time
}

// Request is one logged request.
type Request = fakehttp.Request

// FaultKind is a fault the emulator can inject.
type FaultKind int

// The faults.
const (
	// Fail500 answers 500 with a JSON error, without doing anything.
	Fail500 FaultKind = iota
	// Fail503 answers 503 with Retry-After, without doing anything.
	Fail503
	// Fail429 answers a text/plain 429 with Retry-After.
	Fail429
	// DropAfterCommit performs the request, then closes the connection without
	// answering: the client cannot know that it succeeded.
	DropAfterCommit
	// Stall waits for Delay before handling the request, long enough for the
	// client to time out.
	Stall
	// EmptyList answers a list request with no items, as a replica that lags
	// behind would.
	EmptyList
	// LateCommit stalls a write until the client gives up waiting, never
	// answers it, and carries it out anyway later — a server that finishes a
	// slow write after its client has gone. The write is due once the
	// emulator's clock (Config.Clock, which tests share with the client's
	// back-off) has moved Delay past the request's arrival; a due write is
	// carried out before the next request is served, so that its timing
	// against the client's look-ups is exact. CommitLate carries out every
	// pending one at once (the run has ended; the write lands now).
	LateCommit
)

// Fault injects a fault into the next Times requests that match Method and
// PathPattern (a regular expression on the path).
type Fault = fakehttp.Fault[FaultKind]

// New starts an emulator with the state (nil for a fresh one) on a local port.
func New(state *State, cfg Config) *Server {
	s := newServer(state, cfg)
	s.Server = httptest.NewServer(s)
	return s
}

// NewHandler returns an emulator to serve with your own http.Server.
func NewHandler(state *State, cfg Config) *Server { return newServer(state, cfg) }

func newServer(state *State, cfg Config) *Server {
	if state == nil {
		state = NewState()
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now //nolint:forbidigo // an emulated server keeps time like a real one unless a test gives it a clock
	}
	if cfg.TokenLifetime == 0 {
		cfg.TokenLifetime = time.Hour
	}
	s := &Server{state: state, cfg: cfg, now: cfg.Clock, tokens: map[string]token{}, refresh: map[string]token{}, idem: map[string]idemEntry{},
		windows: map[string][]time.Time{}}
	for _, t := range cfg.Tokens {
		s.tokens[t] = token{scope: "read write"}
	}
	for _, t := range cfg.ReadOnlyTokens {
		s.tokens[t] = token{scope: "read"}
	}
	return s
}

// Inject adds a fault.
func (s *Server) Inject(f Fault) { s.faults.Inject(f) }

// SetBaseURL tells a handler served with NewHandler where it is served, for the
// URLs in its answers.
func (s *Server) SetBaseURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.base = u
}

// ClearFaults removes the faults not yet triggered: the outage is over.
func (s *Server) ClearFaults() { s.faults.Clear() }

// PendingFaults counts the injected faults not yet triggered.
func (s *Server) PendingFaults() int { return s.faults.Pending() }

// SetLatency changes the delay of every response.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.Latency = d
}

// SetRateLimit changes the requests allowed per minute (0: none).
func (s *Server) SetRateLimit(perMinute int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.RateLimit = perMinute
}

// Requests returns the requests logged so far.
func (s *Server) Requests() []Request { return s.log.Requests() }

// ResetLog forgets the logged requests.
func (s *Server) ResetLog() { s.log.Reset() }

// Writes counts the logged requests that changed, or tried to change, state.
func (s *Server) Writes() int { return s.log.Writes() }

// Snapshot returns a deep copy of the state.
func (s *Server) Snapshot() *State {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b bytes.Buffer
	_ = s.state.Save(&b)
	st, _ := LoadState(&b)
	return st
}

// Edit changes the state under the emulator's lock, as a person editing in the
// ZenDesk interface would.
func (s *Server) Edit(f func(*State)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.state)
}

// ServeHTTP handles a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	var logged Request
	rec := fakehttp.NewRecorder(w, func(status int) {
		logged = Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: string(body), Status: status, Write: write && r.URL.Path != "/oauth/tokens"}
		s.log.Add(logged)
	})
	defer func() {
		rec.Answered()
		if logged.Write && (rec.Status < 300 || rec.Status == 0) && s.cfg.OnChange != nil {
			s.changeMu.Lock()
			defer s.changeMu.Unlock()
			s.cfg.OnChange(s.Snapshot())
		}
	}()
	s.mu.Lock()
	latency := s.cfg.Latency
	s.mu.Unlock()
	s.commitLate(false)
	fault := s.faults.Take(r)
	if latency > 0 {
		time.Sleep(latency)
	}
	if fault != nil && fault.Kind == Stall {
		select {
		case <-time.After(fault.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if strings.HasPrefix(r.URL.Path, "/hc") {
		s.serveHelpCenterPage(rec, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/agent/tickets") {
		s.serveTicketPage(rec, r)
		return
	}
	s.mu.Lock()
	if !s.allow(rec, bucketOf(r.URL.Path)) {
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	if fault != nil {
		switch fault.Kind {
		case Fail500:
			writeJSON(rec, 500, map[string]any{"error": "InternalServerError", "description": "Something went wrong"})
			return
		case Fail503:
			rec.Header().Set("Retry-After", strconv.Itoa(fault.RetryAfter))
			writeJSON(rec, 503, map[string]any{"error": "ServiceUnavailable", "description": "Service temporarily unavailable"})
			return
		case Fail429:
			tooMany(rec, fault.RetryAfter)
			return
		case EmptyList:
			key := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
			writeJSON(rec, 200, map[string]any{strings.TrimSuffix(key, ".json"): []any{}, "meta": map[string]any{"has_more": false}})
			return
		}
	}
	if r.URL.Path == "/oauth/tokens" {
		s.serveToken(rec, r, body)
		return
	}
	scope, ok := s.authenticate(rec, r)
	if !ok {
		return
	}
	if write && !strings.Contains(scope, "write") {
		writeJSON(rec, 403, map[string]any{"error": map[string]any{"title": "Forbidden", "message": "You do not have access to this page. Please contact the account owner of this help desk for further help."}})
		return
	}
	if fault != nil && fault.Kind == DropAfterCommit {
		// Do the work, then hang up without a word.
		s.route(fakehttp.NewDiscard(), r, body)
		rec.Status = 0 // logged as "no answer"
		rec.Answered()
		fakehttp.Hangup(w)
		return
	}
	if fault != nil && fault.Kind == LateCommit {
		s.lateMu.Lock()
		s.late = append(s.late, &lateWrite{due: s.now().Add(fault.Delay), req: r.Clone(context.WithoutCancel(r.Context())), body: body})
		s.lateMu.Unlock()
		// Logged now, as never answered: a test that reads the log once the
		// client gave up finds it whenever the server notices.
		rec.Status = 0
		rec.Answered()
		// Keep the client waiting until it gives up (bounded, in case it never
		// does), then hang up: it never learns what happened.
		select {
		case <-r.Context().Done():
		case <-time.After(lateCommitHold):
		}
		fakehttp.Hangup(w)
		return
	}
	s.route(rec, r, body)
}

// lateCommitHold bounds how long a LateCommit write keeps a client that never
// times out waiting.
const lateCommitHold = 30 * time.Second

// CommitLate carries out every write a LateCommit fault still holds, due or
// not, in the order they arrived, and returns how many.
func (s *Server) CommitLate() int { return s.commitLate(true) }

// PendingLateCommits counts the writes a LateCommit fault still holds.
func (s *Server) PendingLateCommits() int {
	s.lateMu.Lock()
	defer s.lateMu.Unlock()
	return len(s.late)
}

// commitLate carries out the held writes that are due (all with force).
func (s *Server) commitLate(force bool) int {
	s.lateMu.Lock()
	var due, kept []*lateWrite
	now := s.now()
	for _, lw := range s.late {
		if force || !lw.due.After(now) {
			due = append(due, lw)
		} else {
			kept = append(kept, lw)
		}
	}
	s.late = kept
	s.lateMu.Unlock()
	for _, lw := range due {
		s.route(fakehttp.NewDiscard(), lw.req, lw.body)
		if s.cfg.OnChange != nil {
			s.changeMu.Lock()
			s.cfg.OnChange(s.Snapshot())
			s.changeMu.Unlock()
		}
	}
	return len(due)
}

// bucketOf names the rate-limit bucket of a path: the Help Center has its own,
// separate from the Support API's.
func bucketOf(path string) string {
	if strings.HasPrefix(path, "/api/v2/help_center") || strings.HasPrefix(path, "/api/v2/guide") {
		return "help_center"
	}
	return "support"
}

// allow applies the bucket's rate limit over a sliding minute and sets the
// rate-limit headers that every response carries.
func (s *Server) allow(w http.ResponseWriter, bucket string) bool {
	limit := s.cfg.RateLimit
	if limit <= 0 {
		w.Header().Set("X-Rate-Limit", "700")
		w.Header().Set("X-Rate-Limit-Remaining", "700")
		return true
	}
	now := s.now()
	window := s.windows[bucket]
	cut := 0
	for cut < len(window) && now.Sub(window[cut]) >= time.Minute {
		cut++
	}
	window = window[cut:]
	defer func() { s.windows[bucket] = window }()
	w.Header().Set("X-Rate-Limit", strconv.Itoa(limit))
	if len(window) >= limit {
		wait := time.Minute - now.Sub(window[0])
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		tooMany(w, int((wait+time.Second-1)/time.Second))
		return false
	}
	window = append(window, now)
	w.Header().Set("X-Rate-Limit-Remaining", strconv.Itoa(limit-len(window)))
	return true
}

func tooMany(w http.ResponseWriter, retryAfter int) {
	w.Header().Set("Retry-After", strconv.Itoa(max(retryAfter, 1)))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusTooManyRequests)
	fmt.Fprintf(w, "Rate limit for help center exceeded, please retry in %d seconds.\n", max(retryAfter, 1))
}

// authenticate checks the credentials and returns their scope.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (string, bool) {
	auth := r.Header.Get("Authorization")
	switch {
	case strings.HasPrefix(auth, "Bearer "):
		s.mu.Lock()
		t, ok := s.tokens[strings.TrimPrefix(auth, "Bearer ")]
		s.mu.Unlock()
		if !ok || (!t.expires.IsZero() && s.now().After(t.expires)) {
			writeJSON(w, 401, map[string]any{"error": "invalid_token", "error_description": "The access token provided is expired, revoked, malformed or invalid for other reasons."})
			return "", false
		}
		return t.scope, true
	case strings.HasPrefix(auth, "Basic "):
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(auth, "Basic "))
		user, pass, _ := strings.Cut(string(raw), ":")
		email, isToken := strings.CutSuffix(user, "/token")
		if err == nil && isToken && s.cfg.APITokens[email] == pass && pass != "" {
			return "read write", true
		}
	}
	writeJSON(w, 401, map[string]any{"error": "Couldn't authenticate you"})
	return "", false
}

// serveToken implements POST /oauth/tokens for the client credentials and
// refresh token grants.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.Method != http.MethodPost {
		writeJSON(w, 405, map[string]any{"error": "MethodNotAllowed"})
		return
	}
	var req struct {
		GrantType    string `json:"grant_type"`
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		RefreshToken string `json:"refresh_token"`
		Scope        string `json:"scope"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSON(w, 400, map[string]any{"error": "invalid_request", "error_description": "The request body is not JSON."})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	secret, known := s.cfg.Clients[req.ClientID]
	if !known || secret != req.ClientSecret || req.ClientSecret == "" {
		writeJSON(w, 401, map[string]any{"error": "invalid_client", "error_description": "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."})
		return
	}
	switch req.GrantType {
	case "client_credentials":
	case "refresh_token":
		if _, ok := s.refresh[req.RefreshToken]; !ok {
			writeJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "The refresh token is invalid or expired."})
			return
		}
		delete(s.refresh, req.RefreshToken)
	default:
		writeJSON(w, 400, map[string]any{"error": "unsupported_grant_type", "error_description": "The authorization grant type is not supported."})
		return
	}
	scope := req.Scope
	if scope == "" {
		scope = "read write"
	}
	access := fmt.Sprintf("tok-%d-%d", s.state.id(), s.now().UnixNano())
	refresh := "ref-" + access
	s.tokens[access] = token{scope: strings.ReplaceAll(scope, "hc:", ""), expires: s.now().Add(s.cfg.TokenLifetime)}
	s.refresh[refresh] = token{}
	writeJSON(w, 200, map[string]any{"access_token": access, "token_type": "bearer", "scope": scope,
		"expires_in": int(s.cfg.TokenLifetime / time.Second), "refresh_token": refresh})
}

// ExpireTokens makes every OAuth token issued so far expire now.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, t := range s.tokens {
		if !t.expires.IsZero() {
			t.expires = s.now().Add(-time.Second)
			s.tokens[k] = t
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) { fakehttp.WriteJSON(w, status, v) }
