package releases

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// TestInstallPlan composes the deployments of the example's releases: the
// install procedure of 4.0.0, then what later releases mark newDeployments,
// composed by the upgrade rules.
func TestInstallPlan(t *testing.T) {
	ws := mustLoad(t, exampleFS(t))
	installSteps := []string{"install-modules", "preflight", "initialize-tenant", "register-apps", "deploy-spfx-package",
		"grant-admin-consent", "approve-api-access", "deploy-backend", "start-connex-sync", "provision-hub-templates",
		"publish-teams-app", "verify-deployment", "announce-launch"}
	tests := []struct {
		version string
		// kept lists the steps that run, as version/id, in any order.
		added []string
		// superseded maps a superseded step to the step that runs instead.
		superseded map[string]string
	}{
		{version: "4.0.0"},
		{version: "4.1.0"},
		{version: "4.2.0", added: []string{"4.2.0/enable-hub-analytics"}},
		{version: "4.3.0", added: []string{"4.2.0/enable-hub-analytics", "4.3.0/deploy-backend"},
			superseded: map[string]string{"4.0.0/deploy-backend": "4.3.0/deploy-backend"}},
	}
	for _, tc := range tests {
		t.Run(tc.version, func(t *testing.T) {
			v, _ := ParseVersion(tc.version)
			p, err := ws.InstallPlan(v)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Install || !p.From.Equal(v) || !p.To.Equal(v) || p.Base.String() != "4.0.0" || len(p.Hops) != 1 {
				t.Fatalf("path: install %v, from %v, to %v, base %v, %d hops", p.Install, p.From, p.To, p.Base, len(p.Hops))
			}
			want := map[string]Origin{}
			for _, id := range installSteps {
				want["4.0.0/"+id] = OriginInstall
			}
			for _, ref := range tc.added {
				want[ref] = OriginNewDeployments
			}
			for ref := range tc.superseded {
				delete(want, ref)
			}
			got := map[string]Origin{}
			for _, ps := range p.Hops[0].Steps {
				got[ps.Ref().String()] = ps.Origin()
			}
			if !maps.Equal(got, want) {
				t.Errorf("steps:\n got %v\nwant %v", got, want)
			}
			// Every source step is accounted for, with where it came from.
			if n := len(installSteps) + len(tc.added); len(p.Fates) != n {
				t.Errorf("%d fates, want %d: %+v", len(p.Fates), n, p.Fates)
			}
			for _, f := range p.Fates {
				if f.Origin == "" {
					t.Errorf("fate of %s has no origin", f.StepRef)
				}
				if by, ok := tc.superseded[f.String()]; ok && (f.Fate != FateSuperseded || f.By == nil || f.By.String() != by) {
					t.Errorf("fate of %s: %s by %v, want superseded by %s", f.StepRef, f.Fate, f.By, by)
				}
			}
			// A new tenant has no users: no outage, no content freeze.
			if tot := p.Total; len(tot.Outages) != 0 || tot.Freeze.Decision != FreezeNotNeeded {
				t.Errorf("outages %v, freeze %s", tot.Outages, tot.Freeze.Decision)
			}
			if n := len(p.Prerequisites); n != 6 {
				t.Errorf("%d prerequisites, want the 6 of the install procedure", n)
			}
		})
	}
}

// TestInstallPlanDependsByKey checks that a newDeployments step waiting for an
// upgrade-only step of its release waits, in an install, for the step that
// runs under the same dedupeKey, and that a superseding step keeps the
// dependencies of the install step it replaces.
func TestInstallPlanDependsByKey(t *testing.T) {
	ws := mustLoad(t, exampleFS(t))
	v, _ := ParseVersion("4.3.0")
	p, err := ws.InstallPlan(v)
	if err != nil {
		t.Fatal(err)
	}
	after := map[string][]string{}
	pos := map[string]int{}
	for i, ps := range p.Hops[0].Steps {
		after[ps.Ref().String()] = ps.After
		pos[ps.Anchor] = i
	}
	if got := after["4.2.0/enable-hub-analytics"]; !slices.Equal(got, []string{"deploy-backend"}) {
		t.Errorf("enable-hub-analytics waits for %v, want [deploy-backend] (4.3.0's, standing in for 4.2.0's)", got)
	}
	if got := after["4.3.0/deploy-backend"]; !slices.Contains(got, "deploy-spfx-package") || !slices.Contains(got, "grant-admin-consent") {
		t.Errorf("4.3.0/deploy-backend waits for %v, want deploy-spfx-package and grant-admin-consent", got)
	}
	if pos["enable-hub-analytics"] < pos["deploy-backend"] {
		t.Error("enable-hub-analytics runs before the backend is deployed")
	}
}

