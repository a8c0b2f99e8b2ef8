package templates_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Masterminds/semver/v3"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/atlas-release/atlas-release/internal/browsertest"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

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

	bctx := browsertest.Start(t, 1280, 1000, 60*time.Second)

	url := "file://" + page
	problems := browsertest.Watch(t, bctx, url)

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

	for _, p := range problems() {
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

// install names, where the tests take the version a runbook upgrades from, the
// deployment of 4.3 on a new tenant.
const install = "install"

// plan composes the example's path from a version to 4.3, or with from
// install, the deployment of 4.3 on a new tenant.
func plan(t *testing.T, ws *releases.Workspace, from string) *releases.Path {
	t.Helper()
	var p *releases.Path
	var err error
	if from == install {
		p, err = ws.InstallPlan(mustVersion(t, "4.3.0"))
	} else {
		p, err = ws.Plan(mustVersion(t, from), mustVersion(t, "4.3.0"))
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// runbookPage writes the HTML runbook of the example's path from a version to
// 4.3 (or of its install, from install) into a temporary file and returns its
// file URL.
func runbookPage(t *testing.T, from string) string {
	t.Helper()
	ws, err := releases.Load(os.DirFS("../examples/atlas"))
	if err != nil {
		t.Fatal(err)
	}
	path := plan(t, ws, from)
	set, err := templates.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := set.RenderRunbook(&b, templates.NewRunbook(ws, path, "atlas-release test"), templates.HTML); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "runbook.html")
	if err := os.WriteFile(page, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return "file://" + page
}

// open loads url in a viewport of the given size, from a blank page so that a
// URL with a fragment is a real load, not a same-document navigation.
func open(t *testing.T, ctx context.Context, url string, width, height int64) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height), chromedp.Navigate("about:blank"),
		chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("article.step"))); err != nil {
		t.Fatal(err)
	}
}

// evaluate runs a script, awaiting its promise, and returns its result.
func evaluate[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%v\n%s", err, js)
	}
	return v
}

// colourScheme emulates a media type ("" for the screen, or "print") and the
// reader's prefers-color-scheme ("" for none, "light" or "dark").
func colourScheme(media, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Media: media, Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: value}}})
		return err
	})
}

// box is an element's bounding box in CSS px.
type box struct{ Top, Bottom, Height float64 }

// TestRunbookFirstScreen measures, at 1280×800, that the facts an administrator
// needs — who, how long, what goes offline, content freeze, how many windows,
// Global Administrator blocks — are all on the first screen.
func TestRunbookFirstScreen(t *testing.T) {
	ctx := browsertest.Start(t, 1280, 800, 90*time.Second)
	for _, from := range []string{"4.0.0", "4.1.0", "4.2.0", install} {
		open(t, ctx, runbookPage(t, from), 1280, 800)
		facts := evaluate[box](t, ctx, `(() => { const r = document.querySelector("#at-a-glance .facts").getBoundingClientRect(); return {top: r.top, bottom: r.bottom, height: r.height}; })()`)
		t.Logf("%s → 4.3.0: facts from %.0f to %.0f px", from, facts.Top, facts.Bottom)
		if facts.Top < 0 || facts.Bottom > 800 {
			t.Errorf("%s → 4.3.0: the facts span %.0f–%.0f px, want them within the first 800 px", from, facts.Top, facts.Bottom)
		}
		terms := evaluate[[]string](t, ctx, `Array.from(document.querySelectorAll("#at-a-glance .facts dt")).map(e => e.textContent)`)
		wants := []string{"Who must be present", "Maintenance windows", "Hands-on effort", "Outages", "Content freeze", "Global Administrator"}
		if from == install { // a new tenant has no service to interrupt and no content to freeze
			wants = slices.DeleteFunc(wants, func(s string) bool { return s == "Outages" || s == "Content freeze" })
		}
		for _, want := range wants {
			if !slices.Contains(terms, want) {
				t.Errorf("%s → 4.3.0: the facts %q lack %q", from, terms, want)
			}
		}
	}
}

