package templates_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/atlas-release/atlas-release/templates"
)

// runbookDOM renders the HTML runbook of the example's path from a version to
// 4.3 (or of its install, from install) and parses it.
func runbookDOM(t *testing.T, from string) *html.Node {
	t.Helper()
	ws, set := example(t)
	p := plan(t, ws, from)
	var b bytes.Buffer
	if err := set.RenderRunbook(&b, templates.NewRunbook(ws, p, "atlas-release test"), templates.HTML); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(&b)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return n.Type == html.ElementNode && strings.Contains(" "+attr(n, "class")+" ", " "+class+" ")
}

// all lists the elements under n (n included) that match.
func all(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	if n.Type == html.ElementNode && match(n) {
		out = append(out, n)
	}
	for c := range n.ChildNodes() {
		out = append(out, all(c, match)...)
	}
	return out
}

// text is the text of n, as a screen reader reads it: without what is
// aria-hidden.
func text(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	if n.Type == html.ElementNode && attr(n, "aria-hidden") == "true" {
		return ""
	}
	var b strings.Builder
	for c := range n.ChildNodes() {
		b.WriteString(text(c))
	}
	return b.String()
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

var clockRange = regexp.MustCompile(`\d+:\d\d–\d+:\d\d`)

// TestRunbookHTMLAccessible checks the runbook page's markup for what a screen
// reader and a reader who does not tell colours apart need: no link inside a
// role="img" (whose content assistive technology skips); every timeline row
// says its times and, for Global Administrator steps, says so in words; every
// table header has a scope; and step cards carry no bookkeeping ("stands in
// for"), which the account of every step holds.
func TestRunbookHTMLAccessible(t *testing.T) {
	for _, from := range []string{"4.0.0", "4.1.0", "4.2.0", install} {
		doc := runbookDOM(t, from)
		for _, img := range all(doc, func(n *html.Node) bool { return attr(n, "role") == "img" }) {
			if links := all(img, tag("a")); len(links) > 0 {
				t.Errorf("%s: %d links inside role=img <%s class=%q>: screen readers do not reach them", from, len(links), img.Data, attr(img, "class"))
			}
		}
		timelines := all(doc, func(n *html.Node) bool { return hasClass(n, "timeline") })
		if len(timelines) == 0 {
			t.Fatalf("%s: no timeline", from)
		}
		rows, ga := 0, 0
		for _, tl := range timelines {
			for _, row := range all(tl, func(n *html.Node) bool { return hasClass(n, "row") }) {
				rows++
				said := text(row)
				if !clockRange.MatchString(said) {
					t.Errorf("%s: timeline row %q says no times in text", from, said)
				}
				if hasClass(row, "ga") {
					ga++
					if !strings.Contains(said, "Global Administrator") {
						t.Errorf("%s: Global Administrator row %q marks it by colour only", from, said)
					}
				} else if strings.Contains(said, "Global Administrator") {
					t.Errorf("%s: row %q says Global Administrator but is not one", from, said)
				}
			}
		}
		if rows == 0 || ga == 0 {
			t.Errorf("%s: %d timeline rows, %d of Global Administrator; the example has both", from, rows, ga)
		}
		for _, th := range all(doc, tag("th")) {
			if s := attr(th, "scope"); s != "col" && s != "row" {
				t.Errorf("%s: table header %q has no scope", from, text(th))
			}
		}
		for _, card := range all(doc, func(n *html.Node) bool { return n.Data == "article" && hasClass(n, "step") }) {
			if said := text(card); strings.Contains(said, "stands in for") {
				t.Errorf("%s: step card %s shows bookkeeping: %q", from, attr(card, "id"), said[:min(len(said), 200)])
			}
		}
	}
}
