package bundle

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"aead.dev/minisign"

	"github.com/atlas-release/atlas-release/signing"
)

// Expect is what the person verifying expects a file to be.
type Expect struct {
	// Product is the product id; empty accepts any.
	Product string
	// Version is the version the file must upgrade to (a bundle) or belong to
	// (SHA256SUMS); empty accepts any.
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

// IsBundle reports whether a file name is a runbook bundle's.
func IsBundle(name string) bool { return strings.HasSuffix(name, ".tar.gz") }

// Verify checks a downloaded file, in this order: its signature over the exact
// bytes (prehashed, by the expected key) before anything parses them; the signed
// trusted comment against the file's name, SHA-256 and what is expected; and,
// for a bundle, every entry of the archive and its manifest. With extractDir, a
// bundle that passed is then extracted there through os.Root.
func Verify(file string, sigText []byte, pub minisign.PublicKey, expect Expect, extractDir string, lim Limits) (*Report, error) {
	name := filepath.Base(file)
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	v, err := signing.Verify(pub, f, sigText)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	digest := v.SHA256
	rep := &Report{File: name, KeyID: v.KeyID, Comment: v.Comment, SHA256: digest}
	if !IsBundle(name) {
		return rep, verifyPlain(rep, v, expect)
	}

	want := map[string]string{"bundle": name, "sha256": digest}
	if expect.Product != "" {
		want["product"] = expect.Product
	}
	if expect.Version != "" {
		want["to"] = expect.Version
	}
	if err := v.Mismatch(want); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	content, err := Check(f, st.Size(), lim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	m := content.Manifest
	switch {
	case m.Snapshot:
		return nil, fmt.Errorf("%s: %w: it is a snapshot (an unsigned rehearsal), not a release", name, ErrInvalid)
	case m.Product != v.Fields["product"] || m.From != v.Fields["from"] || m.To != v.Fields["to"]:
		return nil, fmt.Errorf("%s: %w: %s says %s %s → %s, but the signature says %s %s → %s", name, ErrInvalid, ManifestFile,
			m.Product, m.From, m.To, v.Fields["product"], v.Fields["from"], v.Fields["to"])
	}
	rep.Bundle = m
	if extractDir == "" {
		return rep, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	if err := Extract(f, st.Size(), extractDir, lim); err != nil {
		return nil, fmt.Errorf("%s: extract: %w", name, err)
	}
	rep.Extracted = extractDir
	return rep, nil
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

// ErrNoSignature is returned when a file has no signature next to it.
var ErrNoSignature = errors.New("no signature")
