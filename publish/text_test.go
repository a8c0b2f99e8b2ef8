package publish

import (
	"strings"
	"testing"
)

func TestReadableText(t *testing.T) {
	body := `<h2 id="new">New</h2>
<p>Start from <strong>twelve</strong> templates &amp; more. See <a href="https://x.example/a">the guide</a>.</p>
<ul>
<li>one</li>
<li>two <em>items</em></li>
</ul>
<table><thead><tr><th>From</th><th>Bundle</th></tr></thead><tbody><tr><td>4.2.0</td><td>b.tar.gz</td></tr></tbody></table>
<pre><code>minisign -H -Vm b.tar.gz
sha256sum -c SUMS
</code></pre><script>alert(1)</script>`
	want := `New
Start from twelve templates & more. See the guide <https://x.example/a>.
- one
- two items
| From | Bundle
| 4.2.0 | b.tar.gz
minisign -H -Vm b.tar.gz
sha256sum -c SUMS`
	if got := ReadableText(body); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestFingerprintIgnoresMarkupNotText: what the help center does to stored
// bodies (attributes stripped, white space between blocks removed, entities
// spelt differently) keeps the fingerprint; any change a reader sees changes it.
func TestFingerprintIgnoresMarkupNotText(t *testing.T) {
	const title = "Atlas 4.3 release notes"
	base := "<h2 id=\"x\">New</h2>\n<p style=\"color:red\">Hello &amp; welcome, <a href=\"https://a.example\">docs</a>.</p>\n<ul>\n<li>one</li>\n</ul>\n"
	fp := Fingerprint(title, base)
	for _, same := range []string{
		"<h2>New</h2><p>Hello &#38; welcome, <a href=\"https://a.example\" rel=\"noopener\">docs</a>.</p><ul><li>one</li></ul>",
		"<h2 id=\"x\">New</h2>\n\n<p>Hello   &amp;\nwelcome, <a href='https://a.example'>docs</a>.</p>\n<ul><li>one</li></ul><script>x()</script>",
	} {
		if got := Fingerprint(title, same); got != fp {
			t.Errorf("markup-only change moved the fingerprint: %s", same)
		}
	}
	for _, other := range []string{
		strings.Replace(base, "Hello", "Hi", 1),
		strings.Replace(base, "https://a.example", "https://b.example", 1),
		strings.Replace(base, "<li>one</li>", "<li>one</li><li>two</li>", 1),
		strings.Replace(base, "<h2 id=\"x\">New</h2>", "<p>New</p>", 1) + "<p>x</p>",
	} {
		if Fingerprint(title, other) == fp {
			t.Errorf("a change a reader sees kept the fingerprint: %s", other)
		}
	}
	if Fingerprint("Other title", base) == fp {
		t.Error("the title is not fingerprinted")
	}
	if len(fp) != 12 {
		t.Errorf("fingerprint %q is not 12 hex digits", fp)
	}
}

func TestFingerprintLabels(t *testing.T) {
	r := recorded{sent: "0123456789ab", stored: "ba9876543210"}
	labels := []string{"atlas", fpLabel("en-us", r), fpLabel("pt-br", recorded{"aaaaaaaaaaaa", "bbbbbbbbbbbb"}),
		"atlas-release-fp-de-short-0123", "atlas-release-fp-de-0123456789AB-0123456789ab"}
	got := parseFingerprints(labels)
	if len(got) != 2 || got["en-us"] != r || got["pt-br"].stored != "bbbbbbbbbbbb" {
		t.Errorf("parsed %v", got)
	}
	all := articleLabels([]string{"featured", fpLabel("fr", r), "atlas-release-atlas"}, "atlas", KindNotes, "4.3.0", []string{"release"}, map[string]recorded{"en-us": r})
	want := []string{"atlas-4.3.0", "atlas-release-atlas", fpLabel("en-us", r), "atlas-release-notes-4.3.0", "featured", "release"}
	if strings.Join(all, " ") != strings.Join(want, " ") {
		t.Errorf("labels\n%v\nwant\n%v", all, want)
	}
}

// FuzzReadableText feeds hostile article bodies, as a help center might return
// them: no panic, and a result that is stable under a second pass of the
// fingerprint.
func FuzzReadableText(f *testing.F) {
	for _, seed := range []string{"<p>a</p>", "<a href=x>y", "<pre>a\nb</pre>", "<script><p>", "<table><tr><td>x", "<<<>>>&amp;&#0;", "<li><li><ol>"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		text, fp := ReadableText(body), Fingerprint("t", body)
		if again, fpAgain := ReadableText(body), Fingerprint("t", body); text != again || fp != fpAgain {
			t.Fatal("not deterministic")
		}
		if strings.Contains(text, "\n\n") {
			t.Fatalf("empty line in %q", text)
		}
	})
}
