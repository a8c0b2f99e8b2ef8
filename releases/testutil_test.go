package releases

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// exampleFS returns an in-memory copy of the example workspace that a test may
// change freely.
func exampleFS(t testing.TB) fstest.MapFS {
	t.Helper()
	root := filepath.Join("..", "examples", "atlas")
	fsys := fstest.MapFS{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b, Mode: 0o644}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

func mustLoad(t testing.TB, fsys fs.FS) *Workspace {
	t.Helper()
	ws, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}
