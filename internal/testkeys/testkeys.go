// Package testkeys hands tests an encrypted minisign key pair that costs
// nothing to decrypt. A real key is encrypted with scrypt at libsodium's
// "sensitive" cost (1 GiB, seconds of CPU), and minisign reads the cost from
// the key file: this fixture declares the least cost minisign accepts, so
// that a test can exercise every passphrase path — right, wrong, asked for or
// not — in milliseconds. Only signing's own tests derive a key at the
// production cost, once.
//
// The key is TEST ONLY: its secret half and passphrase are in this
// repository, and its comment says so. Nothing may trust its public key.
package testkeys

import (
	_ "embed"
	"os"
	"testing"
)

// Passphrase decrypts the fixture's secret key.
const Passphrase = "test-only passphrase"

// The fixture, made once by encrypting a fresh key as minisign does, with
// scrypt N=1024, r=8, p=1 (ops 2^15, mem 2^21 in the key file).
var (
	//go:embed test-only-encrypted.key
	encryptedSecret []byte
	//go:embed test-only-encrypted.pub
	encryptedPublic []byte
)

// EncryptedSecret returns the text of the fixture's secret key file,
// encrypted with Passphrase.
func EncryptedSecret() []byte { return append([]byte(nil), encryptedSecret...) }

// EncryptedPublic returns the text of the fixture's public key file.
func EncryptedPublic() []byte { return append([]byte(nil), encryptedPublic...) }

// WriteEncrypted writes the fixture's secret key file to path, readable by
// its owner only (as keygen writes one, and signing.LoadSecretKey demands),
// and returns the text of the public key file.
func WriteEncrypted(t testing.TB, path string) (public []byte) {
	t.Helper()
	if err := os.WriteFile(path, encryptedSecret, 0o600); err != nil {
		t.Fatal(err)
	}
	return EncryptedPublic()
}
