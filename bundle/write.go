// Package bundle writes and checks runbook bundles: reproducible tar.gz archives
// holding a cumulative runbook, the scripts it runs, the communications around the
// window, a manifest.json that lists every file with its SHA-256, a SHA256SUMS file
// in GNU format, and VERIFY.txt.
//
// Writing streams every file, so memory does not grow with the payload. Reading
// (Check, Extract) treats the archive as hostile: only regular files and folders,
// local paths only, counted sizes with caps, and extraction through os.Root into an
// empty folder.
package bundle

import (
	"archive/tar"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"slices"
	"time"
)

// The files every bundle holds besides its content.
const (
	ManifestFile  = "manifest.json"
	ChecksumsFile = "SHA256SUMS"
	VerifyFile    = "VERIFY.txt"
)

// ManifestSchemaVersion is the version of manifest.json's format.
const ManifestSchemaVersion = 1

// File is a file to put in a bundle: in memory (Data) or opened when written
// (Open), so that large scripts and packages are streamed.
type File struct {
	// Path is slash-separated and relative, e.g. "scripts/Deploy.ps1".
	Path string
	// Executable files get mode 0755, others 0644.
	Executable bool
	Data       []byte
	Open       func() (io.ReadCloser, error)
}

// Spec describes a bundle.
type Spec struct {
	// From is empty for an install bundle, which deploys To on a new tenant.
	Product, From, To string
	// Install marks the bundle of a new deployment at To: it has no From.
	Install bool
	// Generator names the tool and its version.
	Generator string
	// Snapshot marks an unsigned rehearsal that no customer-facing command accepts.
	Snapshot bool
	// ModTime is every entry's modification time: the release date, or
	// SOURCE_DATE_EPOCH. Two bundles of the same files are byte-identical.
	ModTime time.Time
	Files   []File
}

// Manifest is manifest.json: what the bundle is and every file in it, except
// manifest.json itself and SHA256SUMS (which lists manifest.json).
type Manifest struct {
	SchemaVersion int    `json:"schemaVersion"`
	Product       string `json:"product"`
	// From is the version upgraded from; an install bundle has none.
	From string `json:"from,omitempty"`
	To   string `json:"to"`
	// Install marks the bundle that deploys To on a new tenant.
	Install   bool   `json:"install,omitempty"`
	Generator string `json:"generator"`
	Snapshot  bool   `json:"snapshot"`
	// Files are sorted by path; SHA256 is of the uncompressed content, so a
	// rebuild can be checked even if compressed bytes differ.
	Files []FileEntry `json:"files"`
}

// FileEntry is a file of the bundle.
type FileEntry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

type entry struct {
	File
	size int64
	sum  string
}

