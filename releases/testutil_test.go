package releases

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/atlas-release/atlas-release/internal/example"
)

// exampleFS returns an in-memory copy of the example workspace that a test may
// change freely.
func exampleFS(t testing.TB) fstest.MapFS { return example.FS(t) }

func mustLoad(t testing.TB, fsys fs.FS) *Workspace {
	t.Helper()
	ws, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}
