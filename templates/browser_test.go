package templates_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Masterminds/semver/v3"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// browser returns the Chromium or Chrome to test with. CI sets
// ATLAS_REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping.
func browser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("ATLAS_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("ATLAS_REQUIRE_BROWSER") == "1" {
		t.Fatal("no Chromium found (install Debian's chromium, or set ATLAS_CHROMIUM)")
	}
	t.Skip("no Chromium found; set ATLAS_REQUIRE_BROWSER=1 to make this a failure")
	return ""
}

// artifacts is where the test keeps its screenshots for people to look at.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ATLAS_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestRunbookInBrowser opens the HTML runbook of the example's 4.1 → 4.3 path, as a
// customer would, from disk: it must load nothing from the network, log no
// error, keep a ticked step across a reload, and show every step when printed,
// even those hidden on screen.
func TestRunbookInBrowser(t *testing.T) {
	exe := browser(t)
	ws, err := releases.Load(os.DirFS("../examples/atlas"))
	if err != nil {
		t.Fatal(err)
	}
	path, err := ws.Plan(mustVersion(t, "4.1.0"), mustVersion(t, "4.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := templates.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	rb := templates.NewRunbook(ws, path, "atlas-release test")
	page := filepath.Join(t.TempDir(), "runbook.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := set.RenderRunbook(f, rb, templates.HTML); err != nil {
		t.Fatal(err)
	}
	f.Close()
	steps := 0
	for _, h := range rb.Hops {
		steps += len(h.Steps)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("user-data-dir", t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	url := "file://" + page
	var mu sync.Mutex
	var problems []string
	note := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	// Start the browser, then record every request and console message.
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	go func() {
		for ev, err := range chromedp.Events(bctx, network.RequestWillBeSent) {
			if err != nil {
				return
			}
			if u := ev.Request.URL; u != url && !strings.HasPrefix(u, "data:") && u != "about:blank" {
				note("network request to %s", u)
			}
		}
	}()
	go func() {
		for m, err := range chromedp.Console(bctx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() || m.Type == chromedp.ConsoleWarning {
				note("console %s", m)
			}
		}
	}()

	progress := func() string {
		t.Helper()
		text, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#progress-text")))
		if err != nil {
			t.Fatal(err)
		}
		return text
	}
	checked := func(key string) bool {
		t.Helper()
		on, err := chromedp.Run(bctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector('input[data-key="%s"]').checked`, key)))
		if err != nil {
			t.Fatal(err)
		}
		return on
	}

	if err := chromedp.Do(bctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("article.step"))); err != nil {
		t.Fatal(err)
	}
	if got, want := progress(), fmt.Sprintf("0 of %d steps done", steps); got != want {
		t.Fatalf("progress %q, want %q", got, want)
	}
	shot(t, bctx, filepath.Join(artifacts(t), "runbook-4.1.0-to-4.3.0.png"))
	for name, sel := range map[string]string{"timeline": ".timeline", "roles": "#roles", "step": "#approve-api-access"} {
		png, err := chromedp.Run(bctx, chromedp.Screenshot(chromedp.CSS(sel)))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(artifacts(t), "runbook-"+name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Tick a step; the tick survives a reload.
	if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`input[data-key="step:deploy-backend"]`))); err != nil {
		t.Fatal(err)
	}
	if got, want := progress(), fmt.Sprintf("1 of %d steps done", steps); got != want {
		t.Fatalf("after a tick, progress %q, want %q", got, want)
	}
	if err := chromedp.Do(bctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("article.step"))); err != nil {
		t.Fatal(err)
	}
	if !checked("step:deploy-backend") {
		t.Fatal("the ticked step is unticked after a reload")
	}
	if checked("step:verify-deployment") {
		t.Fatal("a step that was never ticked is ticked after a reload")
	}
	if got, want := progress(), fmt.Sprintf("1 of %d steps done", steps); got != want {
		t.Fatalf("after a reload, progress %q, want %q", got, want)
	}

	// Hide done steps on screen: the ticked step goes.
	visible := func() int {
		t.Helper()
		n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("article.step")).filter(e => e.getBoundingClientRect().height > 0).length`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS("#hide-done"))); err != nil {
		t.Fatal(err)
	}
	if got := visible(); got != steps-1 {
		t.Fatalf("with done steps hidden, %d steps show, want %d", got, steps-1)
	}
	// On paper every step shows, hidden or not, and the screen-only controls go.
	print := chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	})
	if err := chromedp.Do(bctx, print); err != nil {
		t.Fatal(err)
	}
	if got := visible(); got != steps {
		t.Fatalf("in the print layout, %d of %d steps show", got, steps)
	}
	header, err := chromedp.Run(bctx, chromedp.Evaluate[float64](`document.querySelector("header.top").getBoundingClientRect().height`))
	if err != nil {
		t.Fatal(err)
	}
	if header != 0 {
		t.Fatal("the screen controls show in the print layout")
	}
	pdf, err := chromedp.Run(bctx, chromedp.PrintToPDF())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(artifacts(t), "runbook-4.1.0-to-4.3.0.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	shot(t, bctx, filepath.Join(artifacts(t), "runbook-4.1.0-to-4.3.0-print.png"))

	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Error(p)
	}
}

func shot(t *testing.T, ctx context.Context, file string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", file)
}

func mustVersion(t *testing.T, s string) *semver.Version {
	t.Helper()
	v, err := releases.ParseVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
