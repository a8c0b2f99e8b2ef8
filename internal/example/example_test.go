package example

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCopy: each copy is a fresh folder with the example's files, and a change
// to one reaches neither the example nor another copy.
func TestCopy(t *testing.T) {
	a, b := Copy(t), Copy(t)
	if a == b || filepath.Base(a) != "atlas" {
		t.Fatalf("copies %s and %s", a, b)
	}
	want, err := os.ReadFile(filepath.Join(Dir(t), "atlas-release.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(a, "atlas-release.yaml"))
	if err != nil || string(got) != string(want) {
		t.Fatalf("the copy's atlas-release.yaml: %v", err)
	}
	if err := os.WriteFile(filepath.Join(a, "atlas-release.yaml"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{Dir(t), b} {
		if got, _ := os.ReadFile(filepath.Join(dir, "atlas-release.yaml")); string(got) != string(want) {
			t.Errorf("a change to one copy reached %s", dir)
		}
	}
	if len(FS(t)) == 0 || FS(t)["atlas-release.yaml"] == nil {
		t.Error("FS has no atlas-release.yaml")
	}
}

// TestCopyLeavesOutDist: a cut left in the workspace is not copied; a nested
// folder of that name is.
func TestCopyLeavesOutDist(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "copy")
	for _, f := range []string{"atlas-release.yaml", "dist/4.3.0/SHA256SUMS", "scripts/dist/keep.ps1"} {
		if err := os.MkdirAll(filepath.Join(src, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, f), []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := copyTree(src, dst); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]bool{"atlas-release.yaml": true, "dist": false, "scripts/dist/keep.ps1": true} {
		if _, err := os.Stat(filepath.Join(dst, f)); (err == nil) != want {
			t.Errorf("%s copied: %v, want %v", f, err == nil, want)
		}
	}
}
