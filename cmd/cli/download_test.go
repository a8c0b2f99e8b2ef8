package cli

import (
	"bufio"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"aead.dev/minisign"

	"github.com/atlas-release/atlas-release/ghrelease"
	"github.com/atlas-release/atlas-release/signing"
	"github.com/atlas-release/atlas-release/zendesk"
)

// storage is a server on another origin that records what it receives.
type storage struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newStorage(t *testing.T) *storage {
	s := &storage{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.seen = append(s.seen, fmt.Sprintf("%s %s Authorization=%q Cookie=%q", r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Cookie")))
		s.mu.Unlock()
		_, _ = io.WriteString(w, "file bytes")
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *storage) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.seen
	s.seen = nil
	return out
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

// TestVerifyURLNeverSendsCredentialsElsewhere: a --url that carries
// credentials (user info) is not followed to another origin — another port of
// the same address, or the same server under another name — whatever the
// status: verify exits 1 saying why, and the other origin receives nothing.
// Without credentials, the redirect to storage is followed, with none.
func TestVerifyURLNeverSendsCredentialsElsewhere(t *testing.T) {
	other := newStorage(t)
	port := other.URL[strings.LastIndex(other.URL, ":")+1:]
	_, key, _ := minisign.GenerateKey(rand.Reader)
	pub := signing.PublicKeyOf(key).String()
	for _, to := range []string{other.URL, "http://localhost:" + port} {
		for _, status := range []int{301, 302, 303, 307, 308} {
			home := redirecting(t, status, to)
			withUser := strings.Replace(home.URL, "http://", "http://customer:s3cret-pass@", 1) + "/atlas-4.3.0.tar.gz"
			code, _, stderr := runCLI(t, nil, "verify", "--url", withUser, "--key", pub, "--download-dir", t.TempDir())
			if code != ExitError || !strings.Contains(stderr, "refusing to follow a redirect") || strings.Contains(stderr, "s3cret-pass") {
				t.Errorf("%d to %s with credentials: exit %d: %s", status, to, code, stderr)
			}
			if got := other.take(); len(got) > 0 {
				t.Errorf("%d to %s with credentials: the other origin received %q", status, to, got)
			}
			// A public download: storage is asked, without credentials.
			file, _, cleanup, err := download(t.Context(), home.URL+"/atlas-4.3.0.tar.gz", t.TempDir())
			if err != nil {
				t.Fatalf("%d to %s: %v", status, to, err)
			}
			cleanup()
			if filepath.Base(file) != "atlas-4.3.0.tar.gz" {
				t.Errorf("downloaded %s", file)
			}
			for _, r := range other.take() {
				if !strings.HasSuffix(r, `Authorization="" Cookie=""`) {
					t.Errorf("%d to %s: storage received %s", status, to, r)
				}
			}
		}
	}
}

// TestDownloadRefusals: plain HTTP elsewhere is refused before anything is
// sent (usage, exit 2), a redirect loop ends, and a server's reason phrase
// never reaches the terminal.
func TestDownloadRefusals(t *testing.T) {
	if _, _, _, err := download(t.Context(), "http://downloads.example/x.tar.gz", t.TempDir()); exitCode(err) != ExitUsage {
		t.Errorf("plain HTTP: %v", err)
	}
	var loop *httptest.Server
	loop = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, loop.URL+r.URL.Path, http.StatusFound)
	}))
	defer loop.Close()
	if _, _, _, err := download(t.Context(), loop.URL+"/x.tar.gz", t.TempDir()); err == nil || !strings.Contains(err.Error(), "redirects") || exitCode(err) != ExitError {
		t.Errorf("a loop: %v", err)
	}
	// A reason phrase with terminal controls, from a raw server.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			r := bufio.NewReader(conn)
			for line, err := r.ReadString('\n'); err == nil && line != "\r\n"; line, err = r.ReadString('\n') {
			}
			_, _ = io.WriteString(conn, "HTTP/1.1 404 Gone\x1b]0;owned\x07\x1b[2J\r\nContent-Length: 0\r\n\r\n")
			conn.Close()
		}
	}()
	_, _, _, err = download(t.Context(), "http://"+ln.Addr().String()+"/x.tar.gz", t.TempDir())
	if err == nil || strings.ContainsAny(err.Error(), "\x1b\x07") || !strings.Contains(err.Error(), strconv.Itoa(404)) {
		t.Errorf("a hostile reason phrase: %q", err)
	}
}

// TestClientRedirectRefusalsExit1: the GitHub and ZenDesk clients' refusal of
// a redirect to another origin is a failure (exit 1), not an auth problem nor
// invalid input.
func TestClientRedirectRefusalsExit1(t *testing.T) {
	other := newStorage(t)
	home := redirecting(t, http.StatusFound, other.URL)
	gh, err := ghrelease.New(ghrelease.Options{APIURL: home.URL + "/api/v3", Token: "ghp_token_0123456789", Repository: "acme/runbooks", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	zd, err := zendesk.New(zendesk.Options{BaseURL: home.URL, Credentials: zendesk.BearerToken("zendesk-token-0123"), MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, zerr := zd.Locales(t.Context())
	for name, err := range map[string]error{"github": gh.Preflight(t.Context()), "zendesk": zerr} {
		if err == nil || !strings.Contains(err.Error(), "refusing to follow a redirect") || exitCode(err) != ExitError {
			t.Errorf("%s: exit %d: %v", name, exitCode(err), err)
		}
	}
	if got := other.take(); len(got) > 0 {
		t.Errorf("the other origin received %q", got)
	}
}
