//go:build unix

package publish_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/ghrelease/ghreleasetest"
)

// TestOpenCutNeverBlocks: a named pipe in place of a file of the cut (its
// metadata, a signature, a plain file, a bundle) is refused at once; reading it
// would wait for a writer forever.
func TestOpenCutNeverBlocks(t *testing.T) {
	for _, name := range []string{"metadata.json", "SHA256SUMS.minisig", "release-notes.md", "atlas-4.3.0-from-4.2.0.tar.gz"} {
		t.Run(name, func(t *testing.T) {
			e := newGHEnv(t, ghreleasetest.Config{})
			path := filepath.Join(e.cut.Dir, name)
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(path, 0o644); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := cut.Open(e.cut.Dir, e.ws, semver.MustParse("4.3.0"))
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("a cut with a named pipe was accepted")
				}
			case <-time.After(10 * time.Second):
				// Unblock the reader so the test can end.
				if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
					f.Close()
				}
				t.Fatal("OpenCut blocked on a named pipe")
			}
		})
	}
}
