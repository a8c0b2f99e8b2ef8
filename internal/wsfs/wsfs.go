// Package wsfs opens the files atlas-release reads from disk so that no hostile
// file can make it read outside a workspace, sign what it did not validate, or
// hang.
//
// A workspace is read through FS, an fs.FS on an os.Root: every file it opens is
// a regular file inside the root, never reached through a symbolic link, and
// never a named pipe, socket or device. The few files named by the user outside
// any workspace (the signing keys) are read with OpenFile and ReadFile, which
// follow links, since the user chose the path, but still refuse anything that is
// not a regular file and never block opening one.
//
// Every refusal wraps ErrRefused, and also fs.ErrInvalid, so that code that only
// knows io/fs (the releases model) can tell a refused file from a missing one.
package wsfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/atlas-release/atlas-release/internal/readall"
)

// ErrRefused is wrapped by the error of every file these functions refuse to
// read: a symbolic link or special file in a workspace, a special file or an
// oversized file at a user's path.
var ErrRefused = errors.New("file refused")

// refusal says why a file is refused; it is the Err of an *fs.PathError.
type refusal struct{ msg string }

func (r *refusal) Error() string { return r.msg }

// Is makes a refusal both ErrRefused and fs.ErrInvalid (the name cannot be
// opened in this file system).
func (r *refusal) Is(target error) bool { return target == ErrRefused || target == fs.ErrInvalid }

// The reasons of refusals, after what the file is.
const (
	whyLink    = "; atlas-release reads only regular files and folders inside the workspace, never through links (put a copy in place of the link)"
	whySpecial = ", not a regular file; atlas-release reads only regular files (put a regular file in its place)"
)

// describe names the kind of file a mode is, for messages: "a directory", "a
// symbolic link", "a named pipe (FIFO)"…
func describe(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "an irregular file"
}

// refuse is the error of name, or of its component at (empty: name itself),
// which has mode m.
func refuse(op, name, at string, m fs.FileMode) error {
	msg := describe(m) + whySpecial
	if m&fs.ModeSymlink != 0 {
		msg = describe(m) + whyLink
	}
	if at != "" && at != name {
		msg = at + " is " + msg
	}
	return &fs.PathError{Op: op, Path: name, Err: &refusal{msg}}
}

// FS is a workspace folder, read through an os.Root.
//
// Symbolic links are refused, wherever they are in a path, even when they point
// inside the workspace: the files a release is validated from and signed with
// are then exactly the files that reviewers see in the repository, never
// something a link, or a later change of its target, substitutes. The os.Root
// keeps every open inside the folder whatever happens, even if a folder is
// swapped for a link between the check and the open; the check of the file's
// type is made on the opened descriptor, so it cannot be raced.
type FS struct {
	root *os.Root
}

// New opens the workspace folder dir.
func New(dir string) (*FS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &FS{root: r}, nil
}

// Close releases the folder.
func (f *FS) Close() error { return f.root.Close() }

// Open opens a regular file or a folder of the workspace. It refuses, with an
// error that wraps ErrRefused, a name that is or goes through a symbolic link
// and a named pipe, socket or device, without blocking: special files are
// refused before they are opened, and opened without waiting (O_NONBLOCK).
func (f *FS) Open(name string) (fs.File, error) {
	info, err := f.lstat("open", name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() && !info.IsDir() {
		return nil, refuse("open", name, "", info.Mode())
	}
	file, err := f.root.OpenFile(name, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, err
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() && !st.IsDir() {
		file.Close()
		return nil, refuse("open", name, "", st.Mode())
	}
	if !os.SameFile(info, st) {
		// Replaced between the check and the open: the checked file is not the
		// one opened, and what was opened may have been reached through a link.
		file.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: &refusal{"the file changed while it was opened; try again"}}
	}
	return file, nil
}

// Stat describes a file of the workspace without opening it: a named pipe is
// described, not refused, but a path through a symbolic link is refused.
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	return f.lstat("stat", name)
}

// lstat checks every component of name, refusing symbolic links, and returns
// the last one's description.
func (f *FS) lstat(op, name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return f.root.Lstat(".")
	}
	var info fs.FileInfo
	for i := 0; ; {
		j := strings.IndexByte(name[i:], '/')
		end := len(name)
		if j >= 0 {
			end = i + j
		}
		var err error
		if info, err = f.root.Lstat(name[:end]); err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, &fs.PathError{Op: op, Path: name, Err: err}
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return nil, refuse(op, name, name[:end], info.Mode())
		}
		if end == len(name) {
			return info, nil
		}
		i = end + 1
	}
}

// OpenFile opens, for reading, a regular file at a path the user gave, such as
// a key file. Links are followed, since the user chose the path; anything that
// is not a regular file is refused without blocking, as in FS.Open.
func OpenFile(name string) (*os.File, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, refuse("open", name, "", info.Mode())
	}
	file, err := os.OpenFile(name, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, err
	}
	st, err := file.Stat()
	if err == nil && (!st.Mode().IsRegular() || !os.SameFile(info, st)) {
		err = refuse("open", name, "", st.Mode())
	}
	if err != nil {
		file.Close()
		return nil, err
	}
	return file, nil
}

// ReadFile reads a regular file at a path the user gave, refusing it when it
// holds more than limit bytes: what it reads is small (a key), and its memory
// must not depend on what it is given.
func ReadFile(name string, limit int64) ([]byte, error) {
	f, err := OpenFile(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAllLimited(f, name, limit)
}

// ReadAllLimited reads r, the opened file name, refusing it when it holds more
// than limit bytes.
func ReadAllLimited(r io.Reader, name string, limit int64) ([]byte, error) {
	var size int64
	if f, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
	}
	b, err := readall.UpTo(r, size, limit)
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &fs.PathError{Op: "read", Path: name, Err: &refusal{fmt.Sprintf("the file is larger than %d bytes", limit)}}
	}
	return b, nil
}
