package cut_test

import (
	"crypto/rand"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"aead.dev/minisign"

	"github.com/atlas-release/atlas-release/bundle"
	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/signing"
)

const childEnv = "ATLAS_CUT_CHILD_WORKSPACE"

// TestCutChild is the cut that TestCrashSafety runs, and kills, in a child process.
func TestCutChild(t *testing.T) {
	ws := os.Getenv(childEnv)
	if ws == "" {
		t.Skip("runs only as TestCrashSafety's child")
	}
	opts := options(t, ws, filepath.Join(ws, "dist"))
	opts.Clean = true
	key, err := signing.LoadSecretKey(filepath.Join(ws, "test.key"), nil)
	if err != nil {
		t.Fatal(err)
	}
	opts.Key = &key
	if _, _, err := cut.Run(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
}

// TestCrashSafety kills cuts with SIGKILL at points spread over their run and
// finds, every time, either the previous complete cut or the new complete one.
func TestCrashSafety(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("child")
	}
	ws := t.TempDir()
	copyExample(t, ws, time.Now())
	// A large payload makes the cut last long enough to be killed in every step.
	script := filepath.Join(ws, "scripts", "Deploy-AtlasBackend.ps1")
	f, err := os.OpenFile(script, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, 10<<20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	dist := filepath.Join(ws, "dist", "4.3.0")
	pub := signing.PublicKeyOf(testKey())

	run := func(killAfter time.Duration) {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^TestCutChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), childEnv+"="+ws)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if killAfter > 0 {
			time.Sleep(killAfter)
			_ = cmd.Process.Kill()
		}
		_ = cmd.Wait()
	}

	// The child cuts with the key of this process.
	key := testKey()
	keyText, _ := key.MarshalText()
	keyFile := filepath.Join(ws, "test.key")
	if err := os.WriteFile(keyFile, keyText, 0o600); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	run(0)
	full := time.Since(start)
	checkComplete(t, dist, pub)
	first := readTree(t, dist)
	t.Logf("a whole cut takes %v in a child process", full)

	kills := 8
	for i := range kills {
		delay := full * time.Duration(i+1) / time.Duration(kills+1)
		run(delay)
		if _, err := os.Stat(dist); err != nil {
			t.Fatalf("killed after %v: %s is gone", delay, dist)
		}
		checkComplete(t, dist, pub)
		if got := readTree(t, dist); len(got) != len(first) {
			t.Fatalf("killed after %v: %d files, want %d", delay, len(got), len(first))
		}
	}
}

// checkComplete checks a cut folder from its metadata down: every file listed,
// with its digest, and every signature valid.
func checkComplete(t *testing.T, dir string, pub minisign.PublicKey) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, cut.MetadataFile))
	if err != nil {
		t.Fatalf("incomplete cut: %v", err)
	}
	var meta cut.Metadata
	if err := json.Unmarshal(b, &meta); err != nil {
		t.Fatalf("metadata.json: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(meta.Files)+1 {
		t.Fatalf("%d files in %s, metadata lists %d", len(entries), dir, len(meta.Files))
	}
	for _, a := range meta.Files {
		if a.Kind != cut.KindBundle && a.Name != cut.ChecksumsFile {
			continue
		}
		sig, err := os.ReadFile(filepath.Join(dir, a.Name+cut.SignatureExt))
		if err != nil {
			t.Fatalf("%s: %v", a.Name, err)
		}
		rep, err := bundle.Verify(filepath.Join(dir, a.Name), sig, pub, bundle.Expect{Version: "4.3.0"}, "", bundle.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		if rep.SHA256 != a.SHA256 {
			t.Fatalf("%s: digest %s, metadata says %s", a.Name, rep.SHA256, a.SHA256)
		}
	}
	if strings.Contains(dir, ".tmp-") {
		t.Fatal("checked a temporary folder")
	}
}
