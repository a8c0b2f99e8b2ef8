package cut_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/bundle"
	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/signing"
)

// TestInstallBundle cuts the example at 4.3.0 and at 4.0.0, its first
// release, and checks the install bundle of each: signed like the upgrade
// bundles with a comment that says it is an install, listed in SHA256SUMS and
// metadata.json, verified by bundle.Verify, holding the install runbook, its
// scripts and the communications of a first deployment. The first release has
// no upgrade bundle, and the cut says why.
func TestInstallBundle(t *testing.T) {
	tests := []struct {
		version string
		sources []string
		// steps are install steps the runbook names; notFrom a step it must
		// not (the upgrade-only step of a later release).
		steps []string
	}{
		{"4.3.0", []string{"4.2.0", "4.1.0", "4.0.0"}, []string{"initialize-tenant", "register-apps", "deploy-backend", "enable-hub-analytics"}},
		{"4.0.0", []string{}, []string{"initialize-tenant", "register-apps", "deploy-backend"}},
	}
	for _, tc := range tests {
		t.Run(tc.version, func(t *testing.T) {
			ws := t.TempDir()
			copyExample(t, ws, time.Now())
			opts := options(t, ws, filepath.Join(ws, "dist"))
			opts.Version, _ = releases.ParseVersion(tc.version)
			var summary string
			opts.Progress = func(e cut.Event) {
				if e.Step == cut.StepValidate && e.Kind == cut.Done {
					summary = e.Message
				}
			}
			meta, dir, err := cut.Run(t.Context(), opts)
			if err != nil {
				t.Fatal(err)
			}
			name := "atlas-" + tc.version + "-install.tar.gz"
			if meta.Install != name || !slices.Equal(meta.Sources, tc.sources) {
				t.Fatalf("metadata says install %q, sources %v", meta.Install, meta.Sources)
			}
			if !strings.Contains(summary, "an install bundle for new deployments") ||
				len(tc.sources) == 0 && !strings.Contains(summary, "no earlier version to upgrade from") {
				t.Errorf("validate sums up %q", summary)
			}
			var bundles, installs []string
			for _, a := range meta.Files {
				if a.Kind == cut.KindBundle {
					bundles = append(bundles, a.Name)
				}
				if a.Install {
					installs = append(installs, a.Name)
					if a.From != "" {
						t.Errorf("%s has from %q", a.Name, a.From)
					}
				}
			}
			if len(bundles) != len(tc.sources)+1 || !slices.Equal(installs, []string{name, name + cut.SignatureExt}) {
				t.Errorf("bundles %v, install files %v", bundles, installs)
			}
			sums, _ := os.ReadFile(filepath.Join(dir, cut.ChecksumsFile))
			if !strings.Contains(string(sums), "  "+name+"\n") || !strings.Contains(string(sums), "  "+name+cut.SignatureExt+"\n") {
				t.Errorf("SHA256SUMS does not list the install bundle:\n%s", sums)
			}
			raw, _ := os.ReadFile(filepath.Join(dir, cut.MetadataFile))
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil || m["install"] != name {
				t.Errorf("metadata.json: %v, install %v", err, m["install"])
			}

			sig, err := os.ReadFile(filepath.Join(dir, name+cut.SignatureExt))
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "install")
			rep, err := bundle.Verify(filepath.Join(dir, name), sig, signing.PublicKeyOf(*opts.Key), bundle.Expect{Product: "atlas", Version: tc.version}, out, bundle.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			fields := signing.ParseComment(rep.Comment)
			if fields["kind"] != bundle.KindInstall || fields["to"] != tc.version || fields["from"] != "" {
				t.Errorf("trusted comment %q", rep.Comment)
			}
			if !rep.Bundle.Install || rep.Bundle.From != "" || rep.Bundle.To != tc.version {
				t.Errorf("manifest %+v", rep.Bundle)
			}
			runbook, _ := os.ReadFile(filepath.Join(out, "runbook.md"))
			for _, s := range tc.steps {
				if !strings.Contains(string(runbook), s) {
					t.Errorf("the install runbook does not name %s", s)
				}
			}
			for _, f := range []string{"runbook.html", "runbook.json", "VERIFY.txt", "scripts/Initialize-AtlasTenant.ps1",
				"communications/deployment-request.md", "communications/maintenance-window.ics"} {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Errorf("the install bundle lacks %s: %v", f, err)
				}
			}
			// A first deployment is announced to no one: users have nothing
			// that could change or go offline. No upgrade's words either.
			comms, _ := filepath.Glob(filepath.Join(out, "communications", "*"))
			for _, c := range comms {
				b, _ := os.ReadFile(c)
				if base := filepath.Base(c); strings.HasPrefix(base, "announcement-") || strings.HasPrefix(base, "change-request") ||
					strings.HasPrefix(base, tc.version+"-") || strings.Contains(string(b), "What is new") || strings.Contains(string(b), "offline for") || strings.Contains(string(b), "unavailable") {
					t.Errorf("the install bundle holds %s:\n%s", base, b)
				}
			}
			verify, _ := os.ReadFile(filepath.Join(out, "VERIFY.txt"))
			if !strings.Contains(string(verify), "Deploys:  "+tc.version+" on a new tenant") || strings.Contains(string(verify), "Upgrade:") {
				t.Errorf("VERIFY.txt:\n%s", verify)
			}
		})
	}
}

// TestNoInstallBelowOldest: a release older than policy.oldestVersion has no
// install procedure, and its cut has no install bundle (and no error).
func TestNoInstallBelowOldest(t *testing.T) {
	ws := t.TempDir()
	copyExample(t, ws, time.Now())
	cfg := filepath.Join(ws, releases.ConfigFile)
	b, _ := os.ReadFile(cfg)
	b2 := strings.Replace(string(b), "oldestVersion: 4.0.0", "oldestVersion: 4.1.0", 1)
	if b2 == string(b) {
		t.Fatal("the example's policy.oldestVersion is not 4.0.0")
	}
	if err := os.WriteFile(cfg, []byte(b2), 0o644); err != nil {
		t.Fatal(err)
	}
	// The customers on 4.0.0 would be the vendor's to bring to 4.1.0.
	if err := os.Remove(filepath.Join(ws, "customers.yaml")); err != nil {
		t.Fatal(err)
	}
	opts := options(t, ws, filepath.Join(ws, "dist"))
	opts.Version, _ = releases.ParseVersion("4.0.0")
	meta, _, err := cut.Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Install != "" || slices.ContainsFunc(meta.Files, func(a cut.Artifact) bool { return a.Kind == cut.KindBundle }) {
		t.Errorf("a release below the oldest version got bundles: %+v", meta.Files)
	}
}
