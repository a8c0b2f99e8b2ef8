package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/atlas-release/atlas-release/schemas"
)

// outFile refuses an --out that names a folder (an existing one, or a name
// ending in a slash) where a file is wanted: the write would otherwise fail
// late with the system's "file exists" or "is a directory".
func outFile(flag, out string) error {
	if out == "" || out == "-" {
		return nil
	}
	if strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(filepath.Separator)) {
		return usageErrorf("%s %s is a folder: name a file", flag, out)
	}
	if info, err := os.Stat(out); err == nil && info.IsDir() {
		return usageErrorf("%s %s is a folder: name a file", flag, out)
	}
	return nil
}

// writeFileAtomic writes a file through a temporary file in the same folder and a
// rename, so that a reader never sees half of it and a failure leaves nothing.
// Missing parent folders are created.
func writeFileAtomic(path string, data []byte, perm fs.FileMode) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("write %s: %w", path, bareError(err))
		}
	}()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// writeNewFile writes a file that must not exist yet. The final step is a hard
// link, which fails if the name was taken meanwhile: it never overwrites.
func writeNewFile(path string, data []byte, perm fs.FileMode) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".new")
	if err := writeFileAtomic(tmp, data, perm); err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists; not overwriting it", path)
		}
		return err
	}
	return nil
}

// bareError strips the temporary file's name from an error: people should see the
// file they asked for, not the one used to write it.
func bareError(err error) error {
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	switch {
	case errors.As(err, &pathErr):
		return pathErr.Err
	case errors.As(err, &linkErr):
		return linkErr.Err
	}
	return err
}

// writeSchemas writes every schema into dir.
func writeSchemas(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, n := range schemas.Names() {
		b, _ := schemas.Get(n)
		if err := writeFileAtomic(filepath.Join(dir, n+schemas.Suffix), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
