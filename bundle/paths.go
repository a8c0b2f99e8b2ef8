package bundle

import (
	"errors"
	"fmt"
	"strings"
)

// Limits of a path in a bundle: far above any real one, below what file
// systems accept (255 bytes a name; Windows' long paths).
const (
	maxPathLen = 1024
	maxNameLen = 255
)

// checkPath accepts only the paths a bundle may hold: local, clean and
// slash-separated, made of the characters of TRUST.md ([A-Za-z0-9._-] and /),
// so that SHA256SUMS works with `sha256sum -c --strict` and no name means
// something else to another file system: no Unicode case folding or
// normalization (macOS, Windows), no drive letters, streams or device names
// (Windows), no backslashes, no trailing dots (which Windows drops).
func checkPath(p string) error {
	switch {
	case p == "" || p == ".":
		return errors.New("empty path")
	case len(p) > maxPathLen:
		return fmt.Errorf("path is longer than %d bytes", maxPathLen)
	case strings.ContainsRune(p, '\\'):
		return errors.New("path contains a backslash")
	case strings.HasPrefix(p, "/"):
		return errors.New("absolute path")
	case len(p) >= 2 && p[1] == ':':
		return errors.New("path has a drive letter")
	}
	for _, r := range p {
		switch {
		case r < 0x20 || r == 0x7f:
			return errors.New("path contains control characters")
		case !safePathChar(r):
			return fmt.Errorf("path contains %+q; bundle paths use only A-Z, a-z, 0-9, '.', '_', '-' and '/'", r)
		}
	}
	for _, name := range strings.Split(p, "/") {
		switch {
		case name == "" || name == ".":
			return errors.New("path is not local (empty elements)")
		case name == "..":
			return errors.New("path is not local (..)")
		case len(name) > maxNameLen:
			return fmt.Errorf("a name in the path is longer than %d bytes", maxNameLen)
		case strings.HasSuffix(name, "."):
			return fmt.Errorf("%q ends with a dot, which Windows drops", name)
		case windowsDevice(name):
			return fmt.Errorf("%q is a device name on Windows", name)
		}
	}
	return nil
}

func safePathChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == '/'
}

// windowsDevice reports names that Windows opens as devices whatever their
// folder and extension: CON, NUL.txt, com1.tar.gz…
func windowsDevice(name string) bool {
	base, _, _ := strings.Cut(strings.ToUpper(name), ".")
	switch base {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	return len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) && base[3] >= '0' && base[3] <= '9'
}

// pathSet holds the paths of a bundle so far, to refuse one that another would
// overwrite or shadow when extracted: the same path twice, paths equal but for
// case (one file on Windows and macOS), and a file where another path needs a
// folder ("a" and "a/b"), whatever their order. Paths passed checkPath, so they
// are ASCII and ToLower folds them as every file system does.
type pathSet struct {
	// kinds maps a folded path to its first spelling and whether it is a folder.
	kinds map[string]pathKind
}

type pathKind struct {
	name string
	dir  bool
	// explicit is false for a folder only implied by the paths under it.
	explicit bool
}

func newPathSet() *pathSet { return &pathSet{kinds: map[string]pathKind{}} }

// add records a file or folder, or says why it cannot be in the bundle.
func (s *pathSet) add(name string, dir bool) error {
	// The folders above name: none may be a file.
	for i := strings.IndexByte(name, '/'); i >= 0; i = next(name, i) {
		parent := name[:i]
		key := strings.ToLower(parent)
		k, ok := s.kinds[key]
		switch {
		case !ok:
			s.kinds[key] = pathKind{name: parent, dir: true}
		case k.name != parent && k.dir:
			return fmt.Errorf("is inside %s, which differs from folder %s only in case; on Windows and macOS they are one folder", parent, k.name)
		case k.name != parent:
			return fmt.Errorf("is inside %s, which differs from the file %s only in case; on Windows and macOS it cannot be both", parent, k.name)
		case !k.dir:
			return fmt.Errorf("is inside %s, which is a file", k.name)
		}
	}
	key := strings.ToLower(name)
	k, ok := s.kinds[key]
	switch {
	case !ok:
	case k.name == name && (k.explicit || !dir):
		if !k.explicit {
			return fmt.Errorf("is a file, but other paths in the archive are inside it")
		}
		return errors.New("appears twice in the archive")
	case k.name != name:
		return fmt.Errorf("differs from %s only in case; on Windows and macOS one would overwrite the other", k.name)
	}
	s.kinds[key] = pathKind{name: name, dir: dir, explicit: true}
	return nil
}

// next is the index of the slash after the one at i, or -1.
func next(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '/')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}
