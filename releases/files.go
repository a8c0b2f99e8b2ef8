package releases

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"unicode/utf8"
)

// ErrNotRegular is wrapped by the error of a workspace path that exists but is
// not a regular file inside the workspace: a folder, a symbolic link, a named
// pipe, a socket, a device, or a name the file system refuses to open.
//
// Every file the tool reads from a workspace must be a regular file inside it:
// a link could make it validate and sign a file from anywhere on the machine
// (a script that is a link to ~/.ssh/id_ed25519 would be shipped to
// customers), and a named pipe or a device would make it wait for ever. Such a
// file is reported (AR0101, or AR0405 for a script), never skipped and never
// followed. The workspace's file system (internal/wsfs) enforces the same rule
// on every open, including the reads of the cut, and never blocks; the checks
// here make the model say so with a position whatever file system it is given.
var ErrNotRegular = errors.New("not a regular file")

// notRegularError is a workspace path that is not a regular file.
type notRegularError struct {
	name string
	// reason says what the file is and what to do, e.g. "a symbolic link, not a
	// regular file; …".
	reason string
}

func (e *notRegularError) Error() string { return e.name + ": " + e.reason }

func (e *notRegularError) Unwrap() error { return ErrNotRegular }

// notRegular is the error of name, whose mode m is not a regular file's.
func notRegular(name string, m fs.FileMode) *notRegularError {
	what := "an irregular file"
	switch {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeSymlink != 0:
		return &notRegularError{name: name, reason: "a symbolic link; atlas-release reads only regular files and folders inside the workspace, never through links (put a copy in place of the link)"}
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeCharDevice != 0:
		what = "a character device"
	case m&fs.ModeDevice != 0:
		what = "a device"
	}
	return &notRegularError{name: name, reason: what + ", not a regular file; atlas-release reads only regular files inside the workspace (put a regular file in its place)"}
}

// refused turns the error of a name the file system will not open (io/fs says
// fs.ErrInvalid: an invalid name, or one internal/wsfs refuses) into a
// *notRegularError; other errors are returned as they are.
func refused(name string, err error) error {
	if !errors.Is(err, fs.ErrInvalid) {
		return err
	}
	reason := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		reason = pe.Err.Error()
	}
	return &notRegularError{name: name, reason: reason}
}

// openRegular opens a file of the workspace and checks, on the opened file,
// that it is a regular file. It looks before it opens, so that a named pipe or
// a device is not opened at all, whatever the file system: opening one can
// block for ever. Links are not followed when the file system can tell them
// (fs.ReadLinkFS).
func openRegular(fsys fs.FS, name string) (fs.File, error) {
	st, err := fs.Lstat(fsys, name)
	if err != nil {
		return nil, refused(name, err)
	}
	if !st.Mode().IsRegular() {
		return nil, notRegular(name, st.Mode())
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, refused(name, err)
	}
	if st, err = f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		if err != nil {
			return nil, err
		}
		return nil, notRegular(name, st.Mode())
	}
	return f, nil
}

// readDir lists a folder of the workspace. A missing folder is empty; a folder
// that is not one the workspace may read (a link) is reported (AR0101) and
// treated as empty.
func readDir(fsys fs.FS, dir string, diags *Diagnostics) ([]fs.DirEntry, error) {
	if st, err := fs.Lstat(fsys, dir); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		reportNotRegular(notRegular(dir, st.Mode()), diags)
		return nil, nil
	}
	entries, err := fs.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	var nr *notRegularError
	if errors.As(refused(dir, err), &nr) {
		reportNotRegular(nr, diags)
		return nil, nil
	}
	// A name is printed in every diagnostic about its file: one that would
	// control the terminal or read differently than it is (a right-to-left
	// override) is reported, escaped, and its file left out.
	kept := entries[:0]
	for _, e := range entries {
		if why, bad := unprintableName(e.Name()); bad {
			reporter{path.Join(dir, strconv.Quote(e.Name())), diags}.report(Pos{1, 1}, codeNotRegular, "the file name holds %s: rename the file", why)
			continue
		}
		kept = append(kept, e)
	}
	return kept, err
}

// unprintableName says why a file name cannot be shown as it is: not UTF-8, or
// holding a character that text must not hold.
func unprintableName(name string) (string, bool) {
	if !utf8.ValidString(name) {
		return "bytes that are not UTF-8", true
	}
	if _, r, bad := findSpoofing(name, true); bad {
		return runeName(r), true
	}
	return "", false
}

// codeNotRegular is the rule of a workspace file that is not a regular file:
// it is not readable YAML text. (A script's is AR0405, on the step.)
const codeNotRegular = "AR0101"

// reportNotRegular reports a path that is not a regular file, on the path.
func reportNotRegular(e *notRegularError, diags *Diagnostics) {
	reporter{e.name, diags}.report(Pos{1, 1}, codeNotRegular, "%s", e.reason)
}

// ReadFile reads a file of the workspace for the renderers: a regular file
// inside the workspace of at most MaxFileSize bytes. The error of a path that
// is not a regular file wraps ErrNotRegular.
func ReadFile(fsys fs.FS, name string) ([]byte, error) {
	b, err := readLimited(fsys, name)
	var tooLarge *tooLargeError
	if errors.As(err, &tooLarge) {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return b, err
}

// unreadable says why a workspace file could not be read, after its name:
// "scripts/a.ps1 not found", "scripts/a.ps1: a symbolic link, not a regular
// file; …".
func unreadable(name string, err error) string {
	var nr *notRegularError
	switch {
	case errors.As(err, &nr):
		return nr.Error()
	case errors.Is(err, fs.ErrNotExist):
		return name + " not found"
	}
	return fmt.Sprintf("%s cannot be read: %v", name, err)
}
