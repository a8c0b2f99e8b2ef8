package bundle

import (
	"errors"
	"strings"
	"testing"
)

// TestManifestKind: manifest.json says what a bundle is, an upgrade from a
// version or an install with none, and one that says both or neither is not
// read.
func TestManifestKind(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		{"upgrade", `{"schemaVersion":1,"product":"atlas","from":"4.2.0","to":"4.3.0","generator":"g","snapshot":false,"files":[]}`, ""},
		{"install", `{"schemaVersion":1,"product":"atlas","to":"4.3.0","install":true,"generator":"g","snapshot":false,"files":[]}`, ""},
		{"install from a version", `{"schemaVersion":1,"product":"atlas","from":"4.2.0","to":"4.3.0","install":true,"generator":"g","snapshot":false,"files":[]}`,
			"says it installs 4.3.0 on a new tenant, yet upgrades from 4.2.0"},
		{"neither", `{"schemaVersion":1,"product":"atlas","to":"4.3.0","generator":"g","snapshot":false,"files":[]}`,
			"names no version to upgrade from, and is not an install bundle"},
		{"install false, no from", `{"schemaVersion":1,"product":"atlas","from":"","to":"4.3.0","install":false,"generator":"g","snapshot":false,"files":[]}`,
			"names no version to upgrade from"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &Content{Files: map[string]FileEntry{}}
			err := c.checkManifest([]byte(tc.json))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}
