package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"aead.dev/minisign"

	"github.com/atlas-release/atlas-release/internal/wsfs"
	"github.com/atlas-release/atlas-release/signing"
)

// Expect is what the person verifying expects a file to be.
type Expect struct {
	// Product is the product id; empty accepts any.
	Product string
	// Version is the version the file must upgrade to or install (a bundle)
	// or belong to (SHA256SUMS); empty accepts any.
	Version string
}

// Report says what verification established.
type Report struct {
	File  string `json:"file"`
	KeyID string `json:"keyId"`
	// Comment is the signed trusted comment.
	Comment string `json:"trustedComment"`
	SHA256  string `json:"sha256"`
	// Bundle is set for runbook bundles.
	Bundle *Manifest `json:"bundle,omitempty"`
	// Extracted is the folder the bundle was extracted into.
	Extracted string `json:"extracted,omitempty"`
	// Downloaded is where a file verified from a URL was kept.
	Downloaded string `json:"downloaded,omitempty"`
	// Warning says what was not checked, for files not written by atlas-release.
	Warning string `json:"warning,omitempty"`
}

// KindInstall is the "kind" field of an install bundle's trusted comment:
// the signature says that the bundle deploys a version on a new tenant, and
// a bundle whose manifest.json says otherwise is refused.
const KindInstall = "install"

// describeBundle names what a bundle is, for errors: an install bundle has
// no source version, so it is never shown as an upgrade from nothing.
func describeBundle(product, from, to string, install bool) string {
	if install {
		return fmt.Sprintf("an install bundle (a new deployment) of %s %s", product, to)
	}
	return fmt.Sprintf("an upgrade bundle of %s %s → %s", product, from, to)
}

// signedKind reads what the trusted comment says a bundle is. A comment is
// contradictory when it names both a source version and kind=install, and
// incomplete when it names neither: both are refused rather than guessed.
func signedKind(f map[string]string) (install bool, err error) {
	install = f["kind"] == KindInstall
	switch {
	case f["kind"] != "" && !install:
		return false, fmt.Errorf("%w: the signature says kind=%q, which is not a kind of bundle", ErrInvalid, f["kind"])
	case install && f["from"] != "":
		return false, fmt.Errorf("%w: the signature is contradictory: it says both an install bundle and an upgrade from %s", ErrInvalid, f["from"])
	case !install && f["from"] == "":
		return false, fmt.Errorf("%w: the signature names neither a version to upgrade from nor kind=install", ErrInvalid)
	}
	return install, nil
}

// IsBundle reports whether a file name is a runbook bundle's.
func IsBundle(name string) bool { return strings.HasSuffix(name, ".tar.gz") }

