package testkeys

import (
	"path/filepath"
	"testing"

	"aead.dev/minisign"
)

// The fixture is an encrypted key that Passphrase opens, whose public half is
// the one given.
func TestFixture(t *testing.T) {
	secret := EncryptedSecret()
	if !minisign.IsEncrypted(secret) {
		t.Fatal("the fixture is not encrypted")
	}
	key, err := minisign.DecryptKey(Passphrase, secret)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := minisign.DecryptKey("wrong", secret); err == nil {
		t.Fatal("a wrong passphrase opened the fixture")
	}
	var pub minisign.PublicKey
	if err := pub.UnmarshalText(EncryptedPublic()); err != nil {
		t.Fatal(err)
	}
	if !key.Public().(minisign.PublicKey).Equal(pub) {
		t.Fatal("the public key is not the secret key's")
	}
	path := filepath.Join(t.TempDir(), "k.key")
	if p := WriteEncrypted(t, path); string(p) != string(EncryptedPublic()) {
		t.Fatal("WriteEncrypted returned another public key")
	}
}
