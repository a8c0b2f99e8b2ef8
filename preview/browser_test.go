package preview

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/atlas-release/atlas-release/internal/browsertest"
	"github.com/atlas-release/atlas-release/internal/example"
	"github.com/atlas-release/atlas-release/internal/synth"
	"github.com/atlas-release/atlas-release/internal/wsfs"
)

// serveDir previews dir over HTTP, watching it, until the test ends.
func serveDir(t *testing.T, dir string) string {
	t.Helper()
	s, err := New(Options{
		Dir:       dir,
		Open:      func() (fs.FS, error) { return wsfs.New(dir) },
		Generator: "atlas-release test",
		Now:       fixedNow,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		// An hour's poll: the test sees the file events, not the fallback.
		s.Watch(ctx, WatchOptions{Poll: time.Hour})
	}()
	srv := httptest.NewServer(s.Handler(false))
	t.Cleanup(func() {
		cancel()
		<-done
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv.URL
}

// saveAndWait writes the file and waits until the open page satisfies cond (a
// JavaScript expression), returning the time from the write to the page.
// The waiter is in place before the write, so no change is missed.
func saveAndWait(t *testing.T, bctx context.Context, file string, data []byte, cond string) time.Duration {
	t.Helper()
	install := fmt.Sprintf(`window.__waited = new Promise((resolve) => {
  const ok = () => { try { return Boolean(%s); } catch (e) { return false; } };
  if (ok()) { resolve("before the write"); return; }
  const mo = new MutationObserver(() => { if (ok()) { mo.disconnect(); resolve("ok"); } });
  mo.observe(document, {childList: true, subtree: true, characterData: true});
}); true`, cond)
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](install)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(bctx, 10*time.Second)
	defer cancel()
	res, err := chromedp.Run(wctx, chromedp.Evaluate[string](`window.__waited`, chromedp.EvalAwaitPromise))
	latency := time.Since(start)
	if err != nil {
		t.Fatalf("waiting for %s: %v", cond, err)
	}
	if res != "ok" {
		t.Fatalf("%s held %s", cond, res)
	}
	return latency
}

func lineOf(data []byte, s string) (line, col int) {
	i := bytes.Index(data, []byte(s))
	before := data[:i]
	return bytes.Count(before, []byte("\n")) + 1, i - bytes.LastIndexByte(before, '\n')
}

// TestLivePreviewInBrowser is the acceptance test of serve: open a release's
// notes, change a feature title on disk and see it without reloading; break
// the manifest and see the error with its line; fix it and see the notes
// again. It logs the edit-to-page latency (a measurement, never asserted).
func TestLivePreviewInBrowser(t *testing.T) {
	bctx := browsertest.Start(t, 1280, 800, 90*time.Second)
	dir := example.Copy(t)
	base := serveDir(t, dir)
	file := filepath.Join(dir, "releases", "4.3.0.yaml")
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	const title = "A gallery of Add It templates"
	if err := chromedp.Do(bctx, chromedp.Navigate(base+notes43), chromedp.WaitVisible(chromedp.CSS("#article-title"))); err != nil {
		t.Fatal(err)
	}
	// A mark that a reload would wipe.
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`window.__notReloaded = true`)); err != nil {
		t.Fatal(err)
	}
	body := `document.getElementById("article-body")`
	var latencies []time.Duration
	for i := range 5 {
		next := fmt.Sprintf("%s, take %d", title, i)
		data := bytes.Replace(good, []byte("title: "+title), []byte("title: "+next), 1)
		latencies = append(latencies, saveAndWait(t, bctx, file, data,
			fmt.Sprintf(`%s && %s.textContent.includes(%q)`, body, body, next)))
	}
	line, col := lineOf(good, "atlas-admin")
	broken := bytes.Replace(good, []byte("role: atlas-admin"), []byte("role: atlas-admn"), 1)
	where := fmt.Sprintf("releases/4.3.0.yaml:%d:%d", line, col)
	brokenLatency := saveAndWait(t, bctx, file, broken,
		fmt.Sprintf(`document.getElementById("problems") && document.getElementById("problems").textContent.includes(%q) && !document.getElementById("article-body")`, where+": error AR0401"))
	fixedLatency := saveAndWait(t, bctx, file, good,
		fmt.Sprintf(`%s && %s.textContent.includes(%q) && !document.getElementById("problems")`, body, body, title))
	kept, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`window.__notReloaded === true`))
	if err != nil {
		t.Fatal(err)
	}
	if !kept {
		t.Fatal("the page reloaded instead of refreshing its content")
	}
	slices.Sort(latencies)
	t.Logf("edit-to-page latency on the example: median %s (min %s, max %s) for a title; %s to show the error; %s to recover",
		latencies[len(latencies)/2], latencies[0], latencies[len(latencies)-1], brokenLatency, fixedLatency)
	reportLatency(t, "example", latencies)
}

