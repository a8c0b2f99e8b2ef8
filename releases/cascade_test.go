package releases

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"testing"
	"testing/fstest"
)

// TestBrokenManifestDoesNotCascade writes each manifest's version as a YAML
// number (version: 4.3), which no longer loads: validation must report that
// file's one error, with the full version to quote, and nothing in the files
// that refer to the version (customers.yaml, history, translations, the other
// manifests' minSource, cadence and paths).
func TestBrokenManifestDoesNotCascade(t *testing.T) {
	base := exampleFS(t)
	for _, file := range mustLoad(t, base).ManifestFiles {
		version := strings.TrimSuffix(path.Base(file), ".yaml")
		number := strings.TrimSuffix(version, ".0")
		t.Run(version, func(t *testing.T) {
			src := base[file].Data
			line := bytes.Count(src[:bytes.Index(src, []byte("\nversion: "))+1], []byte("\n")) + 1
			fsys := fstest.MapFS{}
			for name, f := range base {
				fsys[name] = f
			}
			fsys[file] = &fstest.MapFile{Data: bytes.Replace(src, []byte("\nversion: "+version+"\n"), []byte("\nversion: "+number+"\n"), 1), Mode: 0o644}
			want := fmt.Sprintf("  %s:%d:10: error AR0105: version must be text, not the number %s; quote it: \"%s\"\n", file, line, number, version)
			if got := diagLines(mustLoad(t, fsys).Validate()); got != want {
				t.Errorf("got:\n%swant:\n%s", got, want)
			}
		})
	}
}

// TestVersionHint: a version written as a number is suggested in full,
// the one the file is named after when they agree.
func TestVersionHint(t *testing.T) {
	tests := []struct{ file, path, value, want string }{
		{"releases/4.3.0.yaml", "version", "4.3", "4.3.0"},
		{"releases/4.3.2.yaml", "version", "4.3", "4.3.2"},
		{"releases/4.3.0.yaml", "version", "4.4", "4.4.0"},
		{"history/4.3.0.yaml", "version", "4", "4.0.0"},
		{"customers.yaml", "customers[2].version", "4.10", "4.10.0"},
		{"releases/4.3.0.yaml", "codename", "4.3", "4.3"},
		{"releases/4.3.0.yaml", "version", "0x1F", "0x1F"},
	}
	for _, tt := range tests {
		d := &decoder{r: reporter{file: tt.file}}
		if got := d.quotable(tt.path, tt.value); got != tt.want {
			t.Errorf("%s %s: %s: got %q, want %q", tt.file, tt.path, tt.value, got, tt.want)
		}
	}
}