// TestRunbookOnPhone measures the page at 390 px wide: the page itself never
// scrolls sideways (wide tables scroll inside their own box), and the sticky
// header holds one line.
func TestRunbookOnPhone(t *testing.T) {
	ctx := browsertest.Start(t, 1280, 800, 90*time.Second)
	for _, from := range []string{"4.0.0", "4.1.0", "4.2.0", install} {
		open(t, ctx, runbookPage(t, from), 390, 844)
		type measure struct {
			ScrollWidth, InnerWidth float64
			Header                  float64
			Tops                    []float64
			Line                    float64
			Lines                   []float64
		}
		m := evaluate[measure](t, ctx, `(() => {
			const h = document.querySelector("header.top");
			const shown = Array.from(h.children).filter(e => e.getBoundingClientRect().height > 0);
			return {
				scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth,
				header: h.getBoundingClientRect().height,
				tops: shown.map(e => e.getBoundingClientRect().top),
				line: parseFloat(getComputedStyle(h).lineHeight) || 1.5 * parseFloat(getComputedStyle(h).fontSize),
				lines: shown.map(e => e.getBoundingClientRect().height),
			};
		})()`)
		t.Logf("%s → 4.3.0 at 390 px: page %v px wide in %v; header %.0f px, children at %v, heights %v", from, m.ScrollWidth, m.InnerWidth, m.Header, m.Tops, m.Lines)
		if m.ScrollWidth > m.InnerWidth {
			wide := evaluate[[]string](t, ctx, `Array.from(document.querySelectorAll("main *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5).slice(0, 5).map(e => e.tagName + "." + e.className + " " + e.textContent.slice(0, 40))`)
			t.Errorf("%s → 4.3.0: the page is %v px wide in a %v px window; too wide: %q", from, m.ScrollWidth, m.InnerWidth, wide)
		}
		if len(m.Tops) == 0 || slices.Max(m.Tops)-slices.Min(m.Tops) > 4 || slices.Max(m.Lines) > 2*m.Line {
			t.Errorf("%s → 4.3.0: the sticky header (%.0f px) wraps: its parts start at %v px, %v px high", from, m.Header, m.Tops, m.Lines)
		}
	}
}

// TestRunbookAnchors follows every way to a step — the page opened at
// runbook.html#<step>, a link of the contents, a link of the timeline — on a
// desktop and a phone, and measures that the step's title lands below the
// sticky header, not under it.
func TestRunbookAnchors(t *testing.T) {
	ctx := browsertest.Start(t, 1280, 800, 90*time.Second)
	// below measures the target's title against the header after a navigation.
	const below = `function below(id) {
		const target = document.getElementById(id);
		const title = target.matches("h2, h3") ? target : target.querySelector("h2, h3") || target;
		const r = title.getBoundingClientRect(), header = document.querySelector("header.top").getBoundingClientRect().bottom;
		return r.top >= header - 0.5 && r.top < window.innerHeight ? "" : id + ": title at " + Math.round(r.top) + " px, header ends at " + Math.round(header) + " px";
	}`
	for _, c := range []struct {
		from string
		w, h int64
	}{{"4.0.0", 1280, 800}, {"4.0.0", 390, 844}, {install, 1280, 800}} {
		url, size := runbookPage(t, c.from), c
		open(t, ctx, url+"#deploy-backend", size.w, size.h)
		if bad := evaluate[string](t, ctx, "("+below+`)("deploy-backend")`); bad != "" {
			t.Errorf("%d px, opened at #deploy-backend: %s", size.w, bad)
		}
		for _, links := range []string{"nav.index a", ".timeline a", "article.step .anchor"} {
			bad := evaluate[[]string](t, ctx, `(async () => {
				`+below+`
				const bad = [];
				for (const a of document.querySelectorAll(`+"`"+links+"`"+`)) {
					window.scrollTo(0, 0);
					a.click();
					await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
					const why = below(a.getAttribute("href").slice(1));
					if (why) { bad.push(why); }
				}
				return bad;
			})()`)
			if len(bad) > 0 {
				t.Errorf("%d px, following %s: %d titles hidden, first %q", size.w, links, len(bad), bad[:min(3, len(bad))])
			}
		}
	}
}