// reportLatency writes the measurement where the benchmark numbers of the
// project go, for people to read: never asserted.
func reportLatency(t *testing.T, name string, ds []time.Duration) {
	dir := os.Getenv("ATLAS_ARTIFACTS")
	if dir == "" {
		return
	}
	var b bytes.Buffer
	for _, d := range ds {
		b.WriteString(strconv.FormatInt(d.Microseconds(), 10) + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "preview-latency-"+name+".txt"), b.Bytes(), 0o644); err != nil {
		t.Error(err)
	}
}

// TestLivePreviewLatencySynthetic measures the edit-to-page latency on the
// 40 × 60 synthetic workspace (40 releases of 60 steps), the yardstick
// of 150 ms: logged, never asserted.
func TestLivePreviewLatencySynthetic(t *testing.T) {
	if testing.Short() {
		t.Skip("a measurement")
	}
	bctx := browsertest.Start(t, 1280, 800, 90*time.Second)
	dir := t.TempDir()
	if err := os.CopyFS(dir, synth.Workspace(synth.Options{Releases: 40, Steps: 60, Seed: 1})); err != nil {
		t.Fatal(err)
	}
	manifests, err := filepath.Glob(filepath.Join(dir, "releases", "*.yaml"))
	if err != nil || len(manifests) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	file := manifests[len(manifests)-1]
	version := strings.TrimSuffix(filepath.Base(file), ".yaml")
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	base := serveDir(t, dir)
	if err := chromedp.Do(bctx, chromedp.Navigate(base+"/release/"+version+"/en-us/release-notes"), chromedp.WaitVisible(chromedp.CSS("#article-title"))); err != nil {
		t.Fatal(err)
	}
	body := `document.getElementById("article-body")`
	var latencies []time.Duration
	for i := range 5 {
		next := fmt.Sprintf("Renamed feature %d", i)
		data := bytes.Replace(good, []byte("title: Feature 0,"), []byte("title: "+next+","), 1)
		latencies = append(latencies, saveAndWait(t, bctx, file, data,
			fmt.Sprintf(`%s && %s.textContent.includes(%q)`, body, body, next)))
	}
	slices.Sort(latencies)
	t.Logf("edit-to-page latency on the 40 × 60 workspace: median %s (min %s, max %s)",
		latencies[len(latencies)/2], latencies[0], latencies[len(latencies)-1])
	reportLatency(t, "synthetic-40x60", latencies)
}

// TestLivePreviewAccessible runs axe-core on every kind of page the preview
// serves: the home page, a release's notes and guide, the changelog, the
// runbook page with its plan, and the upgrades.
func TestLivePreviewAccessible(t *testing.T) {
	bctx := browsertest.Start(t, 1280, 800, 120*time.Second)
	base := serveDir(t, example.Copy(t))
	for _, p := range []string{"/", notes43, strings.Replace(notes43, "release-notes", "upgrade-guide", 1), "/changelog",
		"/runbook?from=4.1.0&to=4.3.0", "/upgrades"} {
		if err := chromedp.Do(bctx, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS("#page-title"))); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		browsertest.CheckAxe(t, bctx, p)
	}
}
