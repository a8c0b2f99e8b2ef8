// Package signing signs and verifies files with minisign's prehashed scheme
// (Ed25519 over a BLAKE2b-512 digest, "ED"), the form that customers check with
// `minisign -H -Vm <file> -P <key>`. It never produces the legacy "Ed" form, and
// refuses it when verifying: a legacy signature can be relabelled.
//
// The trusted comment of every signature is signed too; atlas-release writes
// key=value pairs into it that bind the file to its product, name and versions.
package signing

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"runtime"
	"slices"
	"strings"

	"aead.dev/minisign"

	"github.com/atlas-release/atlas-release/internal/wsfs"
)

// The names keygen writes and cut reads by default.
const (
	SecretKeyFile = "atlas-release.key"
	PublicKeyFile = "atlas-release.pub"
)

// ErrVerification is wrapped by every error that means a file is not authentic.
var ErrVerification = errors.New("verification failed")

// GenerateKey returns the text of a new secret key file and of its public key file.
// The secret key is encrypted with the passphrase (scrypt) unless it is empty.
func GenerateKey(passphrase string) (secret, public []byte, err error) {
	pub, priv, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	if passphrase != "" {
		secret, err = minisign.EncryptKey(passphrase, priv)
	} else {
		secret, err = priv.MarshalText()
	}
	if err != nil {
		return nil, nil, err
	}
	public, err = pub.MarshalText()
	return secret, public, err
}

// KeyIsEncrypted reports whether a secret key file needs a passphrase.
func KeyIsEncrypted(secret []byte) bool {
	return minisign.IsEncrypted(secret)
}

// MaxKeyFileSize bounds the key files read: a minisign key file is a few
// hundred bytes, and a larger one is not a key.
const MaxKeyFileSize = 64 << 10

