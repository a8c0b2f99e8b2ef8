package preview

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/internal/example"
	"github.com/atlas-release/atlas-release/internal/synth"
	"github.com/atlas-release/atlas-release/internal/wsfs"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// fixedNow is the preview's clock in tests.
func fixedNow() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) }

// newServer previews a fresh copy of the example.
func newServer(t *testing.T) (*Server, string) {
	t.Helper()
	dir := example.Copy(t)
	s, err := New(Options{
		Dir:       dir,
		Open:      func() (fs.FS, error) { return wsfs.New(dir) },
		Generator: "atlas-release test",
		Now:       fixedNow,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

func get(t *testing.T, h http.Handler, target string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "http://127.0.0.1:8080"+target, nil))
	return rec.Code, rec.Body.String()
}

const notes43 = "/release/4.3.0/en-us/release-notes"

func TestPages(t *testing.T) {
	s, _ := newServer(t)
	h := s.Handler(false)
	for _, tt := range []struct {
		target string
		code   int
		want   []string
	}{
		{"/", 200, []string{"2023 Q", "4.3.0", "released", "validate with no problems", `href="` + notes43 + `"`, `href="/release/4.3.0/de/upgrade-guide"`}},
		{notes43, 200, []string{`<article class="hc">`, `id="article-title"`, "A gallery of Add It templates"}},
		{"/release/4.3.0/de/release-notes", 200, []string{`<article class="hc">`, `href="upgrade-guide.de.html"`}},
		// The notes' link to the guide beside them, as in a cut, leads to it.
		{"/release/4.3.0/de/upgrade-guide.de.html", 200, []string{`<article class="hc">`, "Upgrade"}},
		{"/release/4.3.0/en-us/upgrade-guide.html", 200, []string{`<article class="hc">`}},
		{"/release/4.3.0/en-us/upgrade-guide.de.html", 404, nil},
		{"/release/4.3.0/en-us/upgrade-guide", 200, []string{`<article class="hc">`}},
		{"/changelog", 200, []string{"4.3.0", "4.0.0"}},
		{"/runbook?from=4.1.0&to=4.3.0", 200, []string{`src="/runbook.html?from=4.1.0&amp;to=4.3.0"`, `id="plan"`, `&#34;from&#34;: &#34;4.1.0&#34;`}},
		{"/runbook?from=4.3.0&to=4.1.0", 200, []string{`class="error"`}},
		{"/upgrades", 200, []string{"contoso"}},
		{"/schemas/manifest.schema.json", 200, []string{`"atlas-admin"`, "enumDescriptions"}},
		{"/schemas/nothing.schema.json", 404, nil},
		{"/schemas/..%2Fatlas-release.yaml", 404, nil},
		{"/release/4.3.0/xx/release-notes", 404, nil},
		{"/release/9.9.9/en-us/release-notes", 200, []string{`class="error"`, "9.9.9"}},
		{"/release/not-a-version/en-us/release-notes", 404, nil},
		{"/release/4.3.0/en-us/secrets", 404, nil},
	} {
		t.Run(tt.target, func(t *testing.T) {
			code, body := get(t, h, tt.target)
			if code != tt.code {
				t.Fatalf("status %d, want %d: %.300s", code, tt.code, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("no %q in %.2000s", w, body)
				}
			}
		})
	}
}

// TestRunbookIsTheBundlePage: the runbook served is the bundle's, byte for byte.
func TestRunbookIsTheBundlePage(t *testing.T) {
	s, dir := newServer(t)
	ws, err := releases.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	p, err := ws.Plan(semver.MustParse("4.1.0"), semver.MustParse("4.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := templates.Load(ws.FS)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := set.RenderRunbook(&want, templates.NewRunbook(ws, p, "atlas-release test"), templates.HTML); err != nil {
		t.Fatal(err)
	}
	_, got := get(t, s.Handler(false), "/runbook.html?from=4.1.0&to=4.3.0")
	if got != want.String() {
		t.Error("the served runbook differs from the bundle's runbook.html")
	}
}

// TestBrokenThenFixed: a page whose input no longer validates shows the
// problems, never the stale render, and comes back after a good save.
func TestBrokenThenFixed(t *testing.T) {
	s, dir := newServer(t)
	h := s.Handler(false)
	file := filepath.Join(dir, "releases", "4.3.0.yaml")
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	renamed := bytes.Replace(good, []byte("title: A gallery of Add It templates"), []byte("title: A brand-new gallery"), 1)
	broken := bytes.Replace(good, []byte("role: atlas-admin"), []byte("role: atlas-admn"), 1)
	for _, step := range []struct {
		name    string
		data    []byte
		want    []string
		notWant []string
	}{
		{"renamed", renamed, []string{"A brand-new gallery"}, []string{"A gallery of Add It templates", "does not validate"}},
		{"broken", broken, []string{"does not validate", "releases/4.3.0.yaml:", "AR0401", `href="vscode://file/`}, []string{`<article class="hc">`}},
		{"fixed", good, []string{"A gallery of Add It templates"}, []string{"does not validate", "AR0401"}},
	} {
		if err := os.WriteFile(file, step.data, 0o644); err != nil {
			t.Fatal(err)
		}
		s.Reload()
		_, body := get(t, h, notes43)
		for _, w := range step.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: no %q in %.1500s", step.name, w, body)
			}
		}
		for _, w := range step.notWant {
			if strings.Contains(body, w) {
				t.Errorf("%s: %q in the page", step.name, w)
			}
		}
	}
}

