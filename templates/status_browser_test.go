package templates_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/atlas-release/atlas-release/internal/browsertest"
	"github.com/atlas-release/atlas-release/templates"
)

// TestStatusInBrowser opens the fleet status page from disk in Chromium: it
// must render its three charts, log no error (a script or a style the CSP
// blocks would), make no network request (the ticket links are not
// followed), and keep its charts whole on paper.
func TestStatusInBrowser(t *testing.T) {
	page := filepath.Join(t.TempDir(), "status.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := templates.WriteStatusHTML(f, fleetFixture()); err != nil {
		t.Fatal(err)
	}
	f.Close()

	bctx := browsertest.Start(t, 1280, 1000, 60*time.Second)

	url := "file://" + page
	problems := browsertest.Watch(t, bctx, url)
	if err := chromedp.Do(bctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#timeline svg"))); err != nil {
		t.Fatal(err)
	}
	size := func(sel string) (float64, float64) {
		t.Helper()
		wh, err := chromedp.Run(bctx, chromedp.Evaluate[[]float64](fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return [r.width, r.height] })()`, sel)))
		if err != nil {
			t.Fatal(err)
		}
		return wh[0], wh[1]
	}
	for _, sel := range []string{"#versions svg", "#load svg", "#timeline svg", "#timeline line.today", "#versions rect.bar.latest"} {
		if w, h := size(sel); w <= 0 && h <= 0 {
			t.Errorf("%s is not drawn (%v × %v)", sel, w, h)
		}
	}
	// The bars stand in proportion: every version has one entry here.
	heights, err := chromedp.Run(bctx, chromedp.Evaluate[[]float64](`Array.from(document.querySelectorAll("#versions rect.bar")).map(r => r.getBoundingClientRect().height)`))
	if err != nil || len(heights) != 4 || heights[0] <= 0 || heights[0] != heights[3] {
		t.Errorf("version bars %v %v", heights, err)
	}
	// Today's line sits between the overdue upgrade and the scheduled one.
	xs, err := chromedp.Run(bctx, chromedp.Evaluate[[]float64](`["circle.overdue", "line.today", "circle.scheduled"].map(s => document.querySelector("#timeline " + s).getBoundingClientRect().x)`))
	if err != nil || len(xs) != 3 || !(xs[0] < xs[1] && xs[1] < xs[2]) {
		t.Errorf("timeline x positions %v %v", xs, err)
	}
	shot(t, bctx, filepath.Join(artifacts(t), "status.png"))
	print := chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	})
	if err := chromedp.Do(bctx, print); err != nil {
		t.Fatal(err)
	}
	if w, _ := size("#timeline svg"); w <= 0 {
		t.Error("the timeline is not drawn in the print layout")
	}
	if _, err := chromedp.Run(bctx, chromedp.PrintToPDF()); err != nil {
		t.Fatal(err)
	}
	for _, p := range problems() {
		t.Error(p)
	}
}
