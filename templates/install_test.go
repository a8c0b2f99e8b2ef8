package templates_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/internal/golden"
	"github.com/atlas-release/atlas-release/templates"
)

// TestInstallRunbookGolden renders the deployment of 4.3.0 on a new tenant in
// every format: the install procedure of 4.0.0 with what 4.2.0 and 4.3.0 add.
func TestInstallRunbookGolden(t *testing.T) {
	ws, set := example(t)
	p, err := ws.InstallPlan(mustVersion(t, "4.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	rb := templates.NewRunbook(ws, p, "atlas-release test")
	for _, f := range formats {
		var b bytes.Buffer
		if err := set.RenderRunbook(&b, rb, f); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", "golden", fmt.Sprintf("runbook-4.3.0-install.%s", f)), b.Bytes())
	}
}

// TestInstallRunbookSpeaksOfDeploying checks the view and the Markdown of an
// install: named and titled as a deployment, no version to come from, no
// outages or content freeze, no upgrade wording; and that an upgrade's view
// keeps its own.
func TestInstallRunbookSpeaksOfDeploying(t *testing.T) {
	ws, set := example(t)
	install, err := ws.InstallPlan(mustVersion(t, "4.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	upgrade, err := ws.Plan(mustVersion(t, "4.1.0"), mustVersion(t, "4.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                   string
		rb                     *templates.Runbook
		bundle, title, heading string
		has, hasNot            []string
		jsonHas, jsonHasNot    []string
	}{
		{
			name: "install", rb: templates.NewRunbook(ws, install, "test"),
			bundle: "atlas-4.3.0-install", title: "Deploying Atlas 4.3.0 on a new tenant", heading: "Deployment of 4.3.0",
			has:        []string{"on a new tenant", "before the deployment", "| Source |", "4.2.0, also for new deployments", "install procedure of 4.0.0"},
			hasNot:     []string{"upgrade runbook", "before the upgrade", "| Outages |", "| Content freeze |", "Upgrade to 4.3.0 complete"},
			jsonHas:    []string{`"install": true`, `"base": "4.0.0"`, `"origin": "new-deployments"`},
			jsonHasNot: []string{`"from"`},
		},
		{
			name: "upgrade", rb: templates.NewRunbook(ws, upgrade, "test"),
			bundle: "atlas-4.3.0-from-4.1.0", title: "Atlas upgrade runbook: 4.1.0 → 4.3.0", heading: "Upgrade 1: 4.1.0 → 4.3.0",
			has:        []string{"| Outages |", "Upgrade to 4.3.0 complete"},
			hasNot:     []string{"new tenant", "| Source |"},
			jsonHas:    []string{`"from": "4.1.0"`},
			jsonHasNot: []string{`"install"`, `"origin"`, `"base"`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.rb.Bundle != tc.bundle || tc.rb.Title != tc.title || tc.rb.Hops[0].Heading != tc.heading {
				t.Errorf("bundle %q, title %q, heading %q", tc.rb.Bundle, tc.rb.Title, tc.rb.Hops[0].Heading)
			}
			var md, js bytes.Buffer
			if err := set.RenderRunbook(&md, tc.rb, templates.Markdown); err != nil {
				t.Fatal(err)
			}
			if err := set.RenderRunbook(&js, tc.rb, templates.JSON); err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.has {
				if !strings.Contains(md.String(), s) {
					t.Errorf("Markdown lacks %q", s)
				}
			}
			for _, s := range tc.hasNot {
				if strings.Contains(md.String(), s) {
					t.Errorf("Markdown holds %q", s)
				}
			}
			for _, s := range tc.jsonHas {
				if !strings.Contains(js.String(), s) {
					t.Errorf("JSON lacks %s", s)
				}
			}
			for _, s := range tc.jsonHasNot {
				if strings.Contains(js.String(), s) {
					t.Errorf("JSON holds %s", s)
				}
			}
			if !json.Valid(js.Bytes()) {
				t.Error("invalid JSON")
			}
		})
	}
}

func TestInstallBundleName(t *testing.T) {
	if got := templates.InstallBundleName("atlas", "4.3.0"); got != "atlas-4.3.0-install" {
		t.Errorf("InstallBundleName = %q", got)
	}
}
