package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/internal/wsfs"
	"github.com/atlas-release/atlas-release/signing"
)

// A public key given as a file is read only from a small regular file; key
// text, and a path that does not exist, are read as key text.
func TestPublicKeyFromAFile(t *testing.T) {
	dir := t.TempDir()
	_, public, err := signing.GenerateKey("")
	if err != nil {
		t.Fatal(err)
	}
	want, err := signing.ParsePublicKey(string(public))
	if err != nil {
		t.Fatal(err)
	}
	pubFile := filepath.Join(dir, signing.PublicKeyFile)
	big := filepath.Join(dir, "big.pub")
	for name, data := range map[string][]byte{pubFile: public, big: []byte(strings.Repeat("x", signing.MaxKeyFileSize+1))} {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ios, _, _, _ := TestIO()
	f := &Factory{IO: ios, Getenv: func(string) string { return "" }, Dir: t.TempDir()}
	for _, tc := range []struct {
		value, want string
		refused     bool
	}{
		{pubFile, "", false},
		{want.String(), "", false},
		{big, "larger than 65536 bytes", true},
		{dir, "a directory, not a regular file", true},
		{filepath.Join(dir, "none.pub"), "not a minisign public key", false},
	} {
		pub, ok, err := f.PublicKey("--key", tc.value)
		if tc.want == "" {
			if err != nil || !ok || !pub.Equal(want) {
				t.Errorf("PublicKey(%s) = %v, %v, %v", tc.value, pub, ok, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "--key: ") {
			t.Errorf("PublicKey(%s) error %v; want %q", tc.value, err, tc.want)
		}
		if got := errors.Is(err, wsfs.ErrRefused); got != tc.refused {
			t.Errorf("PublicKey(%s): refused %v, want %v", tc.value, got, tc.refused)
		} else if got && exitCode(err) != ExitValidation {
			t.Errorf("PublicKey(%s): exit code %d, want %d", tc.value, exitCode(err), ExitValidation)
		}
	}
}
