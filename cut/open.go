package cut

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
	"slices"
	"strings"

	"aead.dev/minisign"
	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/bundle"
	"github.com/atlas-release/atlas-release/internal/wsfs"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/signing"
	"github.com/atlas-release/atlas-release/templates"
)

// Folder is a cut's output folder, dist/<version>/, opened and checked by
// Open: the one reader of a cut, for publishing and for anyone else.
type Folder struct {
	Dir       string
	Meta      *Metadata
	PublicKey minisign.PublicKey
	// Files are the files to publish, in metadata.json's order: everything the
	// cut wrote but metadata.json.
	Files []Artifact
	// Checksums is the SHA-256 of SHA256SUMS: it identifies the cut.
	Checksums string
	// DefaultLocale is the workspace's default locale: that of the documents
	// without a locale suffix (and of every document of a cut made before
	// documents named their locale).
	DefaultLocale string
}

// JournalFile is the journal that publishing keeps in the cut's folder
// (package publish): never a file of the cut itself.
const JournalFile = "publish.json"

// ErrNoCut is wrapped by Open's error when the folder holds no cut at all.
var ErrNoCut = errors.New("no cut")

// maxMetadataBytes bounds metadata.json.
const maxMetadataBytes = 4 << 20

// Open checks that dir holds a real, signed cut of version v of the
// workspace's product before anything is published from it: not a snapshot;
// signed with the workspace's public key when one is set; SHA256SUMS signed and
// matching every file; every bundle verified as a customer would (signature,
// entries, manifest); every file the size and digest metadata.json says. A
// failed check wraps signing.ErrVerification or bundle.ErrInvalid.
func Open(dir string, ws *releases.Workspace, v *semver.Version) (*Folder, error) {
	metaPath := filepath.Join(dir, MetadataFile)
	b, err := readCapped(metaPath, maxMetadataBytes)
	if errors.Is(err, fs.ErrNotExist) {
		hint := ""
		if st, err := os.Stat(dir + "-snapshot"); err == nil && st.IsDir() {
			hint = " (there is only a snapshot, which is never published)"
		}
		return nil, fmt.Errorf("%w of %s in %s%s: run `atlas-release cut %s` first", ErrNoCut, v, dir, hint, v)
	}
	if err != nil {
		return nil, err
	}
	var meta Metadata
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
	want, configured, err := ConfiguredKey(ws)
	if err != nil {
		return nil, err
	}
	if configured && !want.Equal(pub) {
		return nil, fmt.Errorf("%s: %w: signed with key %s, but signing.publicKey in %s is key %s", dir, signing.ErrVerification,
			signing.KeyID(pub.ID()), releases.ConfigFile, signing.KeyID(want.ID()))
	}
	c := &Folder{Dir: dir, Meta: &meta, PublicKey: pub, DefaultLocale: ws.Config.DefaultLocale()}
	expect := bundle.Expect{Product: product, Version: v.String()}
	sums := map[string]string{}
	for _, a := range meta.Files {
		if a.Name != filepath.Base(a.Name) || a.Name == MetadataFile || a.Name == JournalFile || strings.HasPrefix(a.Name, ".") {
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
		if a.Kind == KindChecksums {
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
		if a.Kind == KindChecksums || a.Name == ChecksumsFile+SignatureExt {
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
	if kind != KindBundle && kind != KindChecksums {
		size, sum, err := hashFile(path)
		if err != nil {
			return 0, "", fmt.Errorf("%s: %w", filepath.Dir(path), err)
		}
		return size, sum, nil
	}
	sig, err := readCapped(path+SignatureExt, 64<<10)
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

// Document reads a document of the cut in a locale: its Markdown form (for the
// title) and its HTML form, each checked again against the SHA-256 that
// metadata.json gives and SHA256SUMS vouched for when the cut was opened, so
// that what is published is what was signed even if the folder changed since.
// ok is false when the cut has no such document (a locale translated after the
// cut, or a cut made with --skip render).
func (c *Folder) Document(kind, locale string) (doc *Document, ok bool, err error) {
	doc = &Document{Kind: kind, Locale: locale}
	found := 0
	for _, a := range c.Files {
		if a.Kind != kind || c.locale(a) != locale {
			continue
		}
		var into *[]byte
		switch filepath.Ext(a.Name) {
		case ".md":
			into = &doc.Markdown
		case ".html":
			into = &doc.HTML
		default:
			continue
		}
		path := filepath.Join(c.Dir, a.Name)
		data, err := readCapped(path, a.Size)
		if err != nil {
			return nil, false, err
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != a.SHA256 {
			return nil, false, fmt.Errorf("%s: %w: it changed since the cut was checked", path, signing.ErrVerification)
		}
		*into = data
		found++
	}
	if found == 0 {
		return nil, false, nil
	}
	if doc.Markdown == nil || doc.HTML == nil {
		return nil, false, fmt.Errorf("%s: %w: the cut has only one form of the %s in %s", c.Dir, bundle.ErrInvalid, kind, locale)
	}
	doc.Title, _, _ = templates.SplitTitle(doc.Markdown)
	return doc, true, nil
}

// Locales lists the locales the cut holds documents in, the default first.
func (c *Folder) Locales() []string {
	var out []string
	for _, a := range c.Files {
		if a.Kind != KindNotes && a.Kind != KindGuide {
			continue
		}
		if l := c.locale(a); !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	if i := slices.Index(out, c.DefaultLocale); i > 0 {
		out = slices.Insert(slices.Delete(out, i, i+1), 0, c.DefaultLocale)
	}
	return out
}

// locale is the locale of a document of the cut.
func (c *Folder) locale(a Artifact) string {
	if a.Locale == "" {
		return c.DefaultLocale // a cut made before documents named their locale
	}
	return a.Locale
}