// TestInstallPlanPrerequisites checks that a prerequisite marked
// newDeployments joins the install's, and one that is not does not.
func TestInstallPlanPrerequisites(t *testing.T) {
	fsys := exampleFS(t)
	f := fsys["releases/4.2.0.yaml"]
	src := string(f.Data)
	marked := strings.Replace(src, "\n    blocking: true\n", "\n    blocking: true\n    newDeployments: true\n", 1)
	if marked == src {
		t.Fatal("4.2.0.yaml has no blocking prerequisite to mark")
	}
	for _, tc := range []struct {
		name string
		data string
		want bool
	}{{"unmarked", src, false}, {"marked", marked, true}} {
		t.Run(tc.name, func(t *testing.T) {
			fsys["releases/4.2.0.yaml"] = &fstest.MapFile{Data: []byte(tc.data), Mode: f.Mode}
			ws := mustLoad(t, fsys)
			v, _ := ParseVersion("4.3.0")
			p, err := ws.InstallPlan(v)
			if err != nil {
				t.Fatal(err)
			}
			got := slices.ContainsFunc(p.Prerequisites, func(pp PlannedPrerequisite) bool { return pp.Release.Version == "4.2.0" })
			if got != tc.want {
				t.Errorf("4.2.0's prerequisite in the install: %v, want %v", got, tc.want)
			}
		})
	}
}

func TestInstallPlanRefuses(t *testing.T) {
	noInstall := exampleFS(t)
	noInstall["releases/4.0.0.yaml"] = &fstest.MapFile{Data: mustRead(t, "testdata/invalid/107-no-install-procedure.yaml"), Mode: 0o644}
	tests := []struct {
		name, version string
		fsys          fstest.MapFS
		want          error
		message       string
	}{
		{"unknown version", "9.9.0", exampleFS(t), ErrNoRelease, "9.9.0"},
		{"no install procedure", "4.3.0", noInstall, ErrNoInstall, "add an install section to releases/4.0.0.yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := ParseVersion(tc.version)
			_, err := mustLoad(t, tc.fsys).InstallPlan(v)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.message) {
				t.Errorf("error %v, want %v mentioning %q", err, tc.want, tc.message)
			}
		})
	}
}

// TestInstallBudgetMatchesPlan checks that the validator's one-pass hands-on
// total of every release's deployment (AR0901) is the composed plan's.
func TestInstallBudgetMatchesPlan(t *testing.T) {
	fsys := exampleFS(t)
	ws := mustLoad(t, fsys)
	for _, m := range ws.Manifests {
		p, err := ws.InstallPlan(m.SemVer())
		if err != nil {
			t.Fatal(err)
		}
		// Set the budget one below the plan's total: the validator must report it.
		cfg := *ws.Config
		cfg.Policy.HandsOnBudgetMinutes = p.Total.HandsOnMinutes - 1
		probe := *ws
		probe.Config = &cfg
		found := false
		for _, d := range probe.Validate() {
			found = found || (d.Code == "AR0901" && d.File == m.file && strings.Contains(d.Message, "new tenant") &&
				strings.Contains(d.Message, " "+strconv.Itoa(p.Total.HandsOnMinutes)+" minutes"))
		}
		if !found {
			t.Errorf("%s: no AR0901 for a deployment of %d minutes over a budget of %d", m.Version, p.Total.HandsOnMinutes, cfg.Policy.HandsOnBudgetMinutes)
		}
	}
}
