package publish

import (
	"strings"
	"testing"
)

func TestPointLinks(t *testing.T) {
	const file = "upgrade-guide.de.html"
	for _, tc := range []struct {
		name, body, href, want string
		n                      int
	}{
		{"goldmark's link", `<li><a href="upgrade-guide.de.html">Anleitung</a>.</li>`, "/hc/de/articles/7",
			`<li><a href="/hc/de/articles/7">Anleitung</a>.</li>`, 1},
		{"dropped to its text", `<li><a href="upgrade-guide.de.html">Anleitung</a>.</li>`, "",
			`<li>Anleitung.</li>`, 1},
		{"dropped with markup inside", `<p><a href="upgrade-guide.de.html"><em>A</em> b</a> c <a href="x">d</a></p>`, "",
			`<p><em>A</em> b c <a href="x">d</a></p>`, 1},
		{"other links stay", `<a href="https://example.com/upgrade-guide.de.html">x</a><a href="upgrade-guide.html">y</a>`, "/hc/de/articles/7",
			`<a href="https://example.com/upgrade-guide.de.html">x</a><a href="upgrade-guide.html">y</a>`, 0},
		{"mentions stay", `<p>see upgrade-guide.de.html and <code>href="upgrade-guide.de.html"</code></p>`, "/hc/de/articles/7",
			`<p>see upgrade-guide.de.html and <code>href="upgrade-guide.de.html"</code></p>`, 0},
		{"escaped text stays", `<p>href=&quot;upgrade-guide.de.html&quot;</p>`, "/hc/de/articles/7",
			`<p>href=&quot;upgrade-guide.de.html&quot;</p>`, 0},
		{"other spelling", `<A title="t" HREF='upgrade-guide.de.html'>x</A>`, "/hc/de/articles/7",
			`<a title="t" href="/hc/de/articles/7">x</A>`, 1},
		{"every link", `<a href="upgrade-guide.de.html">a</a> <a href="upgrade-guide.de.html">b</a>`, "/hc/de/articles/7",
			`<a href="/hc/de/articles/7">a</a> <a href="/hc/de/articles/7">b</a>`, 2},
		{"unclosed, dropped", `<p><a href="upgrade-guide.de.html">a</p><p>b</p>`, "", `<p>a</p><p>b</p>`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, n := pointLinks(tc.body, file, tc.href)
			if got != tc.want || n != tc.n {
				t.Errorf("pointLinks(%q) = %q, %d; want %q, %d", tc.body, got, n, tc.want, tc.n)
			}
		})
	}
}

// FuzzPointLinks: a body is kept byte for byte unless it links to the file,
// and a rewritten body never links to the file any more.
func FuzzPointLinks(f *testing.F) {
	for _, s := range []string{`<li><a href="upgrade-guide.html">g</a></li>`, `<p>upgrade-guide.html</p>`, `<a href=upgrade-guide.html>`,
		"<pre>\x00<a href=\"upgrade-guide.html\"></pre>", `<!-- <a href="upgrade-guide.html"> --><script>"</a>"</script>`} {
		f.Add(s, "/hc/en-us/articles/1")
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, body, href string) {
		const file = "upgrade-guide.html"
		got, n := pointLinks(body, file, href)
		if n == 0 && got != body {
			t.Fatalf("pointLinks changed a body without links to the file:\n%q\n%q", body, got)
		}
		if again, m := pointLinks(got, file, href); m != 0 && href != file {
			t.Fatalf("pointLinks left %d links to the file in %q (then %q)", m, got, again)
		}
		if n > 0 && href == "" && strings.Count(got, "<a") > strings.Count(body, "<a") {
			t.Fatalf("dropping links added some: %q → %q", body, got)
		}
	})
}
