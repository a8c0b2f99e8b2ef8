package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/atlas-release/atlas-release/internal/example"
	"github.com/atlas-release/atlas-release/signing"
)

// TestCtrlCEndsABlockedRead interrupts the real command line while it waits
// for a passphrase on a pipe that never ends: a read blocked in a system call
// never sees the cancelled context, yet the process ends, with 130, leaving
// nothing behind.
func TestCtrlCEndsABlockedRead(t *testing.T) {
	bin := cliBinary(t)
	ws := example.Copy(t)
	keys := t.TempDir()
	if code, _, stderr := runCLI(t, nil, "keygen", "--out-dir", keys, "--unencrypted"); code != 0 {
		t.Fatal(stderr)
	}
	markEncrypted(t, filepath.Join(keys, "atlas-release.key"))
	for _, tc := range []struct {
		name string
		args []string
		// left must not exist after the interrupt.
		left string
	}{
		{"keygen", []string{"keygen", "--out-dir", filepath.Join(keys, "new")}, filepath.Join(keys, "new", "atlas-release.key")},
		{"cut", []string{"-C", ws, "cut", "4.3", "--key", filepath.Join(keys, "atlas-release.key")}, filepath.Join(ws, "dist", "4.3.0")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			var stderr bytes.Buffer
			cmd := exec.Command(bin, tc.args...)
			cmd.Stdin, cmd.Stderr = r, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			r.Close()
			// Half a line: once the child has read it, it is blocked waiting
			// for the rest, and past the point where it handles signals.
			if _, err := w.WriteString("no newline"); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(hangDeadline)
			for {
				n, err := unix.IoctlGetInt(int(w.Fd()), unix.TIOCINQ) // FIONREAD: bytes still in the pipe
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					break
				}
				if time.Now().After(deadline) {
					_ = cmd.Process.Kill()
					t.Fatalf("the command never read its standard input; stderr: %s", &stderr)
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			if code := waitOrKill(t, cmd, &stderr); code != ExitInterrupted {
				t.Errorf("exit code %d, want %d; stderr: %s", code, ExitInterrupted, &stderr)
			}
			if !bytes.Contains(stderr.Bytes(), []byte("atlas-release: interrupted")) {
				t.Errorf("stderr does not say it was interrupted: %s", &stderr)
			}
			if _, err := os.Lstat(tc.left); err == nil {
				t.Errorf("the interrupted command left %s", tc.left)
			}
		})
	}
}

// markEncrypted makes an unencrypted key look encrypted, so that cut asks for
// its passphrase, without the seconds that scrypt takes to make a real one.
func markEncrypted(t *testing.T, file string) {
	t.Helper()
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	comment, key, _ := strings.Cut(strings.TrimSpace(string(text)), "\n")
	b, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		t.Fatal(err)
	}
	binary.LittleEndian.PutUint16(b[2:], 0x6353) // "Sc": scrypt
	text = []byte(comment + "\n" + base64.StdEncoding.EncodeToString(b) + "\n")
	if !signing.KeyIsEncrypted(text) {
		t.Fatal("the key does not look encrypted")
	}
	if err := os.WriteFile(file, text, 0o600); err != nil {
		t.Fatal(err)
	}
}