// TestReloadIsAFreshLoad: after saves, the pages a server serves from its
// reloads, which reuse the files a save did not change, are byte for byte
// those of a server that loads everything afresh.
func TestReloadIsAFreshLoad(t *testing.T) {
	s, dir := newServer(t)
	file := filepath.Join(dir, "releases", "4.3.0.yaml")
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{"/", notes43, "/release/4.3.0/de/release-notes", "/release/4.3.0/en-us/upgrade-guide",
		"/release/4.2.0/de/upgrade-guide", "/changelog", "/runbook?from=4.1.0&to=4.3.0", "/runbook.html?from=4.0.0&to=4.3.0", "/upgrades"}
	for _, step := range []struct {
		name string
		data []byte
	}{
		{"renamed", bytes.Replace(good, []byte("title: A gallery of Add It templates"), []byte("title: A brand-new gallery"), 1)},
		{"broken", bytes.Replace(good, []byte("role: atlas-admin"), []byte("role: atlas-admn"), 1)},
		{"garbled", append(bytes.Clone(good), "\nsteps: [\n"...)},
		{"fixed", good},
	} {
		if err := os.WriteFile(file, step.data, 0o644); err != nil {
			t.Fatal(err)
		}
		s.Reload()
		fresh, err := New(Options{Dir: dir, Open: func() (fs.FS, error) { return wsfs.New(dir) }, Generator: "atlas-release test", Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		// The pages name their generation: the fresh server's is 0.
		fresh.current.gen = s.snapshot().gen
		for _, target := range pages {
			gotCode, got := get(t, s.Handler(false), target)
			wantCode, want := get(t, fresh.Handler(false), target)
			if gotCode != wantCode || got != want {
				t.Errorf("%s, %s: the reloaded server's page (%d, %d bytes) differs from a fresh load's (%d, %d bytes)", step.name, target, gotCode, len(got), wantCode, len(want))
			}
		}
	}
}

// TestWorkspaceGoneThenBack: a deleted or garbled workspace file shows why in
// place of every page, and the pages come back when it is restored.
func TestWorkspaceGoneThenBack(t *testing.T) {
	s, dir := newServer(t)
	h := s.Handler(false)
	config := filepath.Join(dir, releases.ConfigFile)
	good, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		edit func() error
		want string
	}{
		{"deleted", func() error { return os.Remove(config) }, "load the workspace"},
		{"garbled", func() error { return os.WriteFile(config, []byte("roles: [\n"), 0o644) }, "atlas-release.yaml:"},
	} {
		if err := tt.edit(); err != nil {
			t.Fatal(err)
		}
		s.Reload()
		for _, target := range []string{"/", notes43, "/changelog", "/runbook", "/upgrades"} {
			code, body := get(t, h, target)
			if code != http.StatusOK || !strings.Contains(body, tt.want) || strings.Contains(body, `<article class="hc">`) {
				t.Errorf("%s, %s: %d without %q or with a stale article: %.300s", tt.name, target, code, tt.want, body)
			}
		}
		if err := os.WriteFile(config, good, 0o644); err != nil {
			t.Fatal(err)
		}
		s.Reload()
		if _, body := get(t, h, notes43); !strings.Contains(body, `<article class="hc">`) {
			t.Errorf("%s: the notes did not come back", tt.name)
		}
	}
}

func TestEditorURL(t *testing.T) {
	for _, tt := range []struct {
		root string
		d    releases.Diagnostic
		want string
	}{
		{"/home/ann/atlas", releases.Diagnostic{File: "releases/4.3.0.yaml", Pos: releases.Pos{Line: 19, Col: 11}}, "vscode://file/home/ann/atlas/releases/4.3.0.yaml:19:11"},
		{"/home/ann/my atlas", releases.Diagnostic{File: "releases/4.5 draft.yaml"}, "vscode://file/home/ann/my%20atlas/releases/4.5%20draft.yaml:1:1"},
		{"/w", releases.Diagnostic{File: `a"><script>.yaml`, Pos: releases.Pos{Line: 2, Col: 3}}, "vscode://file/w/a%22%3E%3Cscript%3E.yaml:2:3"},
	} {
		if got := string(editorURL(tt.root, tt.d)); got != tt.want {
			t.Errorf("editorURL(%q, %q) = %q, want %q", tt.root, tt.d.File, got, tt.want)
		}
	}
}

// TestHostCheck: on loopback, a request through another name (DNS rebinding)
// is refused; --unauthenticated-addr answers any.
func TestHostCheck(t *testing.T) {
	s, _ := newServer(t)
	for _, tt := range []struct {
		host    string
		anyHost bool
		code    int
	}{
		{"127.0.0.1:8080", false, 200},
		{"localhost:8080", false, 200},
		{"[::1]:8080", false, 200},
		{"LOCALHOST", false, 200},
		{"attacker.example:8080", false, http.StatusMisdirectedRequest},
		{"127.0.0.1.attacker.example", false, http.StatusMisdirectedRequest},
		{"10.0.0.5:8080", false, http.StatusMisdirectedRequest},
		{"attacker.example", true, 200},
	} {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/", nil)
		req.Host = tt.host
		rec := httptest.NewRecorder()
		s.Handler(tt.anyHost).ServeHTTP(rec, req)
		if rec.Code != tt.code {
			t.Errorf("Host %s (any %v): %d, want %d", tt.host, tt.anyHost, rec.Code, tt.code)
		}
	}
}

// readEvent reads one server-sent event's data.
func readEvent(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := strings.CutPrefix(line, "data: "); ok {
			return strings.TrimSpace(d)
		}
	}
}

