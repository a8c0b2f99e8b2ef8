package templates_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/internal/golden"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// counted are the lines of the German documents that count something.
var counted = regexp.MustCompile(`Block|Blöcke|Tag|Voraussetzung|PIM-Aktivierung|Wartungsfenster`)

// TestGermanPluralsGolden renders the counts of the German notes, upgrade
// guide and engagement message, from the example's own templates, for 0, 1, 2
// and 1234: each count takes its CLDR form ("1 Block", "2 Blöcke") and its
// German digits ("1.234"). The golden file holds the lines that count.
func TestGermanPluralsGolden(t *testing.T) {
	ws, _ := example(t)
	set, err := templates.LoadLocale(ws.FS, ws.Translation("de"))
	if err != nil {
		t.Fatal(err)
	}
	de, err := ws.Localized("de")
	if err != nil {
		t.Fatal(err)
	}
	v := mustVersion(t, "4.3.0")
	var out bytes.Buffer
	keep := func(doc string, md []byte) {
		for _, line := range strings.Split(string(md), "\n") {
			if counted.MatchString(line) {
				fmt.Fprintf(&out, "%s: %s\n", doc, line)
			}
		}
	}
	for _, n := range []int{0, 1, 2, 1234} {
		fmt.Fprintf(&out, "## %d\n\n", n)
		notes, err := templates.NewNotes(de, v, "test")
		if err != nil {
			t.Fatal(err)
		}
		notes.LeadTimeDays = n
		notes.Upgrade.GlobalAdminBlocks = n
		for i := range notes.Prerequisites {
			notes.Prerequisites[i].LeadTimeDays = n
		}
		var md bytes.Buffer
		if err := set.RenderNotes(&md, notes, templates.Markdown); err != nil {
			t.Fatal(err)
		}
		keep("notes", md.Bytes())

		guide, err := templates.NewGuide(de, v, nil, templates.Signing{Snapshot: true}, "test", func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		guide.Paths = []templates.GuidePath{{From: "4.2.0", Bundle: "atlas-4.3.0-from-4.2.0.tar.gz", Stops: []string{"4.3.0"},
			GlobalAdminBlocks: n, Prerequisites: n, Roles: []string{"Globaler Administrator"}}}
		md.Reset()
		if err := set.RenderGuide(&md, guide, templates.Markdown); err != nil {
			t.Fatal(err)
		}
		keep("guide", md.Bytes())

		fabrikam := *ws.Customers.Customer("fabrikam")
		fabrikam.Locale, fabrikam.ChangeProcess, fabrikam.CABLeadTimeDays = "de", releases.CABProcess, n
		p, err := ws.Plan(mustVersion(t, "4.2.0"), v)
		if err != nil {
			t.Fatal(err)
		}
		m, ok, err := templates.LocalizedEngagement(ws, p, "de", templates.EngagementOptions{CommsOptions: templates.CommsOptions{Customer: &fabrikam}})
		if err != nil || !ok {
			t.Fatalf("German engagement: %v %v", ok, err)
		}
		keep("engagement", m.Markdown)
		out.WriteString("\n")
	}
	golden.Check(t, filepath.Join("testdata", "golden", "plurals", "de.md"), out.Bytes())
	for _, bad := range []string{"Block/", "(en)", "1 Blöcke", "1 Tage", "2 Block ", " 1234 "} {
		if bytes.Contains(out.Bytes(), []byte(bad)) {
			t.Errorf("the German documents write %q", bad)
		}
	}
}
