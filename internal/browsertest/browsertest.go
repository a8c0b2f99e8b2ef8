// Package browsertest starts the real Chromium that the project's page tests
// (the runbook page, the status page, the live preview) measure pages in. CI
// sets ATLAS_REQUIRE_BROWSER=1 so that a missing browser fails instead of
// skipping; ATLAS_CHROMIUM names another binary.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

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