// Verify checks a downloaded file, in this order: its signature over the exact
// bytes (prehashed, by the expected key) before anything parses them; the signed
// trusted comment against the file's name, SHA-256 and what is expected; and,
// for a bundle, every entry of the archive and its manifest. With extractDir, a
// bundle that passed is then extracted there through os.Root.
//
// The file is read once. A bundle is parsed more than once after its signature
// is checked (Check, then Extract), and the file could be rewritten between
// those reads; so every byte the signature check reads also goes into a private
// copy (a temporary file that no other user can open, unlinked at once where
// the system allows), and only that copy is parsed: what is checked and
// extracted is exactly what was verified. Check re-hashes the copy and Extract
// re-hashes every file, so that even a change to the copy cannot get through.
// A file that changes while it is verified fails all the same, since the file
// on disk is then not the one verified.
func Verify(file string, sigText []byte, pub minisign.PublicKey, expect Expect, extractDir string, lim Limits) (*Report, error) {
	name := filepath.Base(file)
	f, err := wsfs.OpenFile(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !IsBundle(name) {
		v, err := signing.Verify(pub, f, sigText)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		rep := &Report{File: name, KeyID: v.KeyID, Comment: v.Comment, SHA256: v.SHA256}
		return rep, verifyPlain(rep, v, expect)
	}
	if before.Size() > lim.MaxArchiveSize {
		return nil, fmt.Errorf("%s: %w: %d bytes, more than any bundle (%d)", name, ErrInvalid, before.Size(), lim.MaxArchiveSize)
	}
	priv, err := newPrivateCopy(file, lim.MaxArchiveSize)
	if err != nil {
		return nil, err
	}
	defer priv.Close()
	v, err := signing.Verify(pub, io.TeeReader(f, priv), sigText)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	digest := v.SHA256
	rep := &Report{File: name, KeyID: v.KeyID, Comment: v.Comment, SHA256: digest}
	want := map[string]string{"bundle": name, "sha256": digest}
	if expect.Product != "" {
		want["product"] = expect.Product
	}
	if err := v.Mismatch(want); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if expect.Version != "" && v.Fields["to"] != expect.Version {
		return nil, fmt.Errorf("%s: %w: the bundle is for %s, not %s", name, signing.ErrVerification, v.Fields["to"], expect.Version)
	}
	signedInstall, err := signedKind(v.Fields)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	verifyHook(hookSigned, file, priv.f)
	// The copy's bytes are hashed again as Check reads them: its findings
	// count only if they are the verified bytes, even were the copy changed
	// (by the same user through /proc, or on a network share). Extract then
	// checks every file it writes against those findings.
	copySum := newAsyncSHA256()
	content, err := Check(io.TeeReader(priv.reader(), copySum), priv.n, lim)
	got := copySum.Sum()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if got != digest {
		return nil, fmt.Errorf("%s: %w: the private copy of the file changed while it was checked (SHA-256 %s, not the verified %s)", name, signing.ErrVerification, got, digest)
	}
	m := content.Manifest
	switch {
	case m.Snapshot:
		return nil, fmt.Errorf("%s: %w: it is a snapshot (an unsigned rehearsal), not a release", name, ErrInvalid)
	case m.Product != v.Fields["product"] || m.From != v.Fields["from"] || m.To != v.Fields["to"] || m.Install != signedInstall:
		return nil, fmt.Errorf("%s: %w: %s says %s, but the signature says %s", name, ErrInvalid, ManifestFile,
			describeBundle(m.Product, m.From, m.To, m.Install), describeBundle(v.Fields["product"], v.Fields["from"], v.Fields["to"], signedInstall))
	}
	rep.Bundle = m
	if err := unchanged(f, file, before, priv.n); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if extractDir == "" {
		return rep, nil
	}
	staged, err := extractStaged(priv.reader(), priv.n, extractDir, content, lim)
	if err != nil {
		return nil, fmt.Errorf("%s: extract: %w", name, err)
	}
	verifyHook(hookExtracted, file, priv.f)
	if err := unchanged(f, file, before, priv.n); err != nil {
		staged.discard()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := staged.commit(); err != nil {
		return nil, fmt.Errorf("%s: extract: %w", name, err)
	}
	rep.Extracted = extractDir
	return rep, nil
}

// verifyHook runs at the stages of Verify where the file on disk, or its
// private copy, could be rewritten before it is used: after the signature
// check, before any parsing; and after extraction. Tests set it to rewrite
// them there.
var verifyHook = func(stage, file string, private *os.File) {}

const (
	hookSigned    = "signed"
	hookExtracted = "extracted"
)

// unchanged fails when the file is no longer what was read: the open file's
// size or modification time changed, more bytes than were verified follow, or
// the path now names another file. What is checked and extracted comes from
// the private copy in any case; this says that the file on disk is not what
// was verified, so that no one goes on to use it.
func unchanged(f *os.File, path string, before fs.FileInfo, verified int64) error {
	now, err := f.Stat()
	if err != nil {
		return err
	}
	atPath, err := os.Stat(path) // gone, or replaced by another file
	if err != nil || !os.SameFile(atPath, before) ||
		now.Size() != before.Size() || now.Size() != verified || !now.ModTime().Equal(before.ModTime()) {
		return fmt.Errorf("%w: the file changed while it was being verified; what was verified is not what is on disk (download it again, and keep it where no one else can write)", signing.ErrVerification)
	}
	return nil
}

// asyncSHA256 computes the SHA-256 of what is written to it on another
// goroutine, so that re-hashing the private copy while Check decompresses it
// costs little time on a second core. A few buffers rotate between the two.
type asyncSHA256 struct {
	full, free chan []byte
	done       chan string
}

func newAsyncSHA256() *asyncSHA256 {
	const buffers = 4
	a := &asyncSHA256{full: make(chan []byte, buffers), free: make(chan []byte, buffers), done: make(chan string)}
	for range buffers {
		a.free <- nil
	}
	go func() {
		h := sha256.New()
		for b := range a.full {
			h.Write(b)
			a.free <- b
		}
		a.done <- hex.EncodeToString(h.Sum(nil))
	}()
	return a
}

func (a *asyncSHA256) Write(p []byte) (int, error) {
	b := append((<-a.free)[:0], p...)
	a.full <- b
	return len(p), nil
}

// Sum waits for every byte written and returns the hex digest; it ends the
// goroutine, so it is called once.
func (a *asyncSHA256) Sum() string {
	close(a.full)
	return <-a.done
}

// privateCopy is a temporary file that receives the bytes of a bundle as its
// signature is checked, for every later read.
type privateCopy struct {
	f       *os.File
	name    string
	removed bool
	n, max  int64
}

// newPrivateCopy creates the copy next to the file (whose file system had room
// for it), or in the temporary folder when that folder cannot be written. It is
// created with mode 0600 and unlinked at once where the system allows (not on
// Windows, where it is removed when closed).
func newPrivateCopy(file string, limit int64) (*privateCopy, error) {
	const pattern = ".atlas-release-verify-*"
	f, err := os.CreateTemp(filepath.Dir(file), pattern)
	if err != nil {
		if f, err = os.CreateTemp("", pattern); err != nil {
			return nil, fmt.Errorf("a private copy of %s to check: %w", filepath.Base(file), err)
		}
	}
	c := &privateCopy{f: f, name: f.Name(), max: limit}
	c.removed = os.Remove(c.name) == nil
	return c, nil
}

func (c *privateCopy) Write(p []byte) (int, error) {
	if c.n+int64(len(p)) > c.max {
		return 0, fmt.Errorf("%w: more than any bundle (%d bytes)", ErrInvalid, c.max)
	}
	n, err := c.f.Write(p)
	c.n += int64(n)
	if err != nil {
		return n, fmt.Errorf("a private copy of the file to check (it needs as much free space as the file, next to it or in the temporary folder): %w", err)
	}
	return n, nil
}

// reader reads the copy from its start; each call is independent.
func (c *privateCopy) reader() io.Reader { return io.NewSectionReader(c.f, 0, c.n) }

func (c *privateCopy) Close() {
	c.f.Close()
	if !c.removed {
		_ = os.Remove(c.name)
	}
}

// verifyPlain checks the trusted comment of a file that is not a bundle, such as
// SHA256SUMS. A signature made with minisign itself carries its own comment, which
// binds nothing: the report says so.
func verifyPlain(rep *Report, v *signing.Verified, expect Expect) error {
	if v.Fields == nil {
		if expect.Version != "" || expect.Product != "" {
			return fmt.Errorf("%s: %w: the trusted comment %q was not written by atlas-release, so it cannot show the expected product and version", rep.File, signing.ErrVerification, v.Comment)
		}
		rep.Warning = "the signature is valid, but its trusted comment was not written by atlas-release: it does not bind the file's name or version"
		return nil
	}
	want := map[string]string{"file": rep.File, "sha256": rep.SHA256}
	if expect.Product != "" {
		want["product"] = expect.Product
	}
	if expect.Version != "" {
		want["version"] = expect.Version
	}
	if err := v.Mismatch(want); err != nil {
		return fmt.Errorf("%s: %w", rep.File, err)
	}
	return nil
}
