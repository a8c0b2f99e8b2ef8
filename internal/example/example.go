// Package example gives tests the example workspace (examples/atlas): an
// in-memory copy (FS) or a fresh copy on disk (Copy), which they may change
// freely. It is the one way tests copy the example.
package example

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// Dir is the example workspace's folder, found from the module root above the
// test's working directory.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, err := find()
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// find looks for go.mod from the working directory up: tests run in their
// package's folder, at any depth.
func find() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "examples", "atlas"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// FS returns a copy of the example workspace.
func FS(tb testing.TB) fstest.MapFS {
	tb.Helper()
	fsys := fstest.MapFS{}
	err := walk(Dir(tb), func(rel string, data []byte) error {
		fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data, Mode: 0o644}
		return nil
	}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return fsys
}

// Copy returns a fresh copy of the example workspace on disk, a folder named
// atlas in a temporary folder that is removed when the test ends.
func Copy(tb testing.TB) string {
	tb.Helper()
	dst := filepath.Join(tb.TempDir(), "atlas")
	if err := CopyTo(dst); err != nil {
		tb.Fatal(err)
	}
	return dst
}

// CopyTo copies the example workspace into dst, for setups that have no
// testing.TB to report to (testscript's Setup).
func CopyTo(dst string) error {
	src, err := find()
	if err != nil {
		return err
	}
	return copyTree(src, dst)
}

// copyTree copies the files of src into dst, leaving out a top-level dist/:
// that is what `cut` writes into a workspace, and a cut left in the example
// by a demo must not leak into every test.
func copyTree(src, dst string) error {
	return walk(src, func(rel string, data []byte) error {
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	}, func(rel string) error {
		return os.MkdirAll(filepath.Join(dst, rel), 0o755)
	})
}

// walk calls file with every regular file under root and dir, if set, with
// every folder before its files; paths are relative to root.
func walk(root string, file func(rel string, data []byte) error, dir func(rel string) error) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if rel == "dist" {
				return filepath.SkipDir
			}
			if dir != nil {
				return dir(rel)
			}
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return file(rel, b)
	})
}
