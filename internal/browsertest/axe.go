package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// AxeFile is where `make test` puts axe-core (scripts/fetchaxe), relative to
// the module's root; ATLAS_AXE names another copy.
const AxeFile = "bin/tools/axe.min.js"

var axe struct {
	once   sync.Once
	source string
	err    error
}

// axeSource reads axe-core once per test binary.
func axeSource() (string, error) {
	axe.once.Do(func() {
		file := os.Getenv("ATLAS_AXE")
		if file == "" {
			root, err := moduleRoot()
			if err != nil {
				axe.err = err
				return
			}
			file = filepath.Join(root, AxeFile)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			axe.err = fmt.Errorf("axe-core: %w (make test fetches it; or run go run ./scripts/fetchaxe bin/tools)", err)
			return
		}
		axe.source = string(b)
	})
	return axe.source, axe.err
}

// moduleRoot is the nearest folder above the working directory (a test's
// package folder) that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Violation is one rule axe-core found broken on a page, with the elements
// that break it.
type Violation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"` // minor, moderate, serious or critical
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []Node `json:"nodes"`
}

// Node is an element that breaks a rule.
type Node struct {
	// Target is the element's CSS selector (through shadow roots, joined by " >>> ").
	Target string `json:"target"`
	HTML   string `json:"html"`
	// Summary is axe's account of what to fix.
	Summary string `json:"summary"`
}

// Serious reports whether the violation is serious or critical, the
// impacts the page tests do not allow.
func (v Violation) Serious() bool { return v.Impact == "serious" || v.Impact == "critical" }

// String prints the violation for a test log, one line per element.
func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s — %s", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    %s\n      %s", n.Target, n.HTML)
		if n.Summary != "" {
			fmt.Fprintf(&b, "\n      %s", strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
	}
	return b.String()
}

// runAxe is axe-core's run over the whole document with its default rules
// (WCAG 2.x A and AA, and best practices), reporting violations only.
const runAxe = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({
		target: n.target.map(s => Array.isArray(s) ? s.join(" >>> ") : s).join(" "),
		html: n.html.length > 300 ? n.html.slice(0, 300) + "…" : n.html,
		summary: n.failureSummary || "",
	})),
})))`

// Axe injects axe-core into the tab's current page and returns the violations
// it finds. Without axe-core the test is skipped, or fails under
// ATLAS_REQUIRE_BROWSER=1 as CI sets it.
func Axe(t testing.TB, ctx context.Context) []Violation {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		if os.Getenv("ATLAS_REQUIRE_BROWSER") == "1" {
			t.Fatal(err)
		}
		t.Skipf("%v; set ATLAS_REQUIRE_BROWSER=1 to make this a failure", err)
	}
	// Evaluated through the DevTools protocol, axe is not subject to the
	// page's Content-Security-Policy.
	kind, err := chromedp.Run(ctx, chromedp.Evaluate[string](src+"\n;typeof axe"))
	if err != nil || kind != "object" {
		t.Fatalf("inject axe-core: %v (axe is %q)", err, kind)
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](runAxe, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	return vs
}

// CheckAxe runs axe-core on the tab's current page, named page in messages,
// fails the test with each serious or critical violation and logs the others.
func CheckAxe(t testing.TB, ctx context.Context, page string) {
	t.Helper()
	vs := Axe(t, ctx)
	serious := 0
	for _, v := range vs {
		if v.Serious() {
			serious++
			t.Errorf("%s: axe-core: %s", page, v)
		} else {
			t.Logf("%s: axe-core (allowed): %s", page, v)
		}
	}
	t.Logf("%s: axe-core found %d violations, %d serious or critical", page, len(vs), serious)
}
