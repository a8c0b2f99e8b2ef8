package templates_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/internal/golden"
	"github.com/atlas-release/atlas-release/templates"
)

// TestGuideGolden renders the upgrade guide of the example's first release
// (4.0.0: nothing to upgrade from, only the install bundle) and of 4.3.0
// (three upgrades and the install bundle), in English and with the German
// templates, in every format. The guide links to GitHub release assets, and
// new deployments are sent to the install bundle with the same download and
// verification instructions as the upgrades.
func TestGuideGolden(t *testing.T) {
	ws, set := example(t)
	s := templates.Signing{PublicKey: "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3", KeyID: "E7620F1842B4E81F"}
	url := func(file string) string {
		return "https://github.com/atlas-workplace/atlas-runbooks/releases/download/v4/" + file
	}
	for _, locale := range []string{"", "de"} {
		lws, lset := ws, set
		if locale != "" {
			var err error
			if lws, err = ws.Localized(locale); err != nil {
				t.Fatal(err)
			}
			if lset, err = templates.LoadLocale(ws.FS, ws.Translation(locale)); err != nil {
				t.Fatal(err)
			}
		}
		for _, v := range []string{"4.0.0", "4.3.0"} {
			paths, err := lws.BundlePaths(mustVersion(t, v))
			if err != nil {
				t.Fatal(err)
			}
			g, err := templates.NewGuide(lws, mustVersion(t, v), paths, s, "atlas-release test", url)
			if err != nil {
				t.Fatal(err)
			}
			install := templates.InstallBundleName("atlas", v) + ".tar.gz"
			for _, f := range formats {
				if locale != "" && f == templates.JSON {
					continue // the data is the same in every locale
				}
				var b bytes.Buffer
				if err := lset.RenderGuide(&b, g, f); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(b.String(), url(install)) {
					t.Errorf("the %s guide of %s (%s) does not link to %s", f, v, locale, install)
				}
				name := "guide-" + v
				if locale != "" {
					name += "." + locale
				}
				golden.Check(t, filepath.Join("testdata", "golden", fmt.Sprintf("%s.%s", name, f)), b.Bytes())
			}
		}
	}
}

// TestGuideWithoutInstall: a release older than policy.oldestVersion has no
// install procedure, so its guide offers no install bundle and keeps the old
// words.
func TestGuideWithoutInstall(t *testing.T) {
	ws, set := example(t)
	ws.Config.Policy.OldestVersion = "4.1.0"
	g, err := templates.NewGuide(ws, mustVersion(t, "4.0.0"), nil, templates.Signing{Snapshot: true}, "test", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := set.RenderGuide(&b, g, templates.Markdown); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if g.Install != nil || g.Sample() != "" || strings.Contains(md, "install") || !strings.HasPrefix(md, "# Upgrading Atlas to 4.0.0\n") ||
		!strings.Contains(md, "comes without upgrade bundles.") {
		t.Errorf("guide of a release without an install procedure: %+v\n%s", g.Install, md)
	}
}
