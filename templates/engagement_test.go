package templates_test

import (
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/atlas-release/atlas-release/internal/golden"
	"github.com/atlas-release/atlas-release/templates"
)

// TestEngagementGolden renders the message to a customer's owner: Contoso's
// (a change board, slots with the day the request must reach it), the same
// as if the path crossed a major with no slot found, and Fabrikam's in
// German from the example's own template.
func TestEngagementGolden(t *testing.T) {
	ws, set := example(t)
	contoso := ws.Customers.Customer("contoso")
	p, err := ws.Plan(mustVersion(t, "4.1.0"), mustVersion(t, "4.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	slots := []templates.ProposedSlot{{TimeZone: "Europe/Berlin", Engineer: "Jonas Weber", RequestBy: "2026-12-26", Waiting: true,
		Windows: []templates.ScheduledWindow{{Hop: 1, From: "4.1.0", To: "4.3.0", Date: "2027-01-09", Time: "08:00", EndDate: "2027-01-09", EndTime: "10:00"}}}}
	o := templates.EngagementOptions{CommsOptions: templates.CommsOptions{Customer: contoso}, NotesURL: "https://github.com/atlas-workplace/atlas-runbooks/releases/tag/v4.3.0", Slots: slots}
	e := templates.NewEngagement(ws, p, o)
	if e.Major || e.Townhall == nil || e.TechnicalOwner == nil || e.OwnerRole != "customer success agent" {
		t.Fatalf("engagement %+v", e)
	}
	m, err := set.RenderEngagement(e)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Atlas 4.3.0 for Contoso Ltd: tell them what is new and agree a date" || strings.Contains(m.HTML, "<h1") ||
		!strings.Contains(m.HTML, `<a href="https://atlas-workplace.example/townhall/2023-05/recording">recording</a>`) {
		t.Errorf("subject %q, HTML %s", m.Subject, m.HTML)
	}
	golden.Check(t, filepath.Join("testdata", "golden", "communications", "engagement", "contoso.md"), m.Markdown)
	golden.Check(t, filepath.Join("testdata", "golden", "communications", "engagement", "contoso.html"), []byte(m.HTML))

	// A major on the path: the call to book first; no slot: why.
	e = templates.NewEngagement(ws, p, templates.EngagementOptions{CommsOptions: templates.CommsOptions{Customer: contoso},
		NoSlots: "no slot in the 52 weeks from 2026-12-01 (47 days: no standby engineer covers 22:00–00:00 Europe/Berlin)"})
	e.Major = true
	m, err = set.RenderEngagement(e)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## First: the pre-upgrade call", "## Prerequisites to complete first", "None yet: no slot in the 52 weeks",
		"release-notes.md in the runbook bundle atlas-4.3.0-from-4.1.0.tar.gz"} {
		if !strings.Contains(string(m.Markdown), want) {
			t.Errorf("the major's message lacks %q:\n%s", want, m.Markdown)
		}
	}
	golden.Check(t, filepath.Join("testdata", "golden", "communications", "engagement", "contoso-major.md"), m.Markdown)

	// German, from locales/de/templates/engagement.md.tmpl, for a path whose
	// every release is translated; none for one that is not.
	fabrikam := *ws.Customers.Customer("fabrikam")
	fabrikam.Locale = "de"
	fp, err := ws.Plan(mustVersion(t, "4.2.0"), mustVersion(t, "4.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	slots[0].RequestBy, slots[0].TimeZone, slots[0].Engineer = "", "America/Chicago", "Marcus Lee"
	de, ok, err := templates.LocalizedEngagement(ws, fp, "de", templates.EngagementOptions{CommsOptions: templates.CommsOptions{Customer: &fabrikam}, Slots: slots})
	if err != nil || !ok {
		t.Fatalf("German: %v %v", ok, err)
	}
	if de.Subject != "Atlas 4.3.0 für Fabrikam Inc.: Neuigkeiten vorstellen und einen Termin vereinbaren" {
		t.Errorf("German subject %q", de.Subject)
	}
	golden.Check(t, filepath.Join("testdata", "golden", "communications", "engagement", "de-fabrikam.md"), de.Markdown)
	if _, ok, err := templates.LocalizedEngagement(ws, p, "de", o); ok || err != nil {
		t.Errorf("4.1 → 4.3 is not translated into German (4.2 is not), yet: %v %v", ok, err)
	}
}

// TestEngagementNeedsATitle: an override without the "# Title" line that
// becomes the ticket's subject is refused, not posted without a subject.
func TestEngagementNeedsATitle(t *testing.T) {
	ws, _ := example(t)
	set, err := templates.Load(fstest.MapFS{"templates/engagement.md.tmpl": {Data: []byte("Hello {{.Customer.Contact}}\n")}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := ws.Plan(mustVersion(t, "4.2.0"), mustVersion(t, "4.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	e := templates.NewEngagement(ws, p, templates.EngagementOptions{CommsOptions: templates.CommsOptions{Customer: ws.Customers.Customer("fabrikam")}})
	if _, err := set.RenderEngagement(e); err == nil || !strings.Contains(err.Error(), `must start with a "# Title" heading`) {
		t.Errorf("got %v", err)
	}
}
