package bundle_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"aead.dev/minisign"

	"github.com/atlas-release/atlas-release/bundle"
	"github.com/atlas-release/atlas-release/signing"
)

const installName = "atlas-4.3.0-install.tar.gz"

// writeSigned writes a bundle of spec as name in dir, signed with key and the
// trusted comment of pairs (the bundle's name and SHA-256 are added).
func writeSigned(t *testing.T, dir, name string, key minisign.PrivateKey, spec bundle.Spec, pairs ...string) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := bundle.Write(context.Background(), &b, spec); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	d := signing.NewDigest()
	defer d.Close()
	if _, err := d.Write(b.Bytes()); err != nil {
		t.Fatal(err)
	}
	comment := signing.Comment(append(append([]string{"bundle", name}, pairs...), "sha256", d.SHA256())...)
	if err := os.WriteFile(file+".minisig", d.Sign(key, comment), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

func installSpec() bundle.Spec {
	return bundle.Spec{Product: "atlas", To: "4.3.0", Install: true, Generator: "test", ModTime: time.Date(2023, 5, 15, 0, 0, 0, 0, time.UTC),
		Files: []bundle.File{{Path: "runbook.md", Data: []byte("# Deploy Atlas 4.3.0\n")}, {Path: "scripts/Initialize-AtlasTenant.ps1", Executable: true, Data: []byte("Write-Host ok\n")}}}
}

// TestInstallBundleVerify: an install bundle signed as one passes and says
// so; one whose signature and manifest.json disagree on what it is, or on
// the version, is refused with nothing extracted.
func TestInstallBundleVerify(t *testing.T) {
	key, _ := keys(t)
	pub := signing.PublicKeyOf(key)
	upgrade := installSpec()
	upgrade.Install, upgrade.From = false, "4.2.0"
	tests := []struct {
		name   string
		file   string
		spec   bundle.Spec
		pairs  []string
		expect bundle.Expect
		want   string
	}{
		{name: "genuine", file: installName, spec: installSpec(), pairs: []string{"product", "atlas", "kind", "install", "to", "4.3.0"},
			expect: bundle.Expect{Product: "atlas", Version: "4.3.0"}},
		{name: "signed with neither kind nor source", file: installName, spec: installSpec(), pairs: []string{"product", "atlas", "to", "4.3.0"},
			want: "the signature names neither a version to upgrade from nor kind=install"},
		{name: "signed as an upgrade from 4.2.0", file: installName, spec: installSpec(), pairs: []string{"product", "atlas", "from", "4.2.0", "to", "4.3.0"},
			want: "manifest.json says an install bundle (a new deployment) of atlas 4.3.0, but the signature says an upgrade bundle of atlas 4.2.0 → 4.3.0"},
		{name: "an upgrade signed as an install", file: "atlas-4.3.0-from-4.2.0.tar.gz", spec: upgrade, pairs: []string{"product", "atlas", "kind", "install", "to", "4.3.0"},
			want: "manifest.json says an upgrade bundle of atlas 4.2.0 → 4.3.0, but the signature says an install bundle (a new deployment) of atlas 4.3.0"},
		{name: "signed as both install and upgrade", file: installName, spec: installSpec(), pairs: []string{"product", "atlas", "kind", "install", "from", "4.2.0", "to", "4.3.0"},
			want: "the signature is contradictory: it says both an install bundle and an upgrade from 4.2.0"},
		{name: "signed as an unknown kind", file: installName, spec: installSpec(), pairs: []string{"product", "atlas", "kind", "hotfix", "to", "4.3.0"},
			want: `the signature says kind="hotfix"`},
		{name: "another version expected", file: installName, spec: installSpec(), pairs: []string{"product", "atlas", "kind", "install", "to", "4.3.0"},
			expect: bundle.Expect{Version: "4.2.0"}, want: "the bundle is for 4.3.0, not 4.2.0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			file := writeSigned(t, dir, tc.file, key, tc.spec, tc.pairs...)
			sig, _ := os.ReadFile(file + ".minisig")
			out := filepath.Join(dir, "out")
			rep, err := bundle.Verify(file, sig, pub, tc.expect, out, bundle.DefaultLimits)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !rep.Bundle.Install || rep.Bundle.From != "" || rep.Bundle.To != "4.3.0" {
					t.Fatalf("manifest %+v", rep.Bundle)
				}
				if st, err := os.Stat(filepath.Join(out, "scripts", "Initialize-AtlasTenant.ps1")); err != nil || st.Mode().Perm() != 0o755 {
					t.Fatalf("script extracted as %v, %v", st, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.file) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if !errors.Is(err, bundle.ErrInvalid) && !errors.Is(err, signing.ErrVerification) {
				t.Fatalf("not a verification failure: %v", err)
			}
			if entries, _ := os.ReadDir(out); len(entries) > 0 {
				t.Fatal("a refused bundle was extracted")
			}
		})
	}
}

// TestWriteRefusesAmbiguousKind: a bundle is an upgrade from a version or an
// install, never both or neither; Write makes none that Check would refuse.
func TestWriteRefusesAmbiguousKind(t *testing.T) {
	both := installSpec()
	both.From = "4.2.0"
	neither := installSpec()
	neither.Install = false
	for _, spec := range []bundle.Spec{both, neither} {
		if _, err := bundle.Write(context.Background(), &bytes.Buffer{}, spec); err == nil || !strings.Contains(err.Error(), "not both or neither") {
			t.Errorf("from %q install %t: %v", spec.From, spec.Install, err)
		}
	}
}
