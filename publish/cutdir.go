package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"aead.dev/minisign"
	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/bundle"
	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/internal/wsfs"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/signing"
)

// Cut is a release folder, dist/<version>/, checked for publishing.
type Cut struct {
	Dir       string
	Meta      *cut.Metadata
	PublicKey minisign.PublicKey
	// Files are the files to publish, in metadata.json's order: everything the
	// cut wrote but metadata.json.
	Files []cut.Artifact
	// Checksums is the SHA-256 of SHA256SUMS: it identifies the cut.
	Checksums string
}

// maxMetadataBytes bounds metadata.json.
const maxMetadataBytes = 4 << 20

// OpenCut checks that dir holds a real, signed cut of version v of the
// workspace's product before anything is published from it: not a snapshot;
// signed with the workspace's public key when one is set; SHA256SUMS signed and
// matching every file; every bundle verified as a customer would (signature,
// entries, manifest); every file the size and digest metadata.json says. A
// failed check wraps signing.ErrVerification or bundle.ErrInvalid.
func OpenCut(dir string, ws *releases.Workspace, v *semver.Version) (*Cut, error) {
	metaPath := filepath.Join(dir, cut.MetadataFile)
	b, err := readCapped(metaPath, maxMetadataBytes)
	if errors.Is(err, fs.ErrNotExist) {
		hint := ""
		if st, err := os.Stat(dir + "-snapshot"); err == nil && st.IsDir() {
			hint = " (there is only a snapshot, which is never published)"
		}
		return nil, fmt.Errorf("no cut of %s in %s%s: run `atlas-release cut %s` first", v, dir, hint, v)
	}
	if err != nil {
		return nil, err
	}
	var meta cut.Metadata
	if err := json.Unmarshal(b, &meta); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", metaPath, bundle.ErrInvalid, err)
	}
	product := ws.Config.Product.ID
	switch {
	case meta.Snapshot:
		return nil, fmt.Errorf("%s is a snapshot (an unsigned rehearsal): only a signed cut is published", dir)
	case meta.Version != v.String() || meta.Product != product:
		return nil, fmt.Errorf("%s: %w: it holds %s %s, not %s %s", metaPath, bundle.ErrInvalid, meta.Product, meta.Version, product, v)
	case meta.PublicKey == "":
		return nil, fmt.Errorf("%s: %w: the cut names no public key", metaPath, bundle.ErrInvalid)
	}
	pub, err := signing.ParsePublicKey(meta.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", metaPath, bundle.ErrInvalid, err)
	}
	if s := ws.Config.Signing; s != nil && s.PublicKey != "" {
		want, err := signing.ParsePublicKey(s.PublicKey)
		if err != nil {
			return nil, fmt.Errorf("signing.publicKey in %s: %w", releases.ConfigFile, err)
		}
		if !want.Equal(pub) {
			return nil, fmt.Errorf("%s: %w: signed with key %s, but signing.publicKey in %s is key %s", dir, signing.ErrVerification,
				signing.KeyID(pub.ID()), releases.ConfigFile, signing.KeyID(want.ID()))
		}
	}
	c := &Cut{Dir: dir, Meta: &meta, PublicKey: pub}
	expect := bundle.Expect{Product: product, Version: v.String()}
	sums := map[string]string{}
	for _, a := range meta.Files {
		if a.Name != filepath.Base(a.Name) || a.Name == cut.MetadataFile || a.Name == JournalFile || strings.HasPrefix(a.Name, ".") {
			return nil, fmt.Errorf("%s: %w: it lists the file %q", metaPath, bundle.ErrInvalid, a.Name)
		}
		path := filepath.Join(dir, a.Name)
		size, sum, err := digestOf(path, a.Kind, pub, expect)
		if err != nil {
			return nil, err
		}
		if size != a.Size || sum != a.SHA256 {
			return nil, fmt.Errorf("%s: %w: it is not the file metadata.json describes (size %d, SHA-256 %.16s…)", path, bundle.ErrInvalid, a.Size, a.SHA256)
		}
		if a.Kind == cut.KindChecksums {
			c.Checksums = a.SHA256
			data, err := readCapped(path, 1<<20)
			if err != nil {
				return nil, err
			}
			list, err := bundle.ParseChecksums(path, data)
			if err != nil {
				return nil, err
			}
			for _, cs := range list {
				sums[cs.Name] = cs.SHA256
			}
		}
		c.Files = append(c.Files, a)
	}
	if c.Checksums == "" {
		return nil, fmt.Errorf("%s: %w: the cut has no SHA256SUMS", dir, bundle.ErrInvalid)
	}
	for _, a := range c.Files {
		if a.Kind == cut.KindChecksums || a.Name == "SHA256SUMS.minisig" {
			continue
		}
		if sums[a.Name] != a.SHA256 {
			return nil, fmt.Errorf("%s: %w: SHA256SUMS does not vouch for %s", dir, bundle.ErrInvalid, a.Name)
		}
	}
	return c, nil
}

// digestOf reads a file of the cut once for its size and SHA-256; a signed
// file (a bundle, SHA256SUMS) is verified as customers would in the same read.
func digestOf(path, kind string, pub minisign.PublicKey, expect bundle.Expect) (int64, string, error) {
	if kind != cut.KindBundle && kind != cut.KindChecksums {
		size, sum, err := hashFile(path)
		if err != nil {
			return 0, "", fmt.Errorf("%s: %w", filepath.Dir(path), err)
		}
		return size, sum, nil
	}
	sig, err := readCapped(path+cut.SignatureExt, 64<<10)
	if err != nil {
		return 0, "", fmt.Errorf("%s: %w: no signature: %w", path, signing.ErrVerification, err)
	}
	rep, err := bundle.Verify(path, sig, pub, expect, "", bundle.DefaultLimits)
	if err != nil {
		return 0, "", err
	}
	st, err := os.Stat(path)
	if err != nil {
		return 0, "", err
	}
	return st.Size(), rep.SHA256, nil
}

// readCapped reads a small file of the cut: a regular file (never a pipe that
// would block), of at most limit bytes.
func readCapped(path string, limit int64) ([]byte, error) {
	return wsfs.ReadFile(path, limit)
}

func hashFile(path string) (int64, string, error) {
	f, err := wsfs.OpenFile(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}
