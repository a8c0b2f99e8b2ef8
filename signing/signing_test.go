package signing

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"aead.dev/minisign"

	"github.com/atlas-release/atlas-release/internal/testkeys"
	"github.com/atlas-release/atlas-release/internal/wsfs"
)

func testKey(t *testing.T) (minisign.PublicKey, minisign.PrivateKey) {
	t.Helper()
	pub, priv, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

func TestDigestSignsWhatWasWritten(t *testing.T) {
	pub, priv := testKey(t)
	data := make([]byte, 3*chunkSize+12345)
	rand.Read(data)
	d := NewDigest()
	// Odd-sized writes, as a compressor makes them.
	for rest := data; len(rest) > 0; {
		n := min(len(rest), 7919)
		if m, err := d.Write(rest[:n]); err != nil || m != n {
			t.Fatalf("Write returned %d, %v", m, err)
		}
		rest = rest[n:]
	}
	sig := d.Sign(priv, Comment("file", "x", "sha256", d.SHA256()))
	if d.Size() != int64(len(data)) {
		t.Fatalf("size %d", d.Size())
	}
	v, err := Verify(pub, bytes.NewReader(data), sig)
	if err != nil {
		t.Fatal(err)
	}
	if v.Fields["file"] != "x" || len(v.Fields["sha256"]) != 64 {
		t.Fatalf("fields %v", v.Fields)
	}
	if !bytes.HasPrefix(bytes.Split(sig, []byte("\n"))[1], []byte("RU")) {
		t.Fatal("not a prehashed (ED) signature")
	}
	data[100] ^= 1
	if _, err := Verify(pub, bytes.NewReader(data), sig); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("a changed byte verified: %v", err)
	}
}

