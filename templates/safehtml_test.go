package templates_test

import (
	"bytes"
	"errors"
	"io"
	"net/url"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// helpCenterSafe is the conservative subset of HTML that ZenDesk's Help Center keeps
// as it is: no scripts, no styles, no forms, no embedded content.
var helpCenterSafe = map[string][]string{
	"h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
	"p": nil, "ul": nil, "ol": {"start"}, "li": nil, "a": {"href", "title"}, "strong": nil, "em": nil,
	"code": nil, "pre": nil, "blockquote": nil, "hr": nil, "br": nil, "del": nil,
	"table": nil, "thead": nil, "tbody": nil, "tr": nil, "th": {"align"}, "td": {"align"},
}

// checkHelpCenterSafe fails when html uses a tag, an attribute or a link scheme
// outside the safe subset.
func checkHelpCenterSafe(t *testing.T, name string, r io.Reader) {
	t.Helper()
	z := html.NewTokenizer(r)
	for {
		switch z.Next() {
		case html.ErrorToken:
			if !errors.Is(z.Err(), io.EOF) {
				t.Errorf("%s: %v", name, z.Err())
			}
			return
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			allowed, ok := helpCenterSafe[tok.Data]
			if !ok {
				t.Errorf("%s: tag <%s> is not in the safe subset", name, tok.Data)
				continue
			}
			for _, a := range tok.Attr {
				if !contains(allowed, a.Key) {
					t.Errorf("%s: <%s %s=%q> is not in the safe subset", name, tok.Data, a.Key, a.Val)
				}
				if a.Key == "href" {
					u, err := url.Parse(a.Val)
					if err != nil || (u.Scheme != "" && u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "mailto") {
						t.Errorf("%s: unsafe link %q", name, a.Val)
					}
				}
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestNotesHTMLIsHelpCenterSafe checks the notes of every example release, and of a
// release whose text tries to smuggle HTML in.
func TestNotesHTMLIsHelpCenterSafe(t *testing.T) {
	ws, set := example(t)
	for _, m := range ws.Manifests {
		n, err := templates.NewNotes(ws, m.SemVer(), "test")
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := set.RenderNotes(&b, n, templates.HTML); err != nil {
			t.Fatal(err)
		}
		checkHelpCenterSafe(t, "notes "+m.SemVer().String(), &b)
	}

	fsys := fstest.MapFS{}
	for _, name := range []string{"atlas-release.yaml", "releases/4.3.0.yaml", "scripts/Install-AtlasModules.ps1",
		"scripts/Test-AtlasPrerequisites.ps1", "scripts/Backup-AtlasConfiguration.ps1", "scripts/Deploy-AtlasPackage.ps1",
		"scripts/Approve-AtlasApiAccess.ps1", "scripts/Deploy-AtlasBackend.ps1", "scripts/Copy-AtlasAddItTemplates.ps1",
		"scripts/Test-AtlasDeployment.ps1"} {
		b, err := os.ReadFile("../examples/atlas/" + name)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: b}
	}
	hostile := strings.Replace(string(fsys["releases/4.3.0.yaml"].Data),
		"    summary: |\n      Start a request from one of twelve templates",
		"    summary: |\n      <script>alert(1)</script><img src=x onerror=alert(1)> [click](javascript:alert(1))\n"+
			"      <iframe src=\"https://evil.example\"></iframe> <b style=\"color:red\">bold</b>\n\n"+
			"      | a | b |\n      |:--|--:|\n      | 1 | 2 |\n\n      - [ ] a task\n\n      Start a request from one of twelve templates", 1)
	fsys["releases/4.3.0.yaml"] = &fstest.MapFile{Data: []byte(hostile)}
	ws2, err := releases.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	n, err := templates.NewNotes(ws2, mustVersion(t, "4.3.0"), "test")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := set.RenderNotes(&b, n, templates.HTML); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<script", "<img", "javascript:", "<iframe", "onerror", "style=", "<input"} {
		if strings.Contains(out, bad) {
			t.Errorf("hostile Markdown reached the HTML: %q", bad)
		}
	}
	checkHelpCenterSafe(t, "hostile notes", strings.NewReader(out))
}
