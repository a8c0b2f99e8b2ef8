package bundle

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"unicode/utf8"
)

// ErrInvalid is wrapped by every error that means a bundle must not be trusted.
var ErrInvalid = errors.New("invalid bundle")

// Limits bound what reading a bundle may cost: a decompression bomb stops at the
// first limit it crosses, with its bytes counted as they come, not as headers
// claim.
type Limits struct {
	MaxEntries   int
	MaxFileSize  int64
	MaxTotalSize int64
	// MaxRatio bounds the total uncompressed size to this many times the
	// archive's size (at least MinRatioAllowance).
	MaxRatio          int64
	MinRatioAllowance int64
}

// DefaultLimits fit any real bundle: thousands of files, packages of gigabytes.
var DefaultLimits = Limits{
	MaxEntries:        10000,
	MaxFileSize:       4 << 30,
	MaxTotalSize:      8 << 30,
	MaxRatio:          100,
	MinRatioAllowance: 256 << 20,
}

// maxMetadataSize bounds manifest.json and SHA256SUMS, which are read into memory.
const maxMetadataSize = 4 << 20

func invalid(file, format string, args ...any) error {
	if file == "" {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	return fmt.Errorf("%w: %s: %s", ErrInvalid, file, fmt.Sprintf(format, args...))
}

// Content is what Check found in a bundle.
type Content struct {
	Manifest *Manifest
	// Files are every regular file, with the SHA-256 of its content, by path.
	Files map[string]FileEntry
}

// Check reads a bundle archive and checks it: only regular files and folders,
// every path local and unique (case-insensitively too), sizes within limits,
// and manifest.json and SHA256SUMS listing exactly the files present with the
// right digests. archiveSize is the size of the compressed archive. Check never
// writes anything.
func Check(r io.Reader, archiveSize int64, lim Limits) (*Content, error) {
	c := &Content{Files: map[string]FileEntry{}}
	var manifestJSON, checksums []byte
	err := walk(r, archiveSize, lim, func(h *tar.Header, body io.Reader) error {
		if h.Typeflag == tar.TypeDir {
			return nil
		}
		var keep *bytes.Buffer
		if h.Name == ManifestFile || h.Name == ChecksumsFile {
			keep = &bytes.Buffer{}
		}
		sum := sha256.New()
		w := io.Writer(sum)
		if keep != nil {
			w = io.MultiWriter(sum, &limitedBuffer{keep, maxMetadataSize, h.Name})
		}
		n, err := io.Copy(w, body)
		if err != nil {
			return err
		}
		c.Files[h.Name] = FileEntry{Path: h.Name, Size: n, SHA256: hex.EncodeToString(sum.Sum(nil))}
		switch h.Name {
		case ManifestFile:
			manifestJSON = keep.Bytes()
		case ChecksumsFile:
			checksums = keep.Bytes()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if manifestJSON == nil {
		return nil, invalid("", "there is no %s", ManifestFile)
	}
	if err := c.checkManifest(manifestJSON); err != nil {
		return nil, err
	}
	if checksums == nil {
		return nil, invalid("", "there is no %s", ChecksumsFile)
	}
	if err := c.checkChecksums(checksums); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Content) checkManifest(data []byte) error {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return invalid(ManifestFile, "not a bundle manifest: %v", err)
	}
	if m.SchemaVersion != ManifestSchemaVersion {
		return invalid(ManifestFile, "schemaVersion %d is not supported", m.SchemaVersion)
	}
	listed := map[string]bool{}
	for _, f := range m.Files {
		if listed[f.Path] {
			return invalid(ManifestFile, "lists %s twice", f.Path)
		}
		listed[f.Path] = true
		got, ok := c.Files[f.Path]
		switch {
		case !ok:
			return invalid(f.Path, "listed in %s but missing from the bundle", ManifestFile)
		case got.SHA256 != f.SHA256:
			return invalid(f.Path, "its SHA-256 is %s, but %s says %s", got.SHA256, ManifestFile, f.SHA256)
		case got.Size != f.Size:
			return invalid(f.Path, "it has %d bytes, but %s says %d", got.Size, ManifestFile, f.Size)
		}
	}
	for _, name := range c.names() {
		if !listed[name] && name != ManifestFile && name != ChecksumsFile {
			return invalid(name, "in the bundle but not listed in %s", ManifestFile)
		}
	}
	c.Manifest = &m
	return nil
}

func (c *Content) checkChecksums(data []byte) error {
	sums, err := ParseChecksums(ChecksumsFile, data)
	if err != nil {
		return err
	}
	listed := map[string]bool{}
	for _, cs := range sums {
		got, present := c.Files[cs.Name]
		switch {
		case !present:
			return invalid(cs.Name, "listed in %s but missing from the bundle", ChecksumsFile)
		case got.SHA256 != cs.SHA256:
			return invalid(cs.Name, "its SHA-256 is %s, but %s says %s", got.SHA256, ChecksumsFile, cs.SHA256)
		}
		listed[cs.Name] = true
	}
	for _, name := range c.names() {
		if !listed[name] && name != ChecksumsFile {
			return invalid(name, "in the bundle but not listed in %s", ChecksumsFile)
		}
	}
	return nil
}

// Checksum is one line of a SHA256SUMS file.
type Checksum struct {
	SHA256, Name string
}

// ParseChecksums reads a GNU SHA256SUMS file ("<sha256>  <name>" lines), in
// its order. A malformed line or a name listed twice is an ErrInvalid naming
// file.
func ParseChecksums(file string, data []byte) ([]Checksum, error) {
	var out []Checksum
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 {
			return nil, invalid(file, "line %d is not \"<sha256>  <name>\"", line)
		}
		if seen[name] {
			return nil, invalid(file, "lists %s twice", name)
		}
		seen[name] = true
		out = append(out, Checksum{SHA256: sum, Name: name})
	}
	return out, nil
}

func (c *Content) names() []string {
	names := make([]string, 0, len(c.Files))
	for n := range c.Files {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// walk reads the archive entry by entry, checks each header and path, and hands
// each entry's body, counted and capped, to fn.
func walk(r io.Reader, archiveSize int64, lim Limits, fn func(*tar.Header, io.Reader) error) error {
	gz, err := gzip.NewReader(bufio.NewReaderSize(r, 1<<20))
	if err != nil {
		return invalid("", "not a gzip-compressed archive: %v", err)
	}
	gz.Multistream(false)
	tr := tar.NewReader(gz)
	total := int64(0)
	maxTotal := min(lim.MaxTotalSize, max(lim.MinRatioAllowance, archiveSize*lim.MaxRatio))
	seen := map[string]bool{}
	folded := map[string]string{}
	for entries := 0; ; entries++ {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return invalid("", "damaged archive: %v", err)
		}
		if entries >= lim.MaxEntries {
			return invalid("", "more than %d entries", lim.MaxEntries)
		}
		name := strings.TrimSuffix(h.Name, "/")
		if err := checkPath(name); err != nil {
			return invalid(h.Name, "%v", err)
		}
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeDir:
		case tar.TypeSymlink:
			return invalid(h.Name, "is a symbolic link to %q; bundles hold only files and folders", h.Linkname)
		case tar.TypeLink:
			return invalid(h.Name, "is a hard link to %q; bundles hold only files and folders", h.Linkname)
		default:
			return invalid(h.Name, "is of type %q; bundles hold only files and folders", string(rune(h.Typeflag)))
		}
		if seen[name] {
			return invalid(h.Name, "appears twice in the archive")
		}
		seen[name] = true
		if other, dup := folded[strings.ToLower(name)]; dup {
			return invalid(h.Name, "differs from %s only in case; on Windows and macOS one would overwrite the other", other)
		}
		folded[strings.ToLower(name)] = name
		h.Name = name
		if h.Typeflag == tar.TypeDir {
			if err := fn(h, nil); err != nil {
				return err
			}
			continue
		}
		if h.Size > lim.MaxFileSize {
			return invalid(name, "claims %d bytes, over the limit of %d", h.Size, lim.MaxFileSize)
		}
		body := &countingReader{r: tr, name: name, max: lim.MaxFileSize, total: &total, maxTotal: maxTotal}
		if err := fn(h, body); err != nil {
			return err
		}
		// Drain what fn did not read, so that sizes are always counted.
		if _, err := io.Copy(io.Discard, body); err != nil {
			return err
		}
	}
	// Only the zeros that pad tar records may follow the archive; anything else
	// is smuggled data.
	rest, err := io.ReadAll(io.LimitReader(gz, 1<<20+1))
	if err != nil {
		return invalid("", "damaged archive: %v", err)
	}
	if len(rest) > 1<<20 || bytes.ContainsFunc(rest, func(r rune) bool { return r != 0 }) {
		return invalid("", "data follows the end of the archive")
	}
	return nil
}

// countingReader counts the bytes of an entry as they are read, against the
// entry's and the archive's limits.
type countingReader struct {
	r        io.Reader
	name     string
	n, max   int64
	total    *int64
	maxTotal int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	*c.total += int64(n)
	switch {
	case c.n > c.max:
		return n, invalid(c.name, "more than %d bytes", c.max)
	case *c.total > c.maxTotal:
		return n, invalid(c.name, "the archive expands to more than %d bytes (a decompression bomb?)", c.maxTotal)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return n, invalid(c.name, "damaged archive: %v", err)
	}
	return n, err
}

type limitedBuffer struct {
	b    *bytes.Buffer
	max  int
	name string
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if l.b.Len()+len(p) > l.max {
		return 0, invalid(l.name, "larger than %d bytes", l.max)
	}
	return l.b.Write(p)
}

// checkPath accepts only local, clean, slash-separated paths of UTF-8 text.
func checkPath(p string) error {
	switch {
	case p == "" || p == ".":
		return errors.New("empty path")
	case !utf8.ValidString(p):
		return errors.New("path is not UTF-8")
	case strings.ContainsRune(p, '\\'):
		return errors.New("path contains a backslash")
	case strings.HasPrefix(p, "/"):
		return errors.New("absolute path")
	case len(p) >= 2 && p[1] == ':':
		return errors.New("path has a drive letter")
	case strings.ContainsAny(p, "\x00\r\n"):
		return errors.New("path contains control characters")
	case !fs.ValidPath(p) || path.Clean(p) != p:
		return errors.New("path is not local (.. or empty elements)")
	}
	for _, part := range strings.Split(p, "/") {
		if part == ".." {
			return errors.New("path is not local (..)")
		}
	}
	return nil
}

// Extract writes the files of a bundle that Check accepted into dir, which must
// be empty or not exist yet. Every file is created through os.Root, so nothing
// can be written outside dir whatever the archive says.
func Extract(r io.Reader, archiveSize int64, dir string, lim Limits) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty; extract into an empty folder", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	err = walk(r, archiveSize, lim, func(h *tar.Header, body io.Reader) error {
		if h.Typeflag == tar.TypeDir {
			return root.MkdirAll(h.Name, 0o755)
		}
		if d := path.Dir(h.Name); d != "." {
			if err := root.MkdirAll(d, 0o755); err != nil {
				return err
			}
		}
		mode := fs.FileMode(0o644)
		if h.Mode&0o111 != 0 {
			mode = 0o755
		}
		f, err := root.OpenFile(h.Name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, body); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
	if err != nil {
		// Leave nothing half-written behind.
		if left, rerr := os.ReadDir(dir); rerr == nil {
			for _, e := range left {
				_ = root.RemoveAll(e.Name())
			}
		}
		return err
	}
	return nil
}
