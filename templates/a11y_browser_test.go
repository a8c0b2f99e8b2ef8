package templates_test

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/internal/browsertest"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// TestRunbookAccessible runs axe-core on the runbook page of an upgrade path,
// of the example's longest path and of the deployment on a new tenant, and fails on any serious or critical
// violation. The longest path is checked in the dark scheme too, for the
// contrast of its colours (the markup is the same).
func TestRunbookAccessible(t *testing.T) {
	ctx := browsertest.Start(t, 1280, 800, 120*time.Second)
	for _, c := range []struct{ from, scheme string }{{"4.1.0", "light"}, {"4.0.0", "light"}, {"4.0.0", "dark"}, {install, "light"}} {
		open(t, ctx, runbookPage(t, c.from), 1280, 800)
		if err := chromedp.Do(ctx, colourScheme("", c.scheme)); err != nil {
			t.Fatal(err)
		}
		browsertest.CheckAxe(t, ctx, "runbook "+c.from+" → 4.3.0, "+c.scheme)
	}
}

// TestDocumentsAccessible runs axe-core on the release notes and the upgrade
// guide of every release of the example, in every locale, as cut writes their
// HTML (cut.Documents) and as a help center shows it: inside a page that gives
// the article's title as its heading and its locale as the page's language.
func TestDocumentsAccessible(t *testing.T) {
	ws, err := releases.Load(os.DirFS("../examples/atlas"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := templates.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.Start(t, 1280, 800, 120*time.Second)
	dir := t.TempDir()
	for _, m := range ws.Manifests {
		docs, err := cut.Documents(ws, set, m.SemVer(), templates.Signing{PublicKey: testKey, KeyID: "0123456789ABCDEF"}, "atlas-release test")
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			name := cut.DocumentFile(d.Kind, d.Locale, ws.Config.DefaultLocale(), "html")
			page := filepath.Join(dir, m.SemVer().String()+"-"+name)
			var b bytes.Buffer
			fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>%s</title></head>\n<body><main><h1>%s</h1>\n",
				html.EscapeString(d.Locale), html.EscapeString(d.Title), html.EscapeString(d.Title))
			b.Write(d.HTML)
			b.WriteString("</main></body></html>\n")
			if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, chromedp.Navigate("file://"+page), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
				t.Fatal(err)
			}
			browsertest.CheckAxe(t, ctx, m.SemVer().String()+" "+name)
		}
	}
}
