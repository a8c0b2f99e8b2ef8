// Package tamper builds a corpus of runbook bundles that verification must reject:
// changed bytes, foreign or legacy signatures, renamed bundles, and archives that
// are validly signed yet unsafe or inconsistent (paths outside the folder, links,
// duplicates, bombs, missing or extra files, data after the gzip stream or the
// tar archive, sparse files and foreign PAX records, names that Windows or macOS
// read as another file, manifest.json and SHA256SUMS that a lenient parser reads
// differently). Tests of the bundle package and of the command line run it.
package tamper

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"aead.dev/minisign"

	"github.com/atlas-release/atlas-release/bundle"
	"github.com/atlas-release/atlas-release/signing"
)

// Case is one tampered download: a file and its signature in a folder.
type Case struct {
	Name string
	// File is the bundle (or file) to verify; its signature is File+".minisig".
	File string
	// ExpectVersion, when set, is passed as the expected version.
	ExpectVersion string
	// Want is part of the error message that must name what is wrong.
	Want string
}

// Product, From and To describe the genuine bundle the corpus starts from.
const (
	Product = "atlas"
	From    = "4.2.0"
	To      = "4.3.0"
)

// BundleName is the genuine bundle's file name.
var BundleName = fmt.Sprintf("%s-%s-from-%s.tar.gz", Product, To, From)

type rawEntry struct {
	hdr  tar.Header
	data []byte
}