// TestRunbookDarkAndRemembered measures the body's background with the reader's
// colour scheme emulated — dark on a dark screen, light on a light one and on
// paper — and that "hide done steps" survives a reload like the ticks.
func TestRunbookDarkAndRemembered(t *testing.T) {
	ctx := browsertest.Start(t, 1280, 800, 90*time.Second)
	url := runbookPage(t, "4.1.0")
	scheme := colourScheme
	// luminance is the body's background luminance, 0 black to 1 white.
	const luminance = `(() => { const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number); return (0.2126*r + 0.7152*g + 0.0722*b) / 255; })()`
	open(t, ctx, url, 1280, 800)
	for _, c := range []struct {
		media, scheme string
		dark          bool
	}{{"", "dark", true}, {"", "light", false}, {"print", "dark", false}} {
		if err := chromedp.Do(ctx, scheme(c.media, c.scheme)); err != nil {
			t.Fatal(err)
		}
		l := evaluate[float64](t, ctx, luminance)
		t.Logf("media %q, %s scheme: body background luminance %.2f", c.media, c.scheme, l)
		if c.dark != (l < 0.2) || !c.dark && l < 0.9 {
			t.Errorf("media %q, %s scheme: body background luminance %.2f", c.media, c.scheme, l)
		}
	}
	if err := chromedp.Do(ctx, scheme("", "")); err != nil {
		t.Fatal(err)
	}

	hidden := `document.getElementById("hide-done").checked && document.body.classList.contains("hide-done") && document.querySelector("article.step.done").getBoundingClientRect().height === 0`
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[data-key="step:deploy-backend"]`)), chromedp.Click(chromedp.CSS("#hide-done"))); err != nil {
		t.Fatal(err)
	}
	if !evaluate[bool](t, ctx, hidden) {
		t.Fatal("ticking hide done steps does not hide the done step")
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("article.step"))); err != nil {
		t.Fatal(err)
	}
	if !evaluate[bool](t, ctx, hidden) {
		t.Fatal("after a reload, done steps show again: hide done steps was forgotten")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#hide-done")), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("article.step"))); err != nil {
		t.Fatal(err)
	}
	if evaluate[bool](t, ctx, `document.getElementById("hide-done").checked || document.body.classList.contains("hide-done")`) {
		t.Fatal("after unticking hide done steps and a reload, done steps are hidden")
	}
}

// pdfPage matches a page object of a PDF (not the /Pages tree): Chromium
// writes page dictionaries uncompressed, so counting them counts the pages.
var pdfPage = regexp.MustCompile(`/Type\s*/Page\b[^s]`)

// TestRunbookOnPaper measures the printed runbook. In the print layout:
// headings keep with what follows, links to elsewhere print their address
// (in-page links do not), and the screen-only text does not show. On A4 and on
// Letter, page 1 holds the facts. The measure uses Chromium's own pagination:
// the page is printed once whole (more than one page, or the measure proves
// nothing) and once with everything after the facts' section hidden, which
// leaves the layout before it unchanged; that print must be one page, so the
// facts start and end on page 1.
func TestRunbookOnPaper(t *testing.T) {
	ctx := browsertest.Start(t, 1280, 800, 120*time.Second)
	type paper struct {
		name          string
		width, height float64 // inches
	}
	papers := []paper{{"A4", 8.27, 11.69}, {"Letter", 8.5, 11}}
	pages := func(p paper) int {
		t.Helper()
		pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(func(pp *page.PrintToPDFParams) {
			pp.PaperWidth, pp.PaperHeight = p.width, p.height
		}))
		if err != nil {
			t.Fatal(err)
		}
		return len(pdfPage.FindAll(pdf, -1))
	}
	for _, from := range []string{"4.0.0", "4.1.0", "4.2.0", install} {
		open(t, ctx, runbookPage(t, from), 1280, 800)
		if err := chromedp.Do(ctx, colourScheme("print", "")); err != nil {
			t.Fatal(err)
		}
		type printed struct {
			Headings  []string // headings that may part from what follows
			External  []string // links elsewhere, with what prints after them
			Internal  []string // in-page links that print something after them
			Shown     string   // the text as printed
			Buttons   int      // buttons shown
			Externals int
		}
		got := evaluate[printed](t, ctx, `(() => {
			const shown = e => e.getClientRects().length > 0;
			const after = a => getComputedStyle(a, "::after").content;
			const links = Array.from(document.querySelectorAll("a[href]")).filter(shown);
			const ext = links.filter(a => !a.getAttribute("href").startsWith("#"));
			return {
				headings: Array.from(document.querySelectorAll("h1, h2, h3")).filter(shown)
					.filter(h => getComputedStyle(h).breakAfter !== "avoid").map(h => h.textContent),
				external: ext.filter(a => !after(a).includes(a.getAttribute("href"))).map(a => a.getAttribute("href") + " prints " + after(a)),
				internal: links.filter(a => a.getAttribute("href").startsWith("#") && after(a) !== "none").map(a => a.getAttribute("href") + " prints " + after(a)),
				shown: document.body.innerText,
				buttons: Array.from(document.querySelectorAll("button, input[type=button]")).filter(shown).length,
				externals: ext.length,
			};
		})()`)
		if len(got.Headings) > 0 {
			t.Errorf("%s: on paper, %d headings may part from what follows: %q", from, len(got.Headings), got.Headings)
		}
		if got.Externals == 0 {
			t.Errorf("%s: no link to elsewhere to measure (the example links its support page)", from)
		}
		if len(got.External) > 0 {
			t.Errorf("%s: on paper, links do not print their address: %q", from, got.External)
		}
		if len(got.Internal) > 0 {
			t.Errorf("%s: on paper, in-page links print something: %q", from, got.Internal[:min(3, len(got.Internal))])
		}
		for _, screen := range []string{"ticks are saved in this browser", "Hide done", "Clear ticks"} {
			if strings.Contains(got.Shown, screen) {
				t.Errorf("%s: on paper, the screen-only %q shows", from, screen)
			}
		}
		if got.Buttons > 0 {
			t.Errorf("%s: on paper, %d buttons show", from, got.Buttons)
		}

		for _, p := range papers {
			whole := pages(p)
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => { const s = document.createElement("style"); s.id = "facts-only";
				s.textContent = "#at-a-glance ~ * { display: none !important; }"; document.head.append(s); })()`)); err != nil {
				t.Fatal(err)
			}
			first := pages(p)
			// The measure's control: the facts pushed down by a paper's height
			// end on a later page.
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("at-a-glance").style.marginTop = "12in"`)); err != nil {
				t.Fatal(err)
			}
			if pushed := pages(p); pushed < 2 {
				t.Errorf("%s on %s: the facts pushed down a page still end on page %d: the measure does not measure", from, p.name, pushed)
			}
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("facts-only").remove(); document.getElementById("at-a-glance").style.marginTop = ""`)); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s on %s: %d pages; up to the end of the facts: %d", from, p.name, whole, first)
			if whole < 2 {
				t.Errorf("%s on %s: the whole runbook prints on %d pages; the measure needs more than one", from, p.name, whole)
			}
			if first != 1 {
				t.Errorf("%s on %s: the facts end on page %d, want page 1", from, p.name, first)
			}
		}
	}
}
