package cli

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// runCLI runs the command line in-process with buffered streams and the given
// environment, as a script would see it.
func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ios, _, out, errOut := TestIO()
	f := &Factory{
		IO:     ios,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) },
		Build:  BuildInfo{Version: "v0.0.0-test"},
	}
	code = run(f, args)
	return code, out.String(), errOut.String()
}

// otherOrigin is a server on another origin than the one asked; it counts
// the requests that reach it, which must be none.
func otherOrigin(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { n.Add(1) }))
	t.Cleanup(srv.Close)
	return srv, &n
}

// redirecting answers every request with status to the same path on to.
func redirecting(t *testing.T, status int, to string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", to+r.URL.Path)
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv
}