// Write writes the bundle as a gzip-compressed tar archive to w. It adds
// manifest.json and SHA256SUMS, and writes entries sorted by path with fixed
// headers, so that the same files always give the same bytes.
func Write(ctx context.Context, w io.Writer, spec Spec) (*Manifest, error) {
	if spec.Install != (spec.From == "") {
		// What Check refuses to read is never written.
		return nil, fmt.Errorf("a bundle upgrades from a version or installs one on a new tenant, not both or neither (from %q, install %t)", spec.From, spec.Install)
	}
	if err := validPaths(spec.Files); err != nil {
		return nil, err
	}
	// Hash every file first: manifest.json and SHA256SUMS sort before most
	// files, and must carry their digests.
	entries := make([]entry, 0, len(spec.Files)+2)
	for _, f := range spec.Files {
		size, sum, err := hashFile(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Path, err)
		}
		entries = append(entries, entry{f, size, sum})
	}
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.Path, b.Path) })
	m := &Manifest{SchemaVersion: ManifestSchemaVersion, Product: spec.Product, From: spec.From, To: spec.To, Install: spec.Install,
		Generator: spec.Generator, Snapshot: spec.Snapshot, Files: make([]FileEntry, 0, len(entries))}
	for _, e := range entries {
		m.Files = append(m.Files, FileEntry{Path: e.Path, Size: e.size, SHA256: e.sum})
	}
	manifestJSON, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	manifestJSON = append(manifestJSON, '\n')
	entries = append(entries, memEntry(ManifestFile, manifestJSON))
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.Path, b.Path) })
	entries = append(entries, memEntry(ChecksumsFile, Checksums(entries)))
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.Path, b.Path) })

	// No name and no time in the gzip header.
	gz, err := gzip.NewWriterLevel(w, gzip.DefaultCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(gz)
	modTime := spec.ModTime.UTC().Truncate(time.Second)
	dirs := map[string]bool{}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, dir := range parents(e.Path) {
			if dirs[dir] {
				continue
			}
			dirs[dir] = true
			if err := tw.WriteHeader(header(dir+"/", tar.TypeDir, 0o755, 0, modTime)); err != nil {
				return nil, err
			}
		}
		mode := int64(0o644)
		if e.Executable {
			mode = 0o755
		}
		if err := tw.WriteHeader(header(e.Path, tar.TypeReg, mode, e.size, modTime)); err != nil {
			return nil, err
		}
		if err := copyFile(ctx, tw, e); err != nil {
			return nil, fmt.Errorf("%s: %w", e.Path, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return m, gz.Close()
}

// header is the one form every entry takes: no owner, no user or group names,
// a fixed time.
func header(name string, typ byte, mode, size int64, modTime time.Time) *tar.Header {
	return &tar.Header{Typeflag: typ, Name: name, Mode: mode, Size: size, ModTime: modTime, Format: tar.FormatPAX}
}

func memEntry(p string, data []byte) entry {
	sum := sha256.Sum256(data)
	return entry{File{Path: p, Data: data}, int64(len(data)), hex.EncodeToString(sum[:])}
}

// Checksums writes SHA256SUMS in GNU format ("<hex>  <name>"), sorted by name, for
// `sha256sum -c --strict`.
func Checksums(entries []entry) []byte {
	var b bytes.Buffer
	for _, e := range entries {
		fmt.Fprintf(&b, "%s  %s\n", e.sum, e.Path)
	}
	return b.Bytes()
}

// ChecksumLine is one line of a SHA256SUMS file.
func ChecksumLine(sum, name string) string { return sum + "  " + name + "\n" }

func hashFile(ctx context.Context, f File) (int64, string, error) {
	h := sha256.New()
	if f.Open == nil {
		h.Write(f.Data)
		return int64(len(f.Data)), hex.EncodeToString(h.Sum(nil)), nil
	}
	rc, err := f.Open()
	if err != nil {
		return 0, "", err
	}
	defer rc.Close()
	n, err := io.Copy(h, ctxReader{ctx, rc})
	return n, hex.EncodeToString(h.Sum(nil)), err
}

func copyFile(ctx context.Context, w io.Writer, e entry) error {
	if e.Open == nil {
		_, err := w.Write(e.Data)
		return err
	}
	rc, err := e.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	n, err := io.Copy(w, ctxReader{ctx, rc})
	if err == nil && n != e.size {
		err = fmt.Errorf("changed while the bundle was written (%d bytes, then %d)", e.size, n)
	}
	return err
}

// ctxReader stops a long copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// parents lists the folders above a path, outermost first: "a/b/c" → "a", "a/b".
func parents(p string) []string {
	var out []string
	for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
		out = append(out, dir)
	}
	slices.Reverse(out)
	return out
}

// validPaths refuses what Check would refuse, so that no bundle is written that
// verify rejects.
func validPaths(files []File) error {
	paths := newPathSet()
	for _, f := range files {
		if err := checkPath(f.Path); err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
		if f.Path == ManifestFile || f.Path == ChecksumsFile {
			return fmt.Errorf("%s is written by the bundle itself", f.Path)
		}
		if err := paths.add(f.Path, false); err != nil {
			return fmt.Errorf("%s %w", f.Path, err)
		}
	}
	return nil
}
