package bundle_test

import (
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"aead.dev/minisign"

	"github.com/atlas-release/atlas-release/bundle"
	"github.com/atlas-release/atlas-release/internal/tamper"
	"github.com/atlas-release/atlas-release/signing"
)

func keys(t testing.TB) (minisign.PrivateKey, minisign.PrivateKey) {
	t.Helper()
	_, a, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, b, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

// TestTamperCorpus rejects every tampered download with a message naming what is
// wrong, and writes nothing when asked to extract one.
func TestTamperCorpus(t *testing.T) {
	key, other := keys(t)
	cases, err := tamper.Build(t.TempDir(), key, other)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 15 {
		t.Fatalf("only %d cases", len(cases))
	}
	pub := signing.PublicKeyOf(key)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			sig, err := os.ReadFile(c.File + ".minisig")
			if c.Name == "no-signature" {
				if !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("the case has a signature: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "extracted")
			_, err = bundle.Verify(c.File, sig, pub, bundle.Expect{Version: c.ExpectVersion}, out, bundle.DefaultLimits)
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, bundle.ErrInvalid) && !errors.Is(err, signing.ErrVerification) {
				t.Fatalf("not classified as a verification failure: %v", err)
			}
			if !strings.Contains(err.Error(), c.Want) {
				t.Fatalf("error %q does not say %q", err, c.Want)
			}
			if !strings.Contains(err.Error(), filepath.Base(c.File)) {
				t.Fatalf("error %q does not name the file", err)
			}
			if entries, _ := os.ReadDir(out); len(entries) > 0 {
				t.Fatalf("a rejected bundle left %d files in the extraction folder", len(entries))
			}
		})
	}
}

func TestGenuineBundle(t *testing.T) {
	key, _ := keys(t)
	dir := t.TempDir()
	file, err := tamper.Genuine(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := os.ReadFile(file + ".minisig")
	out := filepath.Join(dir, "out")
	rep, err := bundle.Verify(file, sig, signing.PublicKeyOf(key), bundle.Expect{Product: "atlas", Version: "4.3.0"}, out, bundle.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Bundle.From != "4.2.0" || rep.Bundle.To != "4.3.0" || len(rep.Bundle.Files) != 5 {
		t.Fatalf("report %+v", rep.Bundle)
	}
	st, err := os.Stat(filepath.Join(out, "scripts", "Deploy-AtlasBackend.ps1"))
	if err != nil || st.Mode().Perm() != 0o755 {
		t.Fatalf("script extracted as %v, %v", st, err)
	}
	// Extraction needs an empty folder.
	if _, err := bundle.Verify(file, sig, signing.PublicKeyOf(key), bundle.Expect{}, out, bundle.DefaultLimits); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("extracted over files: %v", err)
	}
}
