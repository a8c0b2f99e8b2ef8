package cli

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/internal/example"
)

func serveFactory(t *testing.T, dir string) (*Factory, *bytes.Buffer) {
	t.Helper()
	ios, _, out, _ := TestIO()
	return &Factory{
		IO:     ios,
		Getenv: func(string) string { return "" },
		Dir:    dir,
		Now:    func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) },
		Build:  BuildInfo{Version: "v0.0.0-test"},
	}, out
}

// TestServeAddresses: the preview listens on loopback unless the flag that
// says "unauthenticated" is given.
func TestServeAddresses(t *testing.T) {
	dir := example.Copy(t)
	for _, tt := range []struct {
		name      string
		opts      ServeOptions
		addrGiven bool
		want      string
	}{
		{"all interfaces", ServeOptions{Addr: "0.0.0.0:8080"}, true, "not a loopback address; to listen there without authentication, use --unauthenticated-addr"},
		{"empty host", ServeOptions{Addr: ":8080"}, true, "not a loopback address"},
		{"a name", ServeOptions{Addr: "preview.example:8080"}, true, "not a loopback address"},
		{"a private address", ServeOptions{Addr: "10.0.0.5:8080"}, true, "not a loopback address"},
		{"no port", ServeOptions{Addr: "127.0.0.1"}, true, "missing port"},
		{"both", ServeOptions{Addr: "127.0.0.1:1", UnauthenticatedAddr: "0.0.0.0:1"}, true, "give one"},
		{"no poll", ServeOptions{Addr: "127.0.0.1:0"}, true, "--poll must be positive"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := serveFactory(t, dir)
			opts := tt.opts
			opts.F = f
			err := serveRun(t.Context(), &opts, tt.addrGiven)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if code := exitCode(err); code != ExitUsage {
				t.Errorf("exit code %d, want %d", code, ExitUsage)
			}
		})
	}
}

func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files = append(files, p+" "+info.ModTime().String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// TestServeRuns starts serve on a copy of the example, reads its home page,
// stops it with the context (Ctrl-C), and finds the workspace untouched.
func TestServeRuns(t *testing.T) {
	dir := example.Copy(t)
	before := listFiles(t, dir)
	f, out := serveFactory(t, dir)
	ready := make(chan string, 1)
	opts := &ServeOptions{F: f, Addr: "127.0.0.1:0", Poll: time.Hour, ready: func(a string) { ready <- a }}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- serveRun(ctx, opts, true) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve ended: %v", err)
	}
	for _, tt := range []struct {
		host string
		code int
		want string
	}{
		{"", 200, "validate with no problems"},
		{"attacker.example", http.StatusMisdirectedRequest, "only to localhost"},
	} {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		if tt.host != "" {
			req.Host = tt.host
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.code || !strings.Contains(string(body), tt.want) {
			t.Errorf("Host %q: %d %.200s, want %d with %q", tt.host, res.StatusCode, body, tt.code, tt.want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after Ctrl-C", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not stop")
	}
	if after := listFiles(t, dir); !slices.Equal(before, after) {
		t.Errorf("serve changed the workspace:\nbefore %v\nafter  %v", before, after)
	}
	if !strings.Contains(out.String(), "Previewing "+dir+" at http://127.0.0.1:") {
		t.Errorf("stdout %q", out)
	}
}