// Build writes the corpus into dir: one sub-folder per case, signed with key
// (other is a second key, for the foreign-key case).
func Build(dir string, key, other minisign.PrivateKey) ([]Case, error) {
	genuine, err := genuineEntries()
	if err != nil {
		return nil, err
	}
	older, err := archive(withManifest(filesOf(genuine), "4.1.0", "4.2.0", false))
	if err != nil {
		return nil, err
	}
	good, err := archive(genuine)
	if err != nil {
		return nil, err
	}
	signed := func(data []byte, name string) []byte { return sign(key, data, name, From, To) }

	type spec struct {
		name, want, expect string
		data               []byte
		sig                []byte
		fileName           string
	}
	edit := func(f func([]rawEntry) []rawEntry) []byte {
		b, err := archive(f(clone(genuine)))
		if err != nil {
			panic(err)
		}
		return b
	}
	// listed is edit, then manifest.json and SHA256SUMS list every file, so
	// that only the rule under test can refuse the bundle.
	listed := func(f func([]rawEntry) []rawEntry) []byte {
		return edit(func(e []rawEntry) []rawEntry { return relist(f(e)) })
	}
	changed := bytes.Clone(good)
	changed[len(changed)/2] ^= 0x40
	otherSig := sign(other, good, BundleName, From, To)
	legacy := minisign.SignWithComments(key, good, signing.Comment("bundle", BundleName, "product", Product, "from", From, "to", To, "sha256", sum(good)), "legacy")
	truncated := good[:len(good)*2/3]
	bomb, err := bombArchive()
	if err != nil {
		return nil, err
	}

	specs := []spec{
		{name: "changed-byte", data: changed, sig: signed(good, BundleName), want: "the signature does not match the file"},
		{name: "swapped-signature", data: good, sig: signed(older, BundleName), want: "the signature does not match the file"},
		{name: "legacy-signature", data: good, sig: legacy, want: "legacy form (Ed)"},
		{name: "wrong-key", data: good, sig: otherSig, want: "not by the expected key"},
		{name: "older-bundle-newer-name", data: older, sig: sign(key, older, fmt.Sprintf("%s-4.2.0-from-4.1.0.tar.gz", Product), "4.1.0", "4.2.0"),
			want: `the signed bundle is "atlas-4.2.0-from-4.1.0.tar.gz", not "atlas-4.3.0-from-4.2.0.tar.gz"`},
		{name: "wrong-version", data: good, sig: signed(good, BundleName), expect: "4.4.0", want: "the bundle is for 4.3.0, not 4.4.0"},
		{name: "digest-in-comment", data: good, sig: sign(key, good, BundleName, From, To, "0000000000000000000000000000000000000000000000000000000000000000"),
			want: "the signed sha256 is"},
		{name: "truncated-archive", data: truncated, sig: signed(truncated, BundleName), want: "damaged archive"},
		{name: "not-an-archive", data: []byte("just text, signed"), sig: signed([]byte("just text, signed"), BundleName), want: "not a gzip-compressed archive"},
		{name: "extra-file", want: "evil.ps1: in the bundle but not listed in manifest.json", data: edit(func(e []rawEntry) []rawEntry {
			return append(e, file("scripts/evil.ps1", "Remove-Item -Recurse C:\\"))
		})},
		{name: "missing-file", want: "runbook.md: listed in manifest.json but missing from the bundle", data: edit(func(e []rawEntry) []rawEntry {
			return drop(e, "runbook.md")
		})},
		{name: "renamed-file", want: "runbook.md: listed in manifest.json but missing", data: edit(func(e []rawEntry) []rawEntry {
			for i := range e {
				if e[i].hdr.Name == "runbook.md" {
					e[i].hdr.Name = "runbook.txt"
				}
			}
			return e
		})},
		{name: "changed-content", want: "runbook.md: its SHA-256 is", data: edit(func(e []rawEntry) []rawEntry {
			for i := range e {
				if e[i].hdr.Name == "runbook.md" {
					e[i].data = []byte("# A different runbook\n")
					e[i].hdr.Size = int64(len(e[i].data))
				}
			}
			return e
		})},
		{name: "parent-path", want: "path is not local", data: edit(func(e []rawEntry) []rawEntry {
			return append(e, file("../evil.ps1", "x"))
		})},
		{name: "absolute-path", want: "absolute path", data: edit(func(e []rawEntry) []rawEntry {
			return append(e, file("/etc/cron.d/evil", "x"))
		})},
		{name: "backslash-path", want: "backslash", data: edit(func(e []rawEntry) []rawEntry {
			return append(e, file(`scripts\..\..\evil.ps1`, "x"))
		})},
		{name: "symlink", want: "is a symbolic link", data: edit(func(e []rawEntry) []rawEntry {
			return append(e, rawEntry{hdr: tar.Header{Typeflag: tar.TypeSymlink, Name: "scripts/link.ps1", Linkname: "/etc/passwd", Mode: 0o777}})
		})},
		{name: "hard-link", want: "is a hard link", data: edit(func(e []rawEntry) []rawEntry {
			return append(e, rawEntry{hdr: tar.Header{Typeflag: tar.TypeLink, Name: "scripts/hard.ps1", Linkname: "runbook.md"}})
		})},
		{name: "device", want: "bundles hold only files and folders", data: edit(func(e []rawEntry) []rawEntry {
			return append(e, rawEntry{hdr: tar.Header{Typeflag: tar.TypeChar, Name: "null", Devmajor: 1, Devminor: 3}})
		})},
		{name: "duplicate-entry", want: "appears twice in the archive", data: edit(func(e []rawEntry) []rawEntry {
			return append(e, file("runbook.md", "# Second copy\n"))
		})},
		{name: "case-duplicate", want: "differs from runbook.md only in case", data: edit(func(e []rawEntry) []rawEntry {
			return append(e, file("RUNBOOK.md", "# Shadow\n"))
		})},
		{name: "decompression-bomb", want: "decompression bomb", data: bomb},
		{name: "data-after-end", want: "data follows the end of the archive", data: func() []byte {
			b, err := archiveWithTrailer(genuine, []byte("smuggled"))
			if err != nil {
				panic(err)
			}
			return b
		}()},
		// What follows the gzip stream: tar and gzip tools read a second member
		// as more of the archive and extract what it holds.
		{name: "second-gzip-member", want: "data follows the end of the gzip stream", data: concat(good, must(archive([]rawEntry{file("scripts/evil.ps1", "Remove-Item -Recurse C:\\")})))},
		{name: "appended-bytes", want: "data follows the end of the gzip stream", data: concat(good, []byte("#!/bin/sh\nrm -rf ~\n"))},
		{name: "appended-zeros", want: "data follows the end of the gzip stream", data: concat(good, make([]byte, 512))},
		{name: "tar-after-end", want: "data follows the end of the archive", data: must(archiveWithTrailer(genuine,
			tarBytes([]rawEntry{file("scripts/evil.ps1", "x")}, true)))},
		{name: "padding-garbage", want: "data follows the end of the archive", data: must(archiveWithTrailer(genuine,
			append(make([]byte, 4096), 1)))},
		// Headers that other tar readers read differently, or that carry more
		// than a name and a size.
		{name: "pax-sparse-file", want: "is a sparse file", data: withRaw(genuine, concat(
			paxHeader(paxRecord("GNU.sparse.numblocks", "1")+paxRecord("GNU.sparse.map", "0,512")+paxRecord("GNU.sparse.size", "1073741824")),
			rawHeader("scripts/sparse.ps1", tar.TypeReg, 512), make([]byte, 512)))},
		{name: "old-gnu-sparse", want: `is of type "S"`, data: withRaw(genuine, concat(rawHeader("scripts/sparse.ps1", tar.TypeGNUSparse, 0)))},
		{name: "pax-xattr", want: `carries the PAX record "SCHILY.xattr.security.capability"`, data: edit(func(e []rawEntry) []rawEntry {
			for i := range e {
				if e[i].hdr.Name == "runbook.md" {
					e[i].hdr.PAXRecords = map[string]string{"SCHILY.xattr.security.capability": "\x01"}
					e[i].hdr.Format = tar.FormatPAX
				}
			}
			return e
		})},
		{name: "pax-global-header", want: `is of type "g"`, data: edit(func(e []rawEntry) []rawEntry {
			return append([]rawEntry{{hdr: tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header", PAXRecords: map[string]string{"path": "evil"}}}}, e...)
		})},
		{name: "absurd-size", want: "claims 1099511627776 bytes, over the limit", data: withRaw(genuine, rawHeader("scripts/huge.ps1", tar.TypeReg, 1<<40))},
		{name: "folder-with-content", want: "is a folder that claims 512 bytes of content", data: withRaw(genuine,
			concat(rawHeader("extra/", tar.TypeDir, 512), tarBytes([]rawEntry{file("extra/evil.ps1", "x")}, false)))},
		{name: "file-named-as-folder", want: "is a file with a folder's name", data: withRaw(genuine, rawHeader("extra/", tar.TypeReg, 0))},
		{name: "file-then-folder-of-same-name", want: "appears twice in the archive", data: edit(func(e []rawEntry) []rawEntry {
			return append(e, rawEntry{hdr: tar.Header{Typeflag: tar.TypeDir, Name: "runbook.md/", Mode: 0o755}})
		})},
		{name: "folder-then-file-of-same-name", want: "appears twice in the archive", data: edit(func(e []rawEntry) []rawEntry {
			return append(e, file("scripts", "x"))
		})},
		{name: "file-inside-file", want: "is inside runbook.md, which is a file", data: listed(func(e []rawEntry) []rawEntry {
			return append(e, file("runbook.md/evil.ps1", "x"))
		})},
		{name: "file-over-implied-folder", want: "is a file, but other paths in the archive are inside it", data: listed(func(e []rawEntry) []rawEntry {
			return append(e, file("extra/evil.ps1", "x"), file("extra", "x"))
		})},
		{name: "case-duplicate-folder", want: "differs from folder scripts only in case", data: listed(func(e []rawEntry) []rawEntry {
			return append(e, file("SCRIPTS/Deploy-AtlasBackend.ps1", "x"))
		})},
		{name: "unicode-lookalike-name", want: "bundle paths use only A-Z", data: listed(func(e []rawEntry) []rawEntry {
			return append(e, file("runb\u043eok.md", "x")) // a Cyrillic o
		})},
		{name: "kelvin-sign-name", want: "bundle paths use only A-Z", data: listed(func(e []rawEntry) []rawEntry {
			return append(e, file("scripts/Deploy-AtlasBac\u212Aend.ps1", "x")) // folds to k
		})},
		{name: "windows-device-name", want: "is a device name on Windows", data: listed(func(e []rawEntry) []rawEntry {
			return append(e, file("scripts/NUL.ps1", "x"))
		})},
		{name: "trailing-dot", want: "ends with a dot", data: listed(func(e []rawEntry) []rawEntry {
			return append(e, file("runbook.md.", "x"))
		})},
		{name: "alternate-data-stream", want: "path contains ':'", data: listed(func(e []rawEntry) []rawEntry {
			return append(e, file("runbook.md:Zone.Identifier", "x"))
		})},
		{name: "long-path", want: "path is longer than 1024 bytes", data: listed(func(e []rawEntry) []rawEntry {
			return append(e, file(strings.Repeat("a/", 600)+"x", "x"))
		})},
		// manifest.json and SHA256SUMS that a lenient parser reads one way and
		// a person or another tool another.
		{name: "manifest-second-value", want: "data follows the JSON value", data: edit(func(e []rawEntry) []rawEntry {
			return setFile(e, bundle.ManifestFile, func(b []byte) []byte { return append(b, `{"snapshot": true}`...) })
		})},
		{name: "manifest-duplicate-key", want: `the key "generator" appears twice`, data: edit(func(e []rawEntry) []rawEntry {
			return setFile(e, bundle.ManifestFile, func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"snapshot": false`), []byte(`"snapshot": false, "generator": "evil"`), 1)
			})
		})},
		{name: "manifest-case-variant-key", want: `the keys "generator" and "Generator" of an object are the same key`, data: edit(func(e []rawEntry) []rawEntry {
			return setFile(e, bundle.ManifestFile, func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"snapshot": false`), []byte(`"snapshot": false, "Generator": "evil"`), 1)
			})
		})},
		{name: "manifest-long-s-key", want: "the keys \"snapshot\" and \"\u017fnapshot\" of an object are the same key", data: edit(func(e []rawEntry) []rawEntry {
			return setFile(e, bundle.ManifestFile, func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"snapshot": false`), []byte(`"snapshot": false, "\u017fnapshot": true`), 1)
			})
		})},
		{name: "checksums-long-line", want: "SHA256SUMS: line 7 is not", data: edit(func(e []rawEntry) []rawEntry {
			return setFile(e, bundle.ChecksumsFile, func(b []byte) []byte { return append(b, bytes.Repeat([]byte("f"), 70<<10)...) })
		})},
		{name: "checksums-carriage-return", want: "SHA256SUMS: line 1: path contains control characters", data: edit(func(e []rawEntry) []rawEntry {
			return setFile(e, bundle.ChecksumsFile, func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) })
		})},
	}
	var cases []Case
	for _, s := range specs {
		caseDir := filepath.Join(dir, s.name)
		if err := os.MkdirAll(caseDir, 0o755); err != nil {
			return nil, err
		}
		name := BundleName
		if s.fileName != "" {
			name = s.fileName
		}
		sig := s.sig
		if sig == nil {
			sig = signed(s.data, name)
		}
		file := filepath.Join(caseDir, name)
		if err := os.WriteFile(file, s.data, 0o644); err != nil {
			return nil, err
		}
		if err := os.WriteFile(file+".minisig", sig, 0o644); err != nil {
			return nil, err
		}
		cases = append(cases, Case{Name: s.name, File: file, ExpectVersion: s.expect, Want: s.want})
	}
	// A genuine download without its signature.
	unsigned := filepath.Join(dir, "no-signature")
	if err := os.MkdirAll(unsigned, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(unsigned, BundleName), good, 0o644); err != nil {
		return nil, err
	}
	cases = append(cases, Case{Name: "no-signature", File: filepath.Join(unsigned, BundleName), Want: "no signature"})
	// A signed snapshot.
	snapshot, err := archive(withManifest(filesOf(genuine), From, To, true))
	if err != nil {
		return nil, err
	}
	snapDir := filepath.Join(dir, "snapshot")
	if err := os.MkdirAll(snapDir, 0o755); err != nil {
		return nil, err
	}
	snapFile := filepath.Join(snapDir, BundleName)
	if err := os.WriteFile(snapFile, snapshot, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(snapFile+".minisig", signed(snapshot, BundleName), 0o644); err != nil {
		return nil, err
	}
	cases = append(cases, Case{Name: "snapshot", File: snapFile, Want: "it is a snapshot"})
	return cases, nil
}

// Genuine writes the untampered bundle and its signature into dir and returns the
// bundle's path.
func Genuine(dir string, key minisign.PrivateKey) (string, error) {
	entries, err := genuineEntries()
	if err != nil {
		return "", err
	}
	data, err := archive(entries)
	if err != nil {
		return "", err
	}
	file := filepath.Join(dir, BundleName)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return "", err
	}
	return file, os.WriteFile(file+".minisig", sign(key, data, BundleName, From, To), 0o644)
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func sign(key minisign.PrivateKey, data []byte, name, from, to string, digest ...string) []byte {
	d := signing.NewDigest()
	_, _ = d.Write(data) // a Digest never fails
	s := d.SHA256()
	if len(digest) > 0 {
		s = digest[0]
	}
	return d.Sign(key, signing.Comment("bundle", name, "product", Product, "from", from, "to", to, "sha256", s))
}

// genuineEntries are the entries of a real bundle, read back from bundle.Write.
func genuineEntries() ([]rawEntry, error) {
	var b bytes.Buffer
	_, err := bundle.Write(context.Background(), &b, bundle.Spec{Product: Product, From: From, To: To, Generator: "tamper",
		ModTime: time.Date(2023, 5, 15, 0, 0, 0, 0, time.UTC), Files: sampleFiles()})
	if err != nil {
		return nil, err
	}
	return readEntries(b.Bytes())
}

func sampleFiles() []bundle.File {
	return []bundle.File{
		{Path: "runbook.md", Data: []byte("# Atlas upgrade runbook: 4.2.0 → 4.3.0\n")},
		{Path: "runbook.html", Data: []byte("<!DOCTYPE html><title>runbook</title>\n")},
		{Path: "runbook.json", Data: []byte("{}\n")},
		{Path: "scripts/Deploy-AtlasBackend.ps1", Executable: true, Data: []byte("[CmdletBinding(SupportsShouldProcess)]\nparam()\n")},
		{Path: bundle.VerifyFile, Data: []byte("How to check this runbook bundle\n")},
	}
}

// filesOf turns entries back into files, leaving out what bundle.Write adds.
func filesOf(entries []rawEntry) []bundle.File {
	var files []bundle.File
	for _, e := range entries {
		if e.hdr.Typeflag != tar.TypeReg || e.hdr.Name == bundle.ManifestFile || e.hdr.Name == bundle.ChecksumsFile {
			continue
		}
		files = append(files, bundle.File{Path: e.hdr.Name, Data: e.data, Executable: e.hdr.Mode&0o111 != 0})
	}
	return files
}

func withManifest(files []bundle.File, from, to string, snapshot bool) []rawEntry {
	var b bytes.Buffer
	if _, err := bundle.Write(context.Background(), &b, bundle.Spec{Product: Product, From: from, To: to, Generator: "tamper",
		Snapshot: snapshot, ModTime: time.Date(2023, 5, 15, 0, 0, 0, 0, time.UTC), Files: files}); err != nil {
		panic(err)
	}
	e, err := readEntries(b.Bytes())
	if err != nil {
		panic(err)
	}
	return e
}

func readEntries(data []byte) ([]rawEntry, error) {
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(gz)
	var out []rawEntry
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		out = append(out, rawEntry{*h, b})
	}
}

func archive(entries []rawEntry) ([]byte, error) { return archiveWithTrailer(entries, nil) }

func archiveWithTrailer(entries []rawEntry, trailer []byte) ([]byte, error) {
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	for _, e := range entries {
		h := e.hdr
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.data))
		}
		if err := tw.WriteHeader(&h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	tb.Write(trailer)
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	if _, err := gz.Write(tb.Bytes()); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// bombArchive holds a file of zeros far larger than any real bundle would
// expand to for its size: 320 MiB that compress to well under a megabyte.
func bombArchive() ([]byte, error) {
	var b bytes.Buffer
	gz, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(gz)
	const size = 320 << 20
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "runbook.md", Mode: 0o644, Size: size}); err != nil {
		return nil, err
	}
	zeros := make([]byte, 1<<20)
	for range size / len(zeros) {
		if _, err := tw.Write(zeros); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// must panics on the error of building a case: the corpus is fixed, so an
// error is a bug in it.
func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func concat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// tarBytes is the uncompressed tar stream of entries, with the end-of-archive
// blocks when closed.
func tarBytes(entries []rawEntry, closed bool) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		h := e.hdr
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.data))
		}
		if err := tw.WriteHeader(&h); err != nil {
			panic(err)
		}
		if _, err := tw.Write(e.data); err != nil {
			panic(err)
		}
	}
	var err error
	if closed {
		err = tw.Close()
	} else {
		err = tw.Flush()
	}
	if err != nil {
		panic(err)
	}
	return b.Bytes()
}

// withRaw compresses the entries followed by raw tar blocks, which tar.Writer
// would not write, and the end of the archive.
func withRaw(entries []rawEntry, raw []byte) []byte {
	return gzipped(concat(tarBytes(entries, false), raw, make([]byte, 1024)))
}

func gzipped(data []byte) []byte {
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	_, _ = gz.Write(data) // writing to a bytes.Buffer never fails
	_ = gz.Close()
	return b.Bytes()
}

// rawHeader is a tar header block: USTAR, or old GNU for the GNU types, with
// the size in base-256 when octal cannot hold it.
func rawHeader(name string, typ byte, size int64) []byte {
	b := make([]byte, 512)
	copy(b[0:100], name)
	copy(b[100:], "0000644\x00")
	copy(b[108:], "0000000\x00")
	copy(b[116:], "0000000\x00")
	if size < 1<<33 {
		copy(b[124:], fmt.Sprintf("%011o\x00", size))
	} else {
		b[124] = 0x80
		binary.BigEndian.PutUint64(b[128:136], uint64(size))
	}
	copy(b[136:], "00000000000\x00")
	b[156] = typ
	if typ == tar.TypeGNUSparse {
		copy(b[257:], "ustar  \x00")
	} else {
		copy(b[257:], "ustar\x0000")
	}
	copy(b[148:156], "        ")
	sum := 0
	for _, c := range b {
		sum += int(c)
	}
	copy(b[148:], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

// paxRecord is one record of a PAX header: its length counts itself.
func paxRecord(k, v string) string {
	rest := " " + k + "=" + v + "\n"
	n := len(rest) + 1
	for len(strconv.Itoa(n))+len(rest) != n {
		n++
	}
	return strconv.Itoa(n) + rest
}

// paxHeader is a PAX extended header ('x') with its records, padded.
func paxHeader(records string) []byte {
	body := []byte(records)
	pad := (512 - len(body)%512) % 512
	return concat(rawHeader("PaxHeader", tar.TypeXHeader, int64(len(body))), body, make([]byte, pad))
}

// MetadataBomb is a genuine bundle, signed with key, followed by a chain of
// PAX headers of the 1 MiB that tar readers accept each, mib of them in all: no
// file body is large, the headers are. It is not in the corpus, whose cases
// run with the default limits, which would make it slow to build and read.
func MetadataBomb(dir string, key minisign.PrivateKey, mib int) (string, error) {
	entries, err := genuineEntries()
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	gz, err := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if err != nil {
		return "", err
	}
	_, _ = gz.Write(tarBytes(entries, false)) // writing to a bytes.Buffer never fails
	block := paxHeader(paxRecord("comment", strings.Repeat("a", 1<<20-64)))
	for range mib {
		_, _ = gz.Write(block)
	}
	_, _ = gz.Write(concat(rawHeader("scripts/x.ps1", tar.TypeReg, 0), make([]byte, 1024)))
	if err := gz.Close(); err != nil {
		return "", err
	}
	file := filepath.Join(dir, BundleName)
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		return "", err
	}
	return file, os.WriteFile(file+".minisig", sign(key, b.Bytes(), BundleName, From, To), 0o644)
}

// relist rewrites manifest.json and SHA256SUMS to list every file of the
// entries.
func relist(e []rawEntry) []rawEntry {
	var m bundle.Manifest
	for _, x := range e {
		if x.hdr.Name == bundle.ManifestFile {
			if err := json.Unmarshal(x.data, &m); err != nil {
				panic(err)
			}
		}
	}
	m.Files = nil
	for _, x := range e {
		if x.hdr.Typeflag == tar.TypeReg && x.hdr.Name != bundle.ManifestFile && x.hdr.Name != bundle.ChecksumsFile {
			m.Files = append(m.Files, bundle.FileEntry{Path: x.hdr.Name, Size: int64(len(x.data)), SHA256: sum(x.data)})
		}
	}
	data, err := json.MarshalIndent(&m, "", "  ")
	if err != nil {
		panic(err)
	}
	return setFile(e, bundle.ManifestFile, func([]byte) []byte { return append(data, '\n') })
}

// setFile changes one file of the entries and, for any file but SHA256SUMS,
// its line in SHA256SUMS, so that only the change under test is wrong.
func setFile(e []rawEntry, name string, change func([]byte) []byte) []rawEntry {
	for i := range e {
		if e[i].hdr.Name == name {
			e[i].data = change(bytes.Clone(e[i].data))
		}
	}
	if name == bundle.ChecksumsFile {
		return e
	}
	var sums bytes.Buffer
	for _, x := range e {
		if x.hdr.Typeflag == tar.TypeReg && x.hdr.Name != bundle.ChecksumsFile {
			sums.WriteString(bundle.ChecksumLine(sum(x.data), x.hdr.Name))
		}
	}
	return setFile(e, bundle.ChecksumsFile, func([]byte) []byte { return sums.Bytes() })
}

func file(name, content string) rawEntry {
	return rawEntry{hdr: tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(content))}, data: []byte(content)}
}

func clone(e []rawEntry) []rawEntry {
	out := make([]rawEntry, len(e))
	copy(out, e)
	return out
}

func drop(e []rawEntry, name string) []rawEntry {
	var out []rawEntry
	for _, x := range e {
		if x.hdr.Name != name && !strings.EqualFold(x.hdr.Name, name) {
			out = append(out, x)
		}
	}
	return out
}