// TestWatchSendsEvents: a save on disk reaches an open event stream through
// the watcher, without a manual reload; a write into dist/ does not.
func TestWatchSendsEvents(t *testing.T) {
	s, dir := newServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Watch(ctx, WatchOptions{Poll: time.Hour})
	}()
	srv := httptest.NewServer(s.Handler(true))
	defer srv.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	r := bufio.NewReader(res.Body)
	if got := readEvent(t, r); got != "0" {
		t.Fatalf("first generation %s, want 0", got)
	}
	// The watcher may start after this write; the poll would catch it only in
	// an hour, so write until an event comes.
	got := make(chan string, 1)
	go func() { got <- readEvent(t, r) }()
	file := filepath.Join(dir, "releases", "4.3.0.yaml")
	for i := 0; ; i++ {
		if err := os.MkdirAll(filepath.Join(dir, "dist"), 0o755); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(file)
		if err := os.WriteFile(file, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		select {
		case g := <-got:
			if g == "0" {
				t.Fatalf("generation did not change")
			}
			cancel()
			<-done
			return
		case <-time.After(50 * time.Millisecond):
		}
		if i == 100 {
			t.Fatal("no event after saving the manifest for 5s")
		}
	}
}

// TestFingerprint: the poll fallback notices a new file, and ignores dist/.
func TestFingerprint(t *testing.T) {
	dir := example.Copy(t)
	before := fingerprint(dir)
	if err := os.WriteFile(filepath.Join(dir, "dist-not-skipped.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fingerprint(dir) == before {
		t.Fatal("a new file does not change the fingerprint")
	}
	before = fingerprint(dir)
	if err := os.MkdirAll(filepath.Join(dir, "dist", "4.3.0"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dist", "4.3.0", "notes.md"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fingerprint(dir) != before {
		t.Fatal("a write into dist/ changes the fingerprint")
	}
}

// FuzzLoopbackHost: no Host header panics the check, and whatever passes it
// names localhost or a loopback address.
func FuzzLoopbackHost(f *testing.F) {
	for _, seed := range []string{"127.0.0.1:8080", "localhost", "[::1]:80", "127.0.0.1.evil.example", "[", "]:", "::1", "LOCALHOST:0", "0x7f.1", "127.1", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, host string) {
		if !loopbackHost(host) {
			return
		}
		h := host
		if hh, _, err := net.SplitHostPort(host); err == nil {
			h = hh
		}
		h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
		if ip := net.ParseIP(h); !strings.EqualFold(h, "localhost") && (ip == nil || !ip.IsLoopback()) {
			t.Fatalf("%q passes as loopback", host)
		}
	})
}

// BenchmarkReloadAndRender is the server's share of the edit-to-page latency
// on the 40 × 60 synthetic workspace: reload (load, validate, templates) and
// render the newest release's notes. The browser test measures the rest.
// Nothing changes between reloads, so every file's decoding is reused;
// BenchmarkSaveReloadAndRender saves a manifest first, as an author does.
func BenchmarkReloadAndRender(b *testing.B) { benchmarkReload(b, false) }

// BenchmarkSaveReloadAndRender is BenchmarkReloadAndRender after a save of the
// newest manifest that changes a feature's title: the reload parses that file.
func BenchmarkSaveReloadAndRender(b *testing.B) { benchmarkReload(b, true) }

func benchmarkReload(b *testing.B, save bool) {
	dir := b.TempDir()
	if err := os.CopyFS(dir, synth.Workspace(synth.Options{Releases: 40, Steps: 60, Seed: 1})); err != nil {
		b.Fatal(err)
	}
	s, err := New(Options{Dir: dir, Open: func() (fs.FS, error) { return wsfs.New(dir) }, Generator: "bench", Now: fixedNow})
	if err != nil {
		b.Fatal(err)
	}
	latest, err := s.snapshot().ws.Latest()
	if err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(dir, filepath.FromSlash(latest.File()))
	good, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler(true)
	target := "/release/" + latest.Version + "/en-us/release-notes"
	i := 0
	for b.Loop() {
		want := "Feature 0"
		if save {
			i++
			want = fmt.Sprintf("Renamed feature %d", i)
			if err := os.WriteFile(file, bytes.Replace(good, []byte("title: Feature 0,"), []byte("title: "+want+","), 1), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		s.Reload()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequestWithContext(b.Context(), http.MethodGet, target, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		if !strings.Contains(rec.Body.String(), want) {
			b.Fatalf("the page does not show %q", want)
		}
	}
}
