//go:build unix

package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/internal/example"
)

// hangDeadline is how long a child may take before it counts as hung: a hang
// check, not a timing assertion.
const hangDeadline = 5 * time.Second

// cliBinary returns the path of the command line as a separate program: the
// test binary runs it when it is called atlas-release (TestMain).
func cliBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "atlas-release")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(self, bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

// waitOrKill waits for a started child, killing it and failing the test when
// it has not ended by the hang deadline. It returns the exit code.
func waitOrKill(t *testing.T, cmd *exec.Cmd, stderr *bytes.Buffer) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exitErr *exec.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &exitErr):
			if exitErr.ExitCode() < 0 {
				t.Fatalf("%v ended by %v, not by its own exit", cmd.Args, err)
			}
			return exitErr.ExitCode()
		}
		t.Fatal(err)
	case <-time.After(hangDeadline):
		_ = cmd.Process.Kill()
		t.Logf("killed: %v", <-done)
		t.Fatalf("%v hung; stderr: %s", cmd.Args[1:], stderr)
	}
	return 0
}

// TestSpecialFilesNeverBlock gives the real command line a named pipe where it
// reads a file, with nobody writing to it: it refuses it at once, naming the
// path, and exits 3.
func TestSpecialFilesNeverBlock(t *testing.T) {
	bin := cliBinary(t)
	keys := t.TempDir()
	if code, _, stderr := runCLI(t, nil, "keygen", "--out-dir", keys, "--unencrypted"); code != 0 {
		t.Fatal(stderr)
	}
	for _, tc := range []struct {
		name, fifo string // fifo is relative to the workspace, or to keys for the key
		args       []string
		want       string
	}{
		{"script", "scripts/Deploy-AtlasBackend.ps1", []string{"validate"}, "script scripts/Deploy-AtlasBackend.ps1: a named pipe (FIFO)"},
		{"customers", "customers.yaml", []string{"validate"}, "customers.yaml:1:1: error AR0101: a named pipe (FIFO)"},
		{"manifest", "releases/4.4.0.yaml", []string{"validate"}, "releases/4.4.0.yaml:1:1: error AR0101: a named pipe (FIFO)"},
		{"workspace file", "atlas-release.yaml", []string{"validate"}, "atlas-release.yaml:1:1: error AR0101: a named pipe (FIFO)"},
		{"translation", "locales/de/releases/4.3.0.yaml", []string{"validate"}, "locales/de/releases/4.3.0.yaml:1:1: error AR0101: a named pipe (FIFO)"},
		{"template", "templates/notes.md.tmpl", []string{"notes", "4.3"}, "templates/notes.md.tmpl: a named pipe (FIFO)"},
		{"secret key", "$KEYS/fifo.key", []string{"cut", "4.3", "--key", "$KEYS/fifo.key"}, "fifo.key: a named pipe (FIFO), not a regular file"},
		{"public key", "$KEYS/fifo.pub", []string{"verify", "--key", "$KEYS/fifo.pub", "$KEYS/atlas-release.pub"}, "fifo.pub: a named pipe (FIFO), not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := example.Copy(t)
			kdir := t.TempDir()
			for _, name := range []string{"atlas-release.key", "atlas-release.pub"} {
				b, err := os.ReadFile(filepath.Join(keys, name))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(kdir, name), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			expand := func(s string) string { return strings.ReplaceAll(s, "$KEYS", kdir) }
			fifo := expand(tc.fifo)
			if !filepath.IsAbs(fifo) {
				fifo = filepath.Join(ws, filepath.FromSlash(fifo))
			}
			if err := os.MkdirAll(filepath.Dir(fifo), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.RemoveAll(fifo); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			args := []string{"-C", ws}
			for _, a := range tc.args {
				args = append(args, expand(a))
			}
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(bin, args...)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.Env = append(os.Environ(), "NO_COLOR=1")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if code := waitOrKill(t, cmd, &stderr); code != ExitValidation {
				t.Errorf("exit code %d, want %d; stderr: %s", code, ExitValidation, stderr.String())
			}
			if out := stdout.String() + stderr.String(); !strings.Contains(out, tc.want) {
				t.Errorf("output does not say %q:\n%s", tc.want, out)
			}
		})
	}
}
