// Package fakehttp holds what the project's fake servers (the ZenDesk emulator
// and the fake GitHub) share: a log of the requests they served, faults matched
// by method and path, and the response plumbing that records statuses, does work
// without answering, and hangs up after committing.
package fakehttp

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sync"
	"time"
)

// Request is one logged request.
type Request struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Query  string `json:"query"`
	Body   string `json:"body"`
	// Status is the answer's status, 0 when the connection was dropped.
	Status int `json:"status"`
	// Write is set for requests that change state when they succeed.
	Write bool `json:"write"`
}

// Log is a concurrency-safe request log.
type Log struct {
	mu      sync.Mutex
	entries []Request
}

// Add logs a request.
func (l *Log) Add(r Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, r)
}

// Requests returns the requests logged so far.
func (l *Log) Requests() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Request(nil), l.entries...)
}

// Reset forgets the logged requests.
func (l *Log) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = nil
}

// Writes counts the logged requests that changed, or tried to change, state.
func (l *Log) Writes() int {
	n := 0
	for _, r := range l.Requests() {
		if r.Write {
			n++
		}
	}
	return n
}

// Fault affects the next Times requests that match Method (any when empty) and
// PathPattern (a regular expression on the path). What it does is the server's
// Kind; RetryAfter and Delay parameterise it.
type Fault[K any] struct {
	Kind        K
	Method      string
	PathPattern string
	Times       int
	RetryAfter  int
	Delay       time.Duration
	re          *regexp.Regexp
}

// Faults are the faults waiting to fire.
type Faults[K any] struct {
	mu   sync.Mutex
	list []*Fault[K]
}

// Inject adds a fault; Times 0 means once.
func (fs *Faults[K]) Inject(f Fault[K]) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f.re = regexp.MustCompile(f.PathPattern)
	if f.Times == 0 {
		f.Times = 1
	}
	fs.list = append(fs.list, &f)
}

// Take returns the first fault that matches the request, if any, and counts it.
func (fs *Faults[K]) Take(r *http.Request) *Fault[K] {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.list {
		if (f.Method == "" || f.Method == r.Method) && f.re.MatchString(r.URL.Path) {
			f.Times--
			if f.Times <= 0 {
				fs.list = append(fs.list[:i], fs.list[i+1:]...)
			}
			return f
		}
	}
	return nil
}

// Pending counts the faults not yet fired.
func (fs *Faults[K]) Pending() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	n := 0
	for _, f := range fs.list {
		n += f.Times
	}
	return n
}

// Clear removes the faults not yet fired: the outage is over.
func (fs *Faults[K]) Clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = nil
}

// Recorder remembers the status of an answer and tells its server, once, just
// before the answer leaves: a request is logged before the client can see the
// answer, so a test that reads the log after a call finds the call in it.
type Recorder struct {
	http.ResponseWriter
	Status   int
	onAnswer func(status int)
	answered bool
}

// NewRecorder records the answers written to w; the status is 200 until set.
// onAnswer (may be nil) is called once with the status, before the answer is
// sent or, for a request never answered, when Answered is called.
func NewRecorder(w http.ResponseWriter, onAnswer func(status int)) *Recorder {
	return &Recorder{ResponseWriter: w, Status: 200, onAnswer: onAnswer}
}

// Answered calls onAnswer unless it has been called: servers call it before
// hanging up and when a handler returns.
func (r *Recorder) Answered() {
	if r.answered {
		return
	}
	r.answered = true
	if r.onAnswer != nil {
		r.onAnswer(r.Status)
	}
}

// WriteHeader records the status.
func (r *Recorder) WriteHeader(status int) {
	r.Status = status
	r.Answered()
	r.ResponseWriter.WriteHeader(status)
}

// Write sends part of the body (status 200 unless WriteHeader said otherwise).
func (r *Recorder) Write(b []byte) (int, error) {
	r.Answered()
	return r.ResponseWriter.Write(b)
}

// Discard is an answer that is never sent, for work done before hanging up.
type Discard struct{ header http.Header }

// NewDiscard returns an answer that goes nowhere.
func NewDiscard() *Discard { return &Discard{header: http.Header{}} }

// Header returns the headers, which go nowhere.
func (d *Discard) Header() http.Header { return d.header }

// Write drops the bytes.
func (d *Discard) Write(b []byte) (int, error) { return len(b), nil }

// WriteHeader drops the status.
func (d *Discard) WriteHeader(int) {}

// Hangup closes the connection without an answer: the client cannot know
// whether the request was carried out.
func Hangup(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// WriteJSON answers with a JSON value.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
