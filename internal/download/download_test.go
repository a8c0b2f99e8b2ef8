package download

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/atlas-release/atlas-release/internal/safehttp"
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

// TestSignedNeverSendsCredentialsElsewhere: a URL that carries credentials
// (user info) is not followed to another origin — another port of the same
// address, or the same server under another name — whatever the status: the
// refusal says why without the password, and the other origin receives
// nothing. Without credentials, the redirect to storage is followed, with none.
func TestSignedNeverSendsCredentialsElsewhere(t *testing.T) {
	other := newStorage(t)
	port := other.URL[strings.LastIndex(other.URL, ":")+1:]
	for _, to := range []string{other.URL, "http://localhost:" + port} {
		for _, status := range []int{301, 302, 303, 307, 308} {
			home := redirecting(t, status, to)
			withUser := strings.Replace(home.URL, "http://", "http://customer:s3cret-pass@", 1) + "/atlas-4.3.0.tar.gz"
			_, err := Signed(t.Context(), withUser, t.TempDir())
			if !safehttp.IsRefused(err) || !strings.Contains(err.Error(), "refusing to follow a redirect") || strings.Contains(err.Error(), "s3cret-pass") {
				t.Errorf("%d to %s with credentials: %v", status, to, err)
			}
			if got := other.take(); len(got) > 0 {
				t.Errorf("%d to %s with credentials: the other origin received %q", status, to, got)
			}
			// A public download: storage is asked, without credentials.
			d, err := Signed(t.Context(), home.URL+"/atlas-4.3.0.tar.gz", t.TempDir())
			if err != nil {
				t.Fatalf("%d to %s: %v", status, to, err)
			}
			d.Remove()
			if filepath.Base(d.File) != "atlas-4.3.0.tar.gz" {
				t.Errorf("downloaded %s", d.File)
			}
			for _, r := range other.take() {
				if !strings.HasSuffix(r, `Authorization="" Cookie=""`) {
					t.Errorf("%d to %s: storage received %s", status, to, r)
				}
			}
		}
	}
}

// TestRefusals: a URL that cannot be used is invalid input before anything
// is sent, a redirect loop ends, and a server's reason phrase never reaches
// the terminal.
func TestRefusals(t *testing.T) {
	for _, raw := range []string{"http://downloads.example/x.tar.gz", "not a url", "https://downloads.example/", "https://downloads.example/.hidden"} {
		if _, err := Signed(t.Context(), raw, t.TempDir()); !errors.Is(err, ErrInvalidURL) {
			t.Errorf("%s: %v, want ErrInvalidURL", raw, err)
		}
	}
	var loop *httptest.Server
	loop = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, loop.URL+r.URL.Path, http.StatusFound)
	}))
	defer loop.Close()
	if _, err := Signed(t.Context(), loop.URL+"/x.tar.gz", t.TempDir()); err == nil || !strings.Contains(err.Error(), "redirects") || errors.Is(err, ErrInvalidURL) {
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
	_, err = Signed(t.Context(), "http://"+ln.Addr().String()+"/x.tar.gz", t.TempDir())
	if err == nil || strings.ContainsAny(err.Error(), "\x1b\x07") || !strings.Contains(err.Error(), strconv.Itoa(404)) {
		t.Errorf("a hostile reason phrase: %q", err)
	}
}

// TestKeepAndRemove: nothing lands in the folder until Keep; Remove leaves
// only what was kept; a file already there is never overwritten, and nothing
// is asked of the server then.
func TestKeepAndRemove(t *testing.T) {
	srv := newStorage(t)
	dir := t.TempDir()
	d, err := Signed(t.Context(), srv.URL+"/atlas-4.3.0.tar.gz", dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.take(); len(got) != 2 || !strings.HasPrefix(got[0], "GET /atlas-4.3.0.tar.gz.minisig ") {
		t.Fatalf("requests %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "atlas-4.3.0.tar.gz")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("in the folder before Keep: %v", err)
	}
	kept, err := d.Keep()
	if err != nil || kept != filepath.Join(dir, "atlas-4.3.0.tar.gz") {
		t.Fatalf("Keep = %s, %v", kept, err)
	}
	d.Remove()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("left %d entries, want the file and its signature", len(entries))
	}
	_, err = Signed(t.Context(), srv.URL+"/atlas-4.3.0.tar.gz", dir)
	if !errors.Is(err, fs.ErrExist) || err.Error() != filepath.Join(dir, "atlas-4.3.0.tar.gz")+" already exists" {
		t.Errorf("a second download: %v", err)
	}
	if got := srv.take(); len(got) > 0 {
		t.Errorf("the server was asked %q", got)
	}
}

// TestSignatureFirst: the small, capped signature is fetched before the file,
// so a download without one fails before any of a large (or endless) file is
// fetched.
func TestSignatureFirst(t *testing.T) {
	var asked []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.URL.Path)
		mu.Unlock()
		if strings.HasSuffix(r.URL.Path, ".minisig") {
			http.NotFound(w, r)
			return
		}
		// An endless file: the test would hang if it were fetched.
		for {
			if _, err := w.Write(make([]byte, 1<<16)); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	_, err := Signed(t.Context(), srv.URL+"/atlas-4.3.0.tar.gz", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "signature") {
		t.Fatalf("a download without a signature: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 1 || asked[0] != "/atlas-4.3.0.tar.gz.minisig" {
		t.Errorf("asked for %q, want only the signature", asked)
	}
}
