package templates_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/internal/golden"
	"github.com/atlas-release/atlas-release/templates"
)

// TestRenderDeploymentGolden renders a new deployment's communications for
// the example's litware, which runs nothing yet: the deployment request (no
// upgrade, no outage, the install bundle) and the calendar of its one window;
// no announcements. An upgrade's communications are refused.
func TestRenderDeploymentGolden(t *testing.T) {
	ws, set := example(t)
	litware := ws.Customers.Customer("litware")
	p, err := ws.InstallPlan(mustVersion(t, "4.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	c := templates.NewCommunications(ws, p, templates.CommsOptions{Generator: "test", Customer: litware, Start: time.Date(2026, 12, 9, 9, 0, 0, 0, ny),
		BundleURL: "https://example.test/atlas-4.3.0-install.tar.gz"})
	files, err := set.RenderDeployment(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Name != "deployment-request.md" || files[1].Name != templates.CalendarFile {
		t.Fatalf("files %v", files)
	}
	req := string(files[0].Data)
	for _, bad := range []string{"upgrade", "Upgrade", "offline 10", "What users get", "Content freeze"} {
		if strings.Contains(req, bad) {
			t.Errorf("the deployment request says %q", bad)
		}
	}
	golden.Check(t, filepath.Join("testdata", "golden", "communications", "deployment-request-litware.md"), files[0].Data)

	up, err := ws.Plan(mustVersion(t, "4.2.0"), mustVersion(t, "4.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := set.RenderDeployment(templates.NewCommunications(ws, up, templates.CommsOptions{})); err == nil {
		t.Error("an upgrade's communications rendered as a deployment")
	}
}
