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
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrInvalid is wrapped by every error that means a bundle must not be trusted.
var ErrInvalid = errors.New("invalid bundle")

// Limits bound what reading a bundle may cost: a decompression bomb stops at the
// first limit it crosses, with its bytes counted as they come, not as headers
// claim.
type Limits struct {
	MaxEntries  int
	MaxFileSize int64
	// MaxTotalSize bounds every byte the archive expands to: file contents and
	// the tar headers around them (PAX records, long names), which could
	// otherwise make a bomb of metadata.
	MaxTotalSize int64
	// MaxArchiveSize bounds the compressed archive: verify keeps a private copy
	// of it (see Verify) and refuses a file larger than any bundle can be.
	MaxArchiveSize int64
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
	MaxArchiveSize:    9 << 30,
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
// nothing after the archive, and manifest.json and SHA256SUMS listing exactly
// the files present with the right digests. archiveSize is the size of the
// compressed archive. Check never writes anything.
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
	if err := decodeStrict(data, &m); err != nil {
		return invalid(ManifestFile, "not a bundle manifest: %v", err)
	}
	if m.SchemaVersion != ManifestSchemaVersion {
		return invalid(ManifestFile, "schemaVersion %d is not supported", m.SchemaVersion)
	}
	// An upgrade has the version it starts from; a new deployment has none.
	switch {
	case m.Install && m.From != "":
		return invalid(ManifestFile, "says it installs %s on a new tenant, yet upgrades from %s", m.To, m.From)
	case !m.Install && m.From == "":
		return invalid(ManifestFile, "names no version to upgrade from, and is not an install bundle")
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

// maxJSONDepth bounds the nesting of manifest.json, which is two levels deep.
const maxJSONDepth = 16

// decodeStrict decodes exactly one JSON value into v, refusing what
// encoding/json would silently accept and a reader of the file might see
// differently: a second value after the first, keys that v does not have,
// and a key given twice in one object, also when the two spellings differ
// only in case (encoding/json matches keys case-insensitively, keeping the
// last).
func decodeStrict(data []byte, v any) error {
	if err := checkJSONKeys(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data follows the JSON value")
	}
	return nil
}

// checkJSONKeys walks the tokens of a JSON text and refuses an object with a
// key given twice (folded as encoding/json folds them) and nesting deeper
// than maxJSONDepth.
func checkJSONKeys(data []byte) error {
	type frame struct {
		keys      map[string]string // nil in an array
		expectKey bool
	}
	var stack []*frame
	valueDone := func() {
		if len(stack) > 0 && stack[len(stack)-1].keys != nil {
			stack[len(stack)-1].expectKey = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		d, isDelim := tok.(json.Delim)
		switch {
		case isDelim && (d == '}' || d == ']'):
			stack = stack[:len(stack)-1]
			valueDone()
		case len(stack) > 0 && stack[len(stack)-1].expectKey:
			top := stack[len(stack)-1]
			key, _ := tok.(string) // the decoder allows only strings here
			folded := foldKey(key)
			if first, dup := top.keys[folded]; dup {
				if first == key {
					return fmt.Errorf("the key %q appears twice in an object", key)
				}
				return fmt.Errorf("the keys %q and %q of an object are the same key", first, key)
			}
			top.keys[folded] = key
			top.expectKey = false
		case isDelim:
			if len(stack) >= maxJSONDepth {
				return fmt.Errorf("nested more than %d levels deep", maxJSONDepth)
			}
			f := &frame{}
			if d == '{' {
				f.keys, f.expectKey = map[string]string{}, true
			}
			stack = append(stack, f)
		default:
			valueDone()
		}
	}
}

// foldKey folds a key as encoding/json does to match it to a field: every
// rune to the smallest of its simple case folding orbit, so that "Product",
// "PRODUCT" and "product" (and "ſnapshot" with a long s) fold alike.
func foldKey(key string) string {
	return strings.Map(func(r rune) rune {
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				return r2
			}
			r = r2
		}
	}, key)
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

// ParseChecksums reads a GNU SHA256SUMS file ("<sha256>  <name>" lines, the
// digest in lower-case hex, names as in bundles: see checkPath), in its order.
// Every line is read, however long: a malformed line (a carriage return
// included), a name listed twice or data after the last newline other than a
// final line is an ErrInvalid naming file and the line.
func ParseChecksums(file string, data []byte) ([]Checksum, error) {
	var out []Checksum
	seen := map[string]bool{}
	text := string(data)
	if !utf8.ValidString(text) {
		return nil, invalid(file, "is not UTF-8 text")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if text == "" {
		lines = nil
	}
	for i, l := range lines {
		line := i + 1
		sum, name, ok := strings.Cut(l, "  ")
		if !ok || !isHexDigest(sum) {
			return nil, invalid(file, "line %d is not \"<sha256>  <name>\"", line)
		}
		if err := checkPath(name); err != nil {
			return nil, invalid(file, "line %d: %v", line, err)
		}
		if seen[name] {
			return nil, invalid(file, "lists %s twice", name)
		}
		seen[name] = true
		out = append(out, Checksum{SHA256: sum, Name: name})
	}
	return out, nil
}

// isHexDigest accepts a SHA-256 in lower-case hex, as sha256sum writes it.
func isHexDigest(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func (c *Content) names() []string {
	names := make([]string, 0, len(c.Files))
	for n := range c.Files {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// paxRecords are the PAX records a bundle's entries may carry: what tar
// writers put there for long names, times and owners. Anything else (GNU sparse
// maps, extended attributes, vendor records) changes what other tar readers
// extract, and is refused.
var paxRecords = map[string]bool{
	"path": true, "size": true, "mtime": true, "atime": true, "ctime": true,
	"uid": true, "gid": true, "uname": true, "gname": true,
}

// walk reads the archive entry by entry, checks each header and path, and hands
// each entry's body, counted and capped, to fn. Every decompressed byte counts
// against the limits, headers included; only zeros may follow the tar archive,
// and nothing may follow the gzip stream.
func walk(r io.Reader, archiveSize int64, lim Limits, fn func(*tar.Header, io.Reader) error) error {
	br := bufio.NewReaderSize(r, 1<<20)
	gz, err := gzip.NewReader(br)
	if err != nil {
		return invalid("", "not a gzip-compressed archive: %v", err)
	}
	// One gzip member only: tar and gzip tools read the members after the
	// first as more of the archive, so data there would be extracted by them
	// and never seen here.
	gz.Multistream(false)
	maxTotal := min(lim.MaxTotalSize, max(lim.MinRatioAllowance, archiveSize*lim.MaxRatio))
	stream := &budgetReader{r: gz, max: maxTotal}
	tr := tar.NewReader(stream)
	paths := newPathSet()
	for entries := 0; ; entries++ {
		stream.entry = ""
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return damaged("", err)
		}
		if entries >= lim.MaxEntries {
			return invalid("", "more than %d entries", lim.MaxEntries)
		}
		if err := checkHeader(h, lim); err != nil {
			return err
		}
		name := strings.TrimSuffix(h.Name, "/")
		if err := paths.add(name, h.Typeflag == tar.TypeDir); err != nil {
			return invalid(h.Name, "%v", err)
		}
		h.Name = name
		stream.entry = name
		if h.Typeflag == tar.TypeDir {
			if err := fn(h, nil); err != nil {
				return err
			}
			continue
		}
		body := &countingReader{r: tr, name: name, max: lim.MaxFileSize}
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
	stream.entry = ""
	rest, err := io.ReadAll(io.LimitReader(stream, 1<<20+1))
	if err != nil {
		return damaged("", err)
	}
	if len(rest) > 1<<20 || bytes.ContainsFunc(rest, func(r rune) bool { return r != 0 }) {
		return invalid("", "data follows the end of the archive")
	}
	// ReadAll reached the end of the gzip member, checking its CRC and size;
	// the file must end there too.
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
		if err != nil {
			return damaged("", err)
		}
		return invalid("", "data follows the end of the gzip stream (a second member, or appended bytes)")
	}
	return nil
}

// checkHeader refuses an entry that is not a plain file or folder, or that
// another tar reader could read differently.
func checkHeader(h *tar.Header, lim Limits) error {
	name := strings.TrimSuffix(h.Name, "/")
	if err := checkPath(name); err != nil {
		return invalid(h.Name, "%v", err)
	}
	switch h.Typeflag {
	case tar.TypeReg:
		if name != h.Name {
			return invalid(h.Name, "is a file with a folder's name (ending in /)")
		}
	case tar.TypeDir:
		// tar readers disagree on whether a folder's size is followed by data.
		if h.Size != 0 {
			return invalid(h.Name, "is a folder that claims %d bytes of content", h.Size)
		}
	case tar.TypeSymlink:
		return invalid(h.Name, "is a symbolic link to %q; bundles hold only files and folders", h.Linkname)
	case tar.TypeLink:
		return invalid(h.Name, "is a hard link to %q; bundles hold only files and folders", h.Linkname)
	default:
		return invalid(h.Name, "is of type %q; bundles hold only files and folders", string(rune(h.Typeflag)))
	}
	if h.Linkname != "" {
		return invalid(h.Name, "names a link target %q; bundles hold only files and folders", h.Linkname)
	}
	keys := make([]string, 0, len(h.PAXRecords))
	for k := range h.PAXRecords {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !paxRecords[k] {
			if strings.HasPrefix(k, "GNU.sparse.") {
				return invalid(h.Name, "is a sparse file; bundles hold only plain files")
			}
			return invalid(h.Name, "carries the PAX record %q, which bundles do not use", k)
		}
	}
	if h.Size > lim.MaxFileSize {
		return invalid(h.Name, "claims %d bytes, over the limit of %d", h.Size, lim.MaxFileSize)
	}
	return nil
}

// damaged is the error of an archive that cannot be read; a limit crossed
// while reading keeps its own message.
func damaged(file string, err error) error {
	if errors.Is(err, ErrInvalid) {
		return err
	}
	return invalid(file, "damaged archive: %v", err)
}

// budgetReader counts every byte of the decompressed stream, tar headers
// included, against the archive's limit.
type budgetReader struct {
	r        io.Reader
	n, max   int64
	entry    string // the entry being read, for messages
	exceeded error
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.exceeded != nil {
		return 0, b.exceeded
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > b.max {
		b.exceeded = invalid(b.entry, "the archive expands to more than %d bytes (a decompression bomb?)", b.max)
		return n, b.exceeded
	}
	return n, err
}

// countingReader counts the bytes of an entry as they are read, against the
// entry's limit.
type countingReader struct {
	r      io.Reader
	name   string
	n, max int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, invalid(c.name, "more than %d bytes", c.max)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return n, damaged(c.name, err)
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

// Extract writes the files of a bundle that Check accepted into dir, which must
// be empty or not exist yet, and checks that they are the files Check found:
// the same paths, sizes and SHA-256s, so that what is extracted is what was
// checked whatever the reader gives the second time. Every file is created
// through os.Root, so nothing can be written outside dir whatever the archive
// says. The files appear in dir all at once, when every one has been written
// and checked: on any error, or if the process is killed half-way, dir holds
// nothing a customer could mistake for a runbook.
func Extract(r io.Reader, archiveSize int64, dir string, want *Content, lim Limits) error {
	staged, err := extractStaged(r, archiveSize, dir, want, lim)
	if err != nil {
		return err
	}
	return staged.commit()
}

// stagedExtraction is a bundle extracted into a hidden folder beside its
// target, waiting to be moved into place.
type stagedExtraction struct {
	dir, target string
}

// extractStaged extracts into a new hidden folder in dir's parent (so that the
// final rename stays on one file system), removing it on any error.
func extractStaged(r io.Reader, archiveSize int64, dir string, want *Content, lim Limits) (*stagedExtraction, error) {
	if err := emptyOrMissing(dir); err != nil {
		return nil, err
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	staging, err := os.MkdirTemp(parent, "."+filepath.Base(filepath.Clean(dir))+".partial-")
	if err != nil {
		return nil, err
	}
	if err := extractInto(r, archiveSize, staging, want, lim); err != nil {
		_ = os.RemoveAll(staging)
		return nil, err
	}
	return &stagedExtraction{dir: staging, target: dir}, nil
}

// emptyOrMissing refuses a target folder that holds anything.
func emptyOrMissing(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty; extract into an empty folder", dir)
	}
	return nil
}

// commit moves the extracted files into place in one rename. An empty target
// folder is replaced (rename does so on Unix; elsewhere it is removed first).
func (s *stagedExtraction) commit() error {
	// MkdirTemp made the folder private; the runbook is the user's to share.
	if err := os.Chmod(s.dir, 0o755); err != nil {
		s.discard()
		return err
	}
	err := os.Rename(s.dir, s.target)
	if err != nil && emptyOrMissing(s.target) == nil {
		if rmErr := os.Remove(s.target); rmErr == nil || errors.Is(rmErr, fs.ErrNotExist) {
			err = os.Rename(s.dir, s.target)
		}
	}
	if err != nil {
		s.discard()
		return err
	}
	return nil
}

// discard removes the staged files.
func (s *stagedExtraction) discard() { _ = os.RemoveAll(s.dir) }

// extractInto writes and checks the files of the bundle into dir, a new empty
// folder.
func extractInto(r io.Reader, archiveSize int64, dir string, want *Content, lim Limits) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	written := 0
	err = walk(r, archiveSize, lim, func(h *tar.Header, body io.Reader) error {
		if h.Typeflag == tar.TypeDir {
			return root.MkdirAll(h.Name, 0o755)
		}
		expected, ok := want.Files[h.Name]
		if !ok {
			return invalid(h.Name, "is not a file the check found")
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
		sum := sha256.New()
		n, err := io.Copy(io.MultiWriter(f, sum), body)
		if err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		if got := hex.EncodeToString(sum.Sum(nil)); n != expected.Size || got != expected.SHA256 {
			return invalid(h.Name, "is not the file the check found (SHA-256 %s, not %s)", got, expected.SHA256)
		}
		written++
		extractHook(dir, h.Name)
		return nil
	})
	if err == nil && written != len(want.Files) {
		err = invalid("", "%d files were extracted, but the check found %d", written, len(want.Files))
	}
	return err
}

// extractHook runs after each file is extracted; tests use it to look at the
// target folder half-way.
var extractHook = func(staging, name string) {}