// LoadSecretKey reads a secret key file. It refuses a file that group or others
// can read or write, and asks passphrase() only when the key is encrypted. The
// key must be a regular file of at most MaxKeyFileSize bytes: a named pipe or a
// device is refused without waiting on it.
func LoadSecretKey(path string, passphrase func() (string, error)) (minisign.PrivateKey, error) {
	var key minisign.PrivateKey
	f, err := wsfs.OpenFile(path)
	if err != nil {
		return key, err
	}
	defer f.Close()
	// The opened file's mode: no other file can be swapped in after the check.
	st, err := f.Stat()
	if err != nil {
		return key, err
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return key, fmt.Errorf("secret key %s is readable by others (mode %04o); run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	text, err := wsfs.ReadAllLimited(f, path, MaxKeyFileSize)
	if err != nil {
		return key, err
	}
	if !minisign.IsEncrypted(text) {
		if err := key.UnmarshalText(text); err != nil {
			return key, fmt.Errorf("secret key %s: %w", path, err)
		}
		return key, nil
	}
	pass, err := passphrase()
	if err != nil {
		return key, err
	}
	key, err = minisign.DecryptKey(pass, text)
	if err != nil {
		return key, fmt.Errorf("secret key %s: wrong passphrase or damaged key", path)
	}
	return key, nil
}

// PublicKeyOf returns the public half of a secret key.
func PublicKeyOf(key minisign.PrivateKey) minisign.PublicKey {
	return key.Public().(minisign.PublicKey)
}

// ParsePublicKey reads a public key given as the base64 line ("RW…") or as the
// contents of a minisign .pub file.
func ParsePublicKey(text string) (minisign.PublicKey, error) {
	var pub minisign.PublicKey
	text = strings.TrimSpace(text)
	lines := strings.Split(text, "\n")
	line := strings.TrimSpace(lines[len(lines)-1])
	if err := pub.UnmarshalText([]byte(line)); err != nil {
		return pub, fmt.Errorf("not a minisign public key: %w", err)
	}
	return pub, nil
}

// KeyID formats a key id as minisign prints it.
func KeyID(id uint64) string { return fmt.Sprintf("%016X", id) }

// Digest computes, while a file is written through it, both the prehashed
// signature's BLAKE2b digest and the SHA-256 of the bytes. The BLAKE2b digest is
// computed on another goroutine, so that signing a large archive costs no
// extra pass over it and little extra time.
type Digest struct {
	sha     hash.Hash
	chunks  chan []byte
	done    chan struct{}
	reader  *minisign.Reader
	size    int64
	closed  bool
	pending []byte
}

const chunkSize = 256 << 10

// NewDigest starts a digest.
func NewDigest() *Digest {
	d := &Digest{sha: sha256.New(), chunks: make(chan []byte, 8), done: make(chan struct{})}
	d.reader = minisign.NewReader(&chunkReader{chunks: d.chunks})
	go func() {
		defer close(d.done)
		_, _ = io.Copy(io.Discard, d.reader)
	}()
	return d
}

// Write adds p to the digests.
func (d *Digest) Write(p []byte) (int, error) {
	n := len(p)
	d.sha.Write(p)
	d.size += int64(n)
	// Batch small writes into chunks: a chunk is copied, because p is the
	// caller's to reuse.
	for len(p) > 0 {
		if d.pending == nil {
			d.pending = make([]byte, 0, chunkSize)
		}
		m := min(len(p), chunkSize-len(d.pending))
		d.pending = append(d.pending, p[:m]...)
		p = p[m:]
		if len(d.pending) == chunkSize {
			d.chunks <- d.pending
			d.pending = nil
		}
	}
	return n, nil
}

// finish waits until the BLAKE2b digest has seen every byte.
func (d *Digest) finish() {
	if d.closed {
		return
	}
	d.closed = true
	if len(d.pending) > 0 {
		d.chunks <- d.pending
	}
	close(d.chunks)
	<-d.done
}

// SHA256 is the hex SHA-256 of what was written.
func (d *Digest) SHA256() string {
	d.finish()
	return hex.EncodeToString(d.sha.Sum(nil))
}

// Size is the number of bytes written.
func (d *Digest) Size() int64 { return d.size }

// Sign returns the text of a prehashed signature of what was written, with the
// trusted comment.
func (d *Digest) Sign(key minisign.PrivateKey, trusted string) []byte {
	d.finish()
	return d.reader.SignWithComments(key, trusted, "signature from atlas-release")
}

// Close stops a digest that will not be signed.
func (d *Digest) Close() { d.finish() }

type chunkReader struct {
	chunks <-chan []byte
	cur    []byte
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		c, ok := <-r.chunks
		if !ok {
			return 0, io.EOF
		}
		r.cur = c
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// SignFile signs the file at path; it returns the signature's text and the file's
// SHA-256, whose value trusted(sha256) puts in the trusted comment.
func SignFile(key minisign.PrivateKey, fsys fs.FS, path string, trusted func(sha256 string) string) ([]byte, string, error) {
	f, err := fsys.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	d := NewDigest()
	if _, err := io.Copy(d, f); err != nil {
		d.Close()
		return nil, "", err
	}
	sum := d.SHA256()
	return d.Sign(key, trusted(sum)), sum, nil
}

// Verified is what a valid signature says about a file.
type Verified struct {
	KeyID string
	// SHA256 is the hex SHA-256 of the verified bytes.
	SHA256 string
	// Comment is the trusted comment.
	Comment string
	// Fields are the key=value pairs of the trusted comment, when atlas-release
	// wrote it; nil otherwise.
	Fields map[string]string
}

// Verify checks a signature's text against the bytes of r and the public key,
// in this order: the signature is prehashed (ED), it was made by that key, and
// it matches the bytes and its trusted comment. It reads r to the end and also
// returns the bytes' SHA-256, computed on another core in the same pass.
func Verify(pub minisign.PublicKey, r io.Reader, sigText []byte) (*Verified, error) {
	var sig minisign.Signature
	if err := sig.UnmarshalText(sigText); err != nil {
		return nil, fmt.Errorf("%w: the signature file is not a minisign signature", ErrVerification)
	}
	switch sig.Algorithm {
	case minisign.HashEdDSA:
	case minisign.EdDSA:
		return nil, fmt.Errorf("%w: the signature is in minisign's legacy form (Ed), which atlas-release refuses because it can be relabelled; sign with the prehashed form (minisign -S -H)", ErrVerification)
	default:
		return nil, fmt.Errorf("%w: unknown signature algorithm 0x%04x", ErrVerification, sig.Algorithm)
	}
	if sig.KeyID != pub.ID() {
		return nil, fmt.Errorf("%w: signed by key %s, not by the expected key %s", ErrVerification, KeyID(sig.KeyID), KeyID(pub.ID()))
	}
	mr := minisign.NewReader(r)
	sum, err := readHashing(mr)
	if err != nil {
		return nil, err
	}
	if !mr.Verify(pub, sigText) {
		return nil, fmt.Errorf("%w: the signature does not match the file: it was changed, or the signature belongs to another file", ErrVerification)
	}
	return &Verified{KeyID: KeyID(sig.KeyID), Comment: sig.TrustedComment, Fields: ParseComment(sig.TrustedComment), SHA256: sum}, nil
}

// readHashing reads r to the end in large blocks (the minisign reader computes
// the BLAKE2b digest as it reads) while another goroutine computes the SHA-256
// of each block. A few blocks rotate between the two, so nothing is copied.
func readHashing(r io.Reader) (string, error) {
	const blocks, blockSize = 4, 1 << 20
	free := make(chan []byte, blocks)
	for range blocks {
		free <- make([]byte, blockSize)
	}
	full := make(chan []byte, blocks)
	done := make(chan string)
	go func() {
		h := sha256.New()
		for b := range full {
			h.Write(b)
			free <- b[:cap(b)]
		}
		done <- hex.EncodeToString(h.Sum(nil))
	}()
	var err error
	for {
		b := <-free
		n, rerr := io.ReadFull(r, b)
		if n > 0 {
			full <- b[:n]
		} else {
			free <- b
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			err = rerr
			break
		}
	}
	close(full)
	sum := <-done
	return sum, err
}

// commentPrefix starts every trusted comment atlas-release writes.
const commentPrefix = "atlas-release"

// Comment writes a trusted comment of key=value pairs, in the given order. Values
// must not contain spaces.
func Comment(pairs ...string) string {
	var b strings.Builder
	b.WriteString(commentPrefix)
	for i := 0; i+1 < len(pairs); i += 2 {
		b.WriteString(" " + pairs[i] + "=" + pairs[i+1])
	}
	return b.String()
}

// ParseComment reads a trusted comment written by Comment, or returns nil.
func ParseComment(c string) map[string]string {
	fields := strings.Fields(c)
	if len(fields) == 0 || fields[0] != commentPrefix {
		return nil
	}
	out := map[string]string{}
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return nil
		}
		if _, dup := out[k]; dup {
			return nil
		}
		out[k] = v
	}
	return out
}

// Mismatch compares the trusted comment's fields with what they must say and
// returns an error naming the first that differs.
func (v *Verified) Mismatch(want map[string]string) error {
	if v.Fields == nil {
		return fmt.Errorf("%w: the trusted comment %q was not written by atlas-release, so it binds nothing", ErrVerification, v.Comment)
	}
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if got := v.Fields[k]; got != want[k] {
			return fmt.Errorf("%w: the signed %s is %q, not %q", ErrVerification, k, got, want[k])
		}
	}
	return nil
}