func TestVerifyRefuses(t *testing.T) {
	pub, priv := testKey(t)
	otherPub, otherPriv := testKey(t)
	_ = otherPub
	msg := []byte("hello")
	d := NewDigest()
	_, _ = d.Write(msg) // a Digest never fails
	good := d.Sign(priv, "atlas-release file=x")
	d2 := NewDigest()
	_, _ = d2.Write(msg) // a Digest never fails
	foreign := d2.Sign(otherPriv, "atlas-release file=x")
	tests := map[string]struct {
		sig  []byte
		want string
	}{
		"legacy":          {minisign.SignWithComments(priv, msg, "t", "u"), "legacy form (Ed)"},
		"other key":       {foreign, "not by the expected key"},
		"garbage":         {[]byte("not a signature"), "not a minisign signature"},
		"comment changed": {bytes.Replace(good, []byte("file=x"), []byte("file=y"), 1), "does not match"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Verify(pub, bytes.NewReader(msg), tc.sig)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestGenerateKeyEncryptsAtProductionCost is the one test that pays for scrypt
// at the production cost (libsodium's "sensitive": 1 GiB, seconds of CPU):
// keygen's keys must say so in their header, where minisign reads the cost
// from. The passphrase paths of LoadSecretKey are tested with the cheap
// fixture of internal/testkeys.
func TestGenerateKeyEncryptsAtProductionCost(t *testing.T) {
	secret, public, err := GenerateKey("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !KeyIsEncrypted(secret) {
		t.Fatal("the key is not encrypted")
	}
	_, line, _ := strings.Cut(strings.TrimSpace(string(secret)), "\n")
	b, err := base64.StdEncoding.DecodeString(line)
	if err != nil || len(b) != 158 {
		t.Fatalf("not a minisign key file: %v", err)
	}
	if ops, mem := binary.LittleEndian.Uint64(b[38:]), binary.LittleEndian.Uint64(b[46:]); ops != 1<<25 || mem != 1<<30 {
		t.Errorf("scrypt cost ops=%d mem=%d, want libsodium's sensitive 33554432 and 1073741824", ops, mem)
	}
	if _, err := ParsePublicKey(string(public)); err != nil {
		t.Fatal(err)
	}
}

func TestKeys(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, SecretKeyFile)
	public := testkeys.WriteEncrypted(t, path)
	pub, err := ParsePublicKey(string(public))
	if err != nil {
		t.Fatal(err)
	}
	key, err := LoadSecretKey(path, func() (string, error) { return testkeys.Passphrase, nil })
	if err != nil {
		t.Fatal(err)
	}
	if !PublicKeyOf(key).Equal(pub) {
		t.Fatal("public key does not match")
	}
	if _, err := LoadSecretKey(path, func() (string, error) { return "wrong", nil }); err == nil || !strings.Contains(err.Error(), "wrong passphrase") {
		t.Fatalf("wrong passphrase: %v", err)
	}
	asked := errors.New("could not ask")
	if _, err := LoadSecretKey(path, func() (string, error) { return "", asked }); !errors.Is(err, asked) {
		t.Fatalf("a failure to ask for the passphrase: %v", err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSecretKey(path, nil); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Fatalf("world-readable key: %v", err)
	}
	// Bare base64 keys parse too.
	line := strings.TrimSpace(strings.Split(strings.TrimSpace(string(public)), "\n")[1])
	if p2, err := ParsePublicKey(line); err != nil || !p2.Equal(pub) {
		t.Fatalf("bare key: %v", err)
	}
	// An unencrypted key is read without asking, and is the public key's.
	unencrypted, unencryptedPublic, err := GenerateKey("")
	if err != nil || KeyIsEncrypted(unencrypted) {
		t.Fatalf("unencrypted key: %v", err)
	}
	plain := filepath.Join(dir, "plain.key")
	if err := os.WriteFile(plain, unencrypted, 0o600); err != nil {
		t.Fatal(err)
	}
	key, err = LoadSecretKey(plain, func() (string, error) { return "", errors.New("no passphrase asked for") })
	if err != nil {
		t.Fatal(err)
	}
	if pub, err := ParsePublicKey(string(unencryptedPublic)); err != nil || !PublicKeyOf(key).Equal(pub) {
		t.Fatalf("the unencrypted key is not its public key's: %v", err)
	}
}

func TestSignFile(t *testing.T) {
	pub, priv := testKey(t)
	fsys := fstest.MapFS{"SHA256SUMS": {Data: []byte("abc  x\n")}}
	sig, sum, err := SignFile(priv, fsys, "SHA256SUMS", func(s string) string { return Comment("file", "SHA256SUMS", "sha256", s) })
	if err != nil {
		t.Fatal(err)
	}
	f, _ := fsys.Open("SHA256SUMS")
	v, err := Verify(pub, f, sig)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Mismatch(map[string]string{"file": "SHA256SUMS", "sha256": sum}); err != nil {
		t.Fatal(err)
	}
	if err := v.Mismatch(map[string]string{"file": "other"}); err == nil {
		t.Fatal("a different file name matched")
	}
	_ = io.EOF
}

func TestParseComment(t *testing.T) {
	if ParseComment("timestamp:1 file:x") != nil {
		t.Fatal("a foreign comment parsed")
	}
	if ParseComment("atlas-release a=1 a=2") != nil {
		t.Fatal("duplicate keys parsed")
	}
	if f := ParseComment("atlas-release a=1 b=2"); f["a"] != "1" || f["b"] != "2" {
		t.Fatalf("got %v", f)
	}
}

// The secret key is read from a path the user gave: a link is followed (they
// chose it), but a named pipe, a device, a folder or an oversized file is
// refused at once, naming the path, and never waited on.
func TestLoadSecretKeyRefusesWhatIsNotAKeyFile(t *testing.T) {
	dir := t.TempDir()
	secret, _, err := GenerateKey("")
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, SecretKeyFile)
	if err := os.WriteFile(good, secret, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.key")
	if err := os.WriteFile(big, bytes.Repeat([]byte("x"), MaxKeyFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.key")
	if err := os.Symlink(good, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	cases := []struct{ path, want string }{
		{good, ""},
		{link, ""},
		{dir, "a directory, not a regular file"},
		{big, "larger than 65536 bytes"},
		{filepath.Join(dir, "none.key"), "no such file"},
	}
	if runtime.GOOS != "windows" {
		fifo := filepath.Join(dir, "fifo.key")
		if out, err := exec.Command("mkfifo", "-m", "600", fifo).CombinedOutput(); err != nil {
			t.Fatalf("mkfifo: %v: %s", err, out)
		}
		cases = append(cases,
			struct{ path, want string }{fifo, "a named pipe (FIFO), not a regular file"},
			struct{ path, want string }{"/dev/zero", "a character device, not a regular file"})
	}
	for _, tc := range cases {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := LoadSecretKey(tc.path, func() (string, error) { return "", errors.New("no passphrase asked for") })
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("reading the key blocked")
			}
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
				t.Fatalf("error %v; want the path and %q", err, tc.want)
			}
			if !strings.Contains(tc.want, "no such") && !errors.Is(err, wsfs.ErrRefused) {
				t.Errorf("error %v does not wrap wsfs.ErrRefused", err)
			}
		})
	}
}
