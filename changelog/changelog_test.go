package changelog

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/internal/golden"
	"github.com/atlas-release/atlas-release/releases"
)

func TestChangelog(t *testing.T) {
	ws, err := releases.Load(os.DirFS("../examples/atlas"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Write(&b, ws); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/CHANGELOG.md", b.Bytes())

	// Newest first, every version once, internal features left out.
	got := regexp.MustCompile(`(?m)^## \[([0-9.]+)\] - \d{4}-\d{2}-\d{2}$`).FindAllStringSubmatch(b.String(), -1)
	var versions []string
	for _, m := range got {
		versions = append(versions, m[1])
	}
	if strings.Join(versions, " ") != "4.3.0 4.2.0 4.1.0 4.0.0" {
		t.Errorf("versions %v, want newest first", versions)
	}
	if strings.Contains(b.String(), "migration dashboard") || strings.Contains(b.String(), "Internal migration") {
		t.Error("an internal feature is in the changelog")
	}
	if !strings.Contains(b.String(), "[4.3.0]: https://github.com/atlas-workplace/atlas-runbooks/releases/tag/v4.3.0") {
		t.Error("release links are missing")
	}
}

// With github.apiUrl naming a GitHub Enterprise Server (or GITHUB_API_URL, which
// the command line puts there), the release links go to that server.
func TestChangelogEnterprise(t *testing.T) {
	ws, err := releases.Load(os.DirFS("../examples/atlas"))
	if err != nil {
		t.Fatal(err)
	}
	gh := *ws.Config.GitHub
	gh.APIURL = "https://ghe.example.com/api/v3"
	cfg := *ws.Config
	cfg.GitHub = &gh
	ws.Config = &cfg
	var b bytes.Buffer
	if err := Write(&b, ws); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "[4.3.0]: https://ghe.example.com/atlas-workplace/atlas-runbooks/releases/tag/v4.3.0\n") {
		t.Errorf("release links do not go to the Enterprise server:\n%s", b.String())
	}
	if strings.Contains(b.String(), "https://github.com/") {
		t.Error("a link goes to github.com")
	}
}
