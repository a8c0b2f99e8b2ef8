package cli

import (
	"crypto/rand"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"aead.dev/minisign"

	"github.com/atlas-release/atlas-release/internal/download"
	"github.com/atlas-release/atlas-release/internal/example"
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
	ws := example.Copy(t)
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
	// Three upgrades and the install bundle.
	if len(bundles) != 4 || filepath.Base(bundles[3]) != "atlas-4.3.0-install.tar.gz" {
		t.Fatalf("bundles %v", bundles)
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

// TestVerifySignatureFile: the signature is read from a regular file of at most
// the size --url accepts, whatever sits at its path, and without ever waiting;
// a refused signature file or bundle is a failed verification (exit 3).
func TestVerifySignatureFile(t *testing.T) {
	_, key, _ := minisign.GenerateKey(rand.Reader)
	pub := signing.PublicKeyOf(key).String()
	tests := []struct {
		name string
		// make puts something at path, or skips the test where it cannot.
		make func(t *testing.T, path string)
		want string
	}{
		{"a signature of 2 GiB", func(t *testing.T, path string) {
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(2 << 30); err != nil { // sparse: no disk used
				t.Fatal(err)
			}
		}, "larger than 65536 bytes"},
		{"a signature just over the limit", func(t *testing.T, path string) {
			if err := os.WriteFile(path, make([]byte, download.MaxSignatureBytes+1), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "larger than 65536 bytes"},
		{"a folder", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o755); err != nil {
				t.Fatal(err)
			}
		}, "a directory, not a regular file"},
		{"a named pipe", mkfifo, "a named pipe (FIFO), not a regular file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file, err := tamper.Genuine(t.TempDir(), key)
			if err != nil {
				t.Fatal(err)
			}
			sig := filepath.Join(t.TempDir(), "sig.minisig")
			tc.make(t, sig)
			code, _, stderr := runWithin(t, 10*time.Second, "verify", file, "--sig", sig, "--key", pub)
			if code != ExitValidation || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, filepath.Base(file)) {
				t.Fatalf("exit %d, stderr %q; want %d, naming the file and saying %q", code, stderr, ExitValidation, tc.want)
			}
		})
	}
	t.Run("a named pipe as the bundle", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, tamper.BundleName)
		mkfifo(t, file)
		if err := os.WriteFile(file+".minisig", []byte("untrusted comment: x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runWithin(t, 10*time.Second, "verify", file, "--key", pub)
		if code != ExitValidation || !strings.Contains(stderr, "named pipe") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})
}

// mkfifo makes a named pipe, or skips the test where there are none.
func mkfifo(t *testing.T, path string) {
	t.Helper()
	bin, err := exec.LookPath("mkfifo")
	if err != nil {
		t.Skip("no mkfifo here")
	}
	if out, err := exec.Command(bin, path).CombinedOutput(); err != nil {
		t.Skipf("mkfifo: %v: %s", err, out)
	}
}

// runWithin runs the command line, failing the test if it has not ended in
// time: a blocked open would otherwise hang the test binary.
func runWithin(t *testing.T, limit time.Duration, args ...string) (int, string, string) {
	t.Helper()
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	go func() {
		code, stdout, stderr := runCLI(t, nil, args...)
		done <- result{code, stdout, stderr}
	}()
	select {
	case r := <-done:
		return r.code, r.stdout, r.stderr
	case <-time.After(limit):
		t.Fatalf("%s did not end within %s", strings.Join(args, " "), limit)
		return 0, "", ""
	}
}

// TestVerifyURL: a --url that carries credentials is not followed to another
// origin — verify exits 1 saying why, without the password, and the other
// origin receives nothing; a URL that cannot be downloaded from is a usage
// error (exit 2) naming --url; a download that would overwrite a file exits 1
// with the way out.
func TestVerifyURL(t *testing.T) {
	other, received := otherOrigin(t)
	_, key, _ := minisign.GenerateKey(rand.Reader)
	pub := signing.PublicKeyOf(key).String()
	home := redirecting(t, http.StatusFound, other.URL)
	withUser := strings.Replace(home.URL, "http://", "http://customer:s3cret-pass@", 1) + "/atlas-4.3.0.tar.gz"
	code, _, stderr := runCLI(t, nil, "verify", "--url", withUser, "--key", pub, "--download-dir", t.TempDir())
	if code != ExitError || !strings.Contains(stderr, "refusing to follow a redirect") || strings.Contains(stderr, "s3cret-pass") {
		t.Errorf("with credentials: exit %d: %s", code, stderr)
	}
	if n := received.Load(); n > 0 {
		t.Errorf("with credentials: the other origin received %d requests", n)
	}
	for raw, want := range map[string]string{
		"http://downloads.example/x.tar.gz": "--url: download over HTTPS: ",
		"not a url":                         `--url: "not a url" is not a URL`,
		"https://downloads.example/":        "--url: https://downloads.example/ does not end with a file name",
	} {
		code, _, stderr := runCLI(t, nil, "verify", "--url", raw, "--key", pub, "--download-dir", t.TempDir())
		if code != ExitUsage || !strings.Contains(stderr, want) {
			t.Errorf("%s: exit %d: %s", raw, code, stderr)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.tar.gz.minisig"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, nil, "verify", "--url", other.URL+"/x.tar.gz", "--key", pub, "--download-dir", dir)
	if code != ExitError || !strings.Contains(stderr, "x.tar.gz.minisig already exists: remove it, or download into another folder with --download-dir") {
		t.Errorf("over a file: exit %d: %s", code, stderr)
	}
	if n := received.Load(); n > 0 {
		t.Errorf("over a file: the server was asked %d times", n)
	}
}
