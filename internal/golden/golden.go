// Package golden compares what a test produced with a file under testdata/.
// ATLAS_UPDATE_GOLDEN=1 rewrites the files instead; review the diff before
// committing it.
package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/atlas-release/atlas-release/textdiff"
)

// UpdateEnv names the environment variable that rewrites golden files.
const UpdateEnv = "ATLAS_UPDATE_GOLDEN"

// Check fails the test, with a unified diff, unless got equals the golden file.
func Check(t testing.TB, file string, got []byte) {
	t.Helper()
	if os.Getenv(UpdateEnv) == "1" {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with %s=1 to create it)", err, UpdateEnv)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with %s=1 to accept):\n%s", file, UpdateEnv,
			textdiff.Unified(file, "got", string(want), string(got)))
	}
}
