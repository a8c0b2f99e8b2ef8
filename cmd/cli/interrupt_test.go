//go:build unix

package cli

import (
	"crypto/rand"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/internal/example"
)

// TestInterruptedCut interrupts a real cut with SIGINT, as Ctrl-C does: it stops,
// exits non-zero, and leaves neither dist/<version>/ nor its temporary folder.
func TestInterruptedCut(t *testing.T) {
	work := t.TempDir()
	ws := example.Copy(t)
	f, err := os.OpenFile(filepath.Join(ws, "scripts", "Deploy-AtlasBackend.ps1"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, 64<<20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if code, _, stderr := runCLI(t, nil, "keygen", "--out-dir", filepath.Join(work, "keys"), "--unencrypted"); code != 0 {
		t.Fatal(stderr)
	}
	// The test binary runs the command line when it is called atlas-release.
	bin := filepath.Join(work, "bin", "atlas-release")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(self, bin); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-C", ws, "cut", "4.3", "--key", filepath.Join(work, "keys", "atlas-release.key"))
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once the cut has started writing.
	dist := filepath.Join(ws, "dist")
	deadline := time.Now().Add(20 * time.Second)
	for {
		if tmp, _ := filepath.Glob(filepath.Join(dist, ".4.3.0.tmp-*", "*.tar.gz")); len(tmp) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the cut never started writing bundles")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if err == nil {
		t.Fatal("the interrupted cut succeeded")
	}
	left, _ := os.ReadDir(dist)
	for _, e := range left {
		if e.IsDir() {
			t.Fatalf("an interrupted cut left %s", e.Name())
		}
	}
}
