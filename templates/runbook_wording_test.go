package templates_test

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// render writes the runbook in a format.
func render(t *testing.T, set *templates.Set, rb *templates.Runbook, f templates.Format) string {
	t.Helper()
	var b bytes.Buffer
	if err := set.RenderRunbook(&b, rb, f); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// section is the part of a page from the start of a heading or element that
// holds start up to the next one that holds end (or the end of the page).
func section(t *testing.T, page, start, end string) string {
	t.Helper()
	i := strings.Index(page, start)
	if i < 0 {
		t.Fatalf("no %q in the page", start)
	}
	rest := page[i+len(start):]
	if j := strings.Index(rest, end); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// TestInstallRunbookHTMLSpeaksOfDeploying renders the HTML page of the
// deployment of 4.3.0 on a new tenant without the releases' own texts (their
// summaries, details and instructions, which the workspace writes) and checks
// that nothing the page itself says speaks of an upgrade; the page of an
// upgrade keeps its wording.
func TestInstallRunbookHTMLSpeaksOfDeploying(t *testing.T) {
	ws, set := example(t)
	tests := []struct {
		from        string
		has, hasNot []string
	}{
		{
			from: install,
			has: []string{
				"<title>Deploying Atlas 4.3.0 on a new tenant</title>", "<h1>Deploying Atlas 4.3.0 on a new tenant</h1>",
				`<span class="title">Atlas 4.3.0 (new tenant)</span>`, `<a href="#deployment">Deployment of 4.3.0</a>`,
				"<h2>Deployment of 4.3.0</h2>", "<td>deployment</td>", ">Deployment (4.3.0)</th>", ">Timeline of the deployment</h3>",
				"from 4.0.0, before the deployment", "<dd>install procedure of 4.0.0</dd>", "<dd>4.3.0, also for new deployments</dd>",
				"A new tenant has no earlier version to return to", "<td>Deployment of 4.3.0 complete and verified</td>",
				"<h2>Where every step came from</h2>", `<th scope="col">Source</th>`,
				"the deployment cannot be undone.",
			},
			hasNot: []string{"upgrade", "Upgrade", "<dt>Outages</dt>", "<dt>Content freeze</dt>", "<dt>Path</dt>", "rolled back"},
		},
		{
			from: "4.1.0",
			has: []string{
				"<title>Atlas upgrade runbook: 4.1.0 → 4.3.0</title>", `<span class="title">Atlas 4.1.0 → 4.3.0</span>`,
				"<h2>Upgrade 1: 4.1.0 → 4.3.0</h2>", "<td>upgrade 1</td>", ">Upgrade 1 (4.3.0)</th>", "<dt>Outages</dt>",
				"<dt>Content freeze</dt>", "before the upgrade to", "Upgrade to 4.3.0 complete and verified", "<h2>Where every step went</h2>",
				"the upgrade cannot be rolled back.",
			},
			hasNot: []string{"new tenant", `<th scope="col">Source</th>`, "cannot be undone."},
		},
	}
	for _, tc := range tests {
		t.Run(tc.from, func(t *testing.T) {
			rb := templates.NewRunbook(ws, plan(t, ws, tc.from), "atlas-release test")
			for i := range rb.Releases {
				rb.Releases[i].Summary = ""
			}
			for i := range rb.Prerequisites {
				rb.Prerequisites[i].Details, rb.Prerequisites[i].Verify = "", ""
			}
			for i := range rb.Hops {
				for j := range rb.Hops[i].Steps {
					st := &rb.Hops[i].Steps[j]
					st.Details, st.Verify, st.Rollback = "", "", templates.Rollback{}
				}
			}
			rb.Hops[0].Steps[len(rb.Hops[0].Steps)-1].PointOfNoReturn = true
			page := render(t, set, rb, templates.HTML)
			for _, s := range tc.has {
				if !strings.Contains(page, s) {
					t.Errorf("the page lacks %q", s)
				}
			}
			for _, s := range tc.hasNot {
				if i := strings.Index(page, s); i >= 0 {
					t.Errorf("the page holds %q: …%s…", s, page[max(0, i-120):min(len(page), i+60)])
				}
			}
			if _, err := html.Parse(strings.NewReader(page)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestStepsHoldNoBookkeeping: the steps an administrator works from do not
// say which older steps they stand in for, in Markdown or HTML; the account of
// every step does.
func TestStepsHoldNoBookkeeping(t *testing.T) {
	ws, set := example(t)
	for _, from := range []string{"4.0.0", "4.1.0", install} {
		rb := templates.NewRunbook(ws, plan(t, ws, from), "atlas-release test")
		replaces := 0
		for _, h := range rb.Hops {
			for _, st := range h.Steps {
				replaces += len(st.Replaces)
			}
		}
		if replaces == 0 {
			t.Fatalf("%s: no step stands in for another: the test proves nothing", from)
		}
		for _, c := range []struct {
			f             templates.Format
			steps, ending string
			account       string
		}{
			{templates.Markdown, "\n### Steps", "\n## ", "\n## Where every step"},
			{templates.HTML, `<h3 id="steps-1">`, `<section id="rollback">`, `<section id="accounting">`},
		} {
			page := render(t, set, rb, c.f)
			steps := section(t, page, c.steps, c.ending)
			for _, word := range []string{"stands in for", "replaces", "superseded", "merged"} {
				if strings.Contains(steps, word) {
					t.Errorf("%s %s: the steps say %q", from, c.f, word)
				}
			}
			if !strings.Contains(section(t, page, c.account, "\x00"), "superseded by ") {
				t.Errorf("%s %s: the account of every step does not say which step supersedes another", from, c.f)
			}
		}
	}
}

// anchorsIn lists, in order, the step anchors a section names: "(anchor)" in
// Markdown, href="#anchor" in HTML.
var anchorsIn = map[templates.Format]*regexp.Regexp{
	templates.Markdown: regexp.MustCompile(`\*\* \(([^)]+)\)`),
	templates.HTML:     regexp.MustCompile(`<tr><td><a href="#([^"]+)"`),
}

// TestRollbackInUndoOrder: the rollback section lists the steps in the order
// to undo them, the reverse of the order they run, and says so.
func TestRollbackInUndoOrder(t *testing.T) {
	ws, set := example(t)
	for _, from := range []string{"4.0.0", "4.2.0", install} {
		rb := templates.NewRunbook(ws, plan(t, ws, from), "atlas-release test")
		var want []string
		for _, h := range rb.Hops {
			for _, st := range h.Steps {
				want = append(want, st.Anchor)
			}
		}
		slices.Reverse(want)
		for _, c := range []struct {
			f          templates.Format
			start, end string
		}{
			{templates.Markdown, "\n## Rollback", "\n## Sign-off"},
			{templates.HTML, `<section id="rollback">`, `</section>`},
		} {
			rollback := section(t, render(t, set, rb, c.f), c.start, c.end)
			var got []string
			for _, m := range anchorsIn[c.f].FindAllStringSubmatch(rollback, -1) {
				got = append(got, m[1])
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s %s: the rollback lists\n%q\nwant the reverse of the steps\n%q", from, c.f, got, want)
			}
			if !strings.Contains(rollback, "reverse order: the list below starts with the last step") {
				t.Errorf("%s %s: the rollback does not say its order:\n%s", from, c.f, rollback[:min(400, len(rollback))])
			}
		}
	}
}

// manifestOrder is, worked out from the workspace, the order the account of
// every step follows: release by release, oldest first, and in each release in
// its manifest's order — for an install, the base's install procedure, then
// the later releases' steps for new deployments.
func manifestOrder(t *testing.T, ws *releases.Workspace, rb *templates.Runbook) []string {
	t.Helper()
	var want []string
	for _, r := range rb.Releases {
		m, err := ws.Release(mustVersion(t, r.Version))
		if err != nil {
			t.Fatal(err)
		}
		steps := m.Steps
		if rb.Install && r.Version == rb.Base {
			steps = m.Install.Steps
		}
		for _, s := range steps {
			if !rb.Install || r.Version == rb.Base || s.NewDeployments {
				want = append(want, r.Version+" "+s.ID)
			}
		}
	}
	return want
}

// TestAccountInManifestOrder: the account of every step lists the steps
// release by release and in each release's manifest order (the composer
// lists superseded steps last), says so, and keeps the JSON form's order.
func TestAccountInManifestOrder(t *testing.T) {
	ws, set := example(t)
	rows := map[templates.Format]*regexp.Regexp{
		templates.Markdown: regexp.MustCompile(`(?m)^\| (\d+\.\d+\.\d+) \| ([^ |]+) \|`),
		templates.HTML:     regexp.MustCompile(`<tr><td>(\d+\.\d+\.\d+)</td><td>([^<]+)</td>`),
	}
	for _, from := range []string{"4.0.0", "4.1.0", install} {
		rb := templates.NewRunbook(ws, plan(t, ws, from), "atlas-release test")
		want := manifestOrder(t, ws, rb)
		var composed []string
		for _, f := range rb.Accounting {
			composed = append(composed, f.Version+" "+f.Step)
		}
		if slices.Equal(composed, want) {
			t.Fatalf("%s: the composer's order is already the manifests': the test proves nothing", from)
		}
		for _, c := range []struct {
			f     templates.Format
			start string
		}{{templates.Markdown, "\n## Where every step"}, {templates.HTML, `<section id="accounting">`}} {
			account := section(t, render(t, set, rb, c.f), c.start, "\x00")
			var got []string
			for _, m := range rows[c.f].FindAllStringSubmatch(account, -1) {
				got = append(got, m[1]+" "+m[2])
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s %s: the account lists\n%q\nwant release by release, in manifest order\n%q", from, c.f, got, want)
			}
			if !strings.Contains(account, "Release by release, oldest first, and in each release in the order of its manifest.") {
				t.Errorf("%s %s: the account does not explain its order", from, c.f)
			}
		}
		// The JSON form keeps the composer's order and bytes.
		var after []string
		for _, f := range rb.Accounting {
			after = append(after, f.Version+" "+f.Step)
		}
		if !slices.Equal(after, composed) {
			t.Errorf("%s: rendering reordered the runbook's Accounting", from)
		}
	}
}
