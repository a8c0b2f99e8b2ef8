// Package browsertest starts the real Chromium that the project's page tests
// (the runbook page, the status page, the live preview) measure pages in. CI
// sets ATLAS_REQUIRE_BROWSER=1 so that a missing browser fails instead of
// skipping; ATLAS_CHROMIUM names another binary.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Exec returns the Chromium or Chrome to test with, skipping the test (or
// failing it under ATLAS_REQUIRE_BROWSER=1) when there is none.
func Exec(t testing.TB) string {
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

// Start starts a headless Chromium with a fresh profile and a window of width
// × height, and returns a tab's context; the browser ends with the test, or
// after timeout.
func Start(t testing.TB, width, height int, timeout time.Duration) context.Context {
	t.Helper()
	exe := Exec(t)
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("user-data-dir", t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	return bctx
}

// Watch opens a blank page in the tab, then records from there on every
// network request other than to page (data: URLs and about:blank aside) and
// every console error, warning or exception. The pages under test are
// self-contained: the returned function lists what they should not have done.
func Watch(t testing.TB, ctx context.Context, page string) func() []string {
	t.Helper()
	var mu sync.Mutex
	var problems []string
	note := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	go func() {
		for ev, err := range chromedp.Events(ctx, network.RequestWillBeSent) {
			if err != nil {
				return
			}
			if u := ev.Request.URL; u != page && !strings.HasPrefix(u, "data:") && u != "about:blank" {
				note("network request to %s", u)
			}
		}
	}()
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() || m.Type == chromedp.ConsoleWarning {
				note("console %s", m)
			}
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(problems)
	}
}
