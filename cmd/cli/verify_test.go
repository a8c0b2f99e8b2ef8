package cli

import (
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"aead.dev/minisign"

	"github.com/atlas-release/atlas-release/internal/tamper"
	"github.com/atlas-release/atlas-release/signing"
)

// TestVerifyTamperCorpus runs every tampered download through `verify`: exit 3,
// and a message that names the file and what is wrong.
func TestVerifyTamperCorpus(t *testing.T) {
	_, key, _ := minisign.GenerateKey(rand.Reader)
	_, other, _ := minisign.GenerateKey(rand.Reader)
	cases, err := tamper.Build(t.TempDir(), key, other)
	if err != nil {
		t.Fatal(err)
	}
	pub := signing.PublicKeyOf(key).String()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			args := []string{"verify", c.File, "--key", pub, "--extract", filepath.Join(t.TempDir(), "out")}
			if c.ExpectVersion != "" {
				args = append(args, "--expect-version", c.ExpectVersion)
			}
			code, _, stderr := runCLI(t, nil, args...)
			if code != ExitValidation {
				t.Fatalf("exit %d, want %d; stderr: %s", code, ExitValidation, stderr)
			}
			if !strings.Contains(stderr, c.Want) || !strings.Contains(stderr, filepath.Base(c.File)) {
				t.Fatalf("stderr %q does not name the file and %q", stderr, c.Want)
			}
		})
	}
}

// tool finds a command-line tool customers use; CI sets ATLAS_REQUIRE_TOOLS=1 so
// that a missing one fails instead of skipping.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("ATLAS_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is not installed", name)
		}
		t.Skipf("%s is not installed; set ATLAS_REQUIRE_TOOLS=1 to make this a failure", name)
	}
	return p
}

func runTool(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestInteroperability cuts the example release and checks it with the tools
// customers have: minisign verifies every bundle and SHA256SUMS, sha256sum checks
// the release folder and an extracted bundle; and a file signed with the minisign
// command passes atlas-release verify.
func TestInteroperability(t *testing.T) {
	minisignBin, sha256sum := tool(t, "minisign"), tool(t, "sha256sum")
	work := t.TempDir()
	ws := filepath.Join(work, "atlas")
	if err := copyTree(filepath.Join("..", "..", "examples", "atlas"), ws); err != nil {
		t.Fatal(err)
	}
	keys := filepath.Join(work, "keys")
	if code, _, stderr := runCLI(t, nil, "keygen", "--out-dir", keys, "--unencrypted"); code != 0 {
		t.Fatalf("keygen: %s", stderr)
	}
	pubText, _ := os.ReadFile(filepath.Join(keys, signing.PublicKeyFile))
	pub, _ := signing.ParsePublicKey(string(pubText))
	if code, _, stderr := runCLI(t, nil, "-C", ws, "cut", "4.3", "--key", filepath.Join(keys, signing.SecretKeyFile)); code != 0 {
		t.Fatalf("cut: %s", stderr)
	}
	dist := filepath.Join(ws, "dist", "4.3.0")
	bundles, _ := filepath.Glob(filepath.Join(dist, "*.tar.gz"))
	if len(bundles) != 3 {
		t.Fatalf("%d bundles", len(bundles))
	}
	for _, b := range append(bundles, filepath.Join(dist, "SHA256SUMS")) {
		out := runTool(t, dist, minisignBin, "-H", "-Vm", filepath.Base(b), "-P", pub.String())
		if !strings.Contains(out, "Signature and comment signature verified") || !strings.Contains(out, "Trusted comment: atlas-release ") {
			t.Fatalf("minisign said: %s", out)
		}
	}
	runTool(t, dist, sha256sum, "-c", "--strict", "SHA256SUMS")
	extracted := filepath.Join(work, "extracted")
	if code, _, stderr := runCLI(t, nil, "verify", bundles[0], "--key", pub.String(), "--expect-version", "4.3", "--extract", extracted); code != 0 {
		t.Fatalf("verify: %s", stderr)
	}
	out := runTool(t, extracted, sha256sum, "-c", "--strict", "SHA256SUMS")
	if strings.Count(out, ": OK") < 10 {
		t.Fatalf("sha256sum checked too little:\n%s", out)
	}

	// minisign's own signatures: a bundle signed with our trusted comment passes in
	// full; any other file passes with a warning that its comment binds nothing.
	msKey := filepath.Join(work, "ms.key")
	msPub := filepath.Join(work, "ms.pub")
	runTool(t, work, minisignBin, "-G", "-W", "-s", msKey, "-p", msPub)
	name := filepath.Base(bundles[0])
	sum := runTool(t, dist, sha256sum, name)
	comment := signing.Comment("bundle", name, "product", "atlas", "from", "4.2.0", "to", "4.3.0", "sha256", strings.Fields(sum)[0])
	if !strings.Contains(name, "from-4.2.0") {
		comment = strings.Replace(comment, "from=4.2.0", "from="+strings.TrimSuffix(strings.Split(name, "-from-")[1], ".tar.gz"), 1)
	}
	signedDir := filepath.Join(work, "signed-with-minisign")
	if err := os.MkdirAll(signedDir, 0o755); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(bundles[0])
	if err := os.WriteFile(filepath.Join(signedDir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	runTool(t, signedDir, minisignBin, "-S", "-H", "-s", msKey, "-m", name, "-t", comment)
	if code, stdout, stderr := runCLI(t, nil, "verify", filepath.Join(signedDir, name), "--key", msPub, "--expect-version", "4.3"); code != 0 {
		t.Fatalf("a bundle signed with minisign: exit %d: %s%s", code, stdout, stderr)
	}
	plain := filepath.Join(work, "notes.txt")
	if err := os.WriteFile(plain, []byte("release notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runTool(t, work, minisignBin, "-S", "-H", "-s", msKey, "-m", "notes.txt")
	code, stdout, stderr := runCLI(t, nil, "verify", plain, "--key", msPub)
	if code != 0 || !strings.Contains(stdout, "OK notes.txt") || !strings.Contains(stderr, "does not bind") {
		t.Fatalf("a file signed with minisign: exit %d: %s%s", code, stdout, stderr)
	}
	// minisign's legacy signatures are refused.
	runTool(t, work, minisignBin, "-S", "-l", "-s", msKey, "-m", "notes.txt", "-x", "notes.legacy")
	code, _, stderr = runCLI(t, nil, "verify", plain, "--sig", filepath.Join(work, "notes.legacy"), "--key", msPub)
	if code != ExitValidation || !strings.Contains(stderr, "legacy form") {
		t.Fatalf("a legacy signature: exit %d: %s", code, stderr)
	}
}
