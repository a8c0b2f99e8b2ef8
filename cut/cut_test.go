package cut_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"aead.dev/minisign"

	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/internal/example"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// copyExample copies the example workspace into dir, every file with the
// modification time mtime: the bundles' bytes must not depend on it.
func copyExample(t *testing.T, dir string, mtime time.Time) {
	t.Helper()
	if err := example.CopyTo(dir); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Chtimes(p, mtime, mtime)
	})
	if err != nil {
		t.Fatal(err)
	}
}

var testKey = sync.OnceValue(func() minisign.PrivateKey {
	_, priv, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return priv
})

func options(t *testing.T, workspace, dist string) cut.Options {
	t.Helper()
	ws, err := releases.Load(os.DirFS(workspace))
	if err != nil {
		t.Fatal(err)
	}
	set, err := templates.Load(ws.FS)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := releases.ParseVersion("4.3.0")
	key := testKey()
	return cut.Options{Workspace: ws, Templates: set, Version: v, Dist: dist, Key: &key, Generator: "atlas-release test"}
}

// readTree returns every file under dir with its bytes.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReproducible cuts the same workspace twice, from copies at different paths
// with different file times, and expects byte-identical output.
func TestReproducible(t *testing.T) {
	a, b := t.TempDir(), filepath.Join(t.TempDir(), "elsewhere", "workspace")
	copyExample(t, a, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))
	copyExample(t, b, time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC))
	_, dirA, err := cut.Run(t.Context(), options(t, a, filepath.Join(a, "dist")))
	if err != nil {
		t.Fatal(err)
	}
	_, dirB, err := cut.Run(t.Context(), options(t, b, filepath.Join(b, "dist")))
	if err != nil {
		t.Fatal(err)
	}
	ta, tb := readTree(t, dirA), readTree(t, dirB)
	if len(ta) != 19 {
		t.Fatalf("%d files in the cut, want 19", len(ta))
	}
	// The install bundle and its signature are in the cut like the upgrade
	// bundles, and SHA256SUMS vouches for them.
	for _, name := range []string{"atlas-4.3.0-install.tar.gz", "atlas-4.3.0-install.tar.gz.minisig"} {
		if len(ta[name]) == 0 || !bytes.Contains(ta[cut.ChecksumsFile], []byte("  "+name+"\n")) {
			t.Errorf("%s is missing from the cut or from SHA256SUMS", name)
		}
	}
	// The German notes and guide are in the cut, flat (GitHub asset names
	// have no folders), and SHA256SUMS vouches for them.
	for _, name := range []string{"release-notes.de.md", "release-notes.de.html", "upgrade-guide.de.md", "upgrade-guide.de.html"} {
		if len(ta[name]) == 0 || !bytes.Contains(ta[cut.ChecksumsFile], []byte("  "+name+"\n")) {
			t.Errorf("%s is missing from the cut or from SHA256SUMS", name)
		}
	}
	for name, data := range ta {
		if !bytes.Equal(data, tb[name]) {
			t.Errorf("%s differs between the two cuts", name)
		}
	}
	if len(ta) != len(tb) {
		t.Errorf("the cuts hold %d and %d files", len(ta), len(tb))
	}
}

func TestExistingOutputNeedsClean(t *testing.T) {
	ws := t.TempDir()
	copyExample(t, ws, time.Now())
	dist := filepath.Join(ws, "dist")
	opts := options(t, ws, dist)
	if _, _, err := cut.Run(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, filepath.Join(dist, "4.3.0"))
	if _, _, err := cut.Run(t.Context(), opts); err == nil || !strings.Contains(err.Error(), "pass --clean") {
		t.Fatalf("second cut: %v", err)
	}
	opts.Clean = true
	if _, _, err := cut.Run(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	after := readTree(t, filepath.Join(dist, "4.3.0"))
	if len(after) != len(before) {
		t.Fatal("--clean changed the set of files")
	}
	leftovers, _ := filepath.Glob(filepath.Join(dist, ".4.3.0.tmp-*"))
	if len(leftovers) > 0 {
		t.Fatalf("temporary folders left behind: %v", leftovers)
	}
}

func TestFailureLeavesNothing(t *testing.T) {
	ws := t.TempDir()
	copyExample(t, ws, time.Now())
	dist := filepath.Join(ws, "dist")
	// A script the runbook needs disappears after validation: the bundle step fails.
	opts := options(t, ws, dist)
	if err := os.Remove(filepath.Join(ws, "scripts", "Deploy-AtlasBackend.ps1")); err != nil {
		t.Fatal(err)
	}
	_, _, err := cut.Run(t.Context(), opts)
	if err == nil || !strings.Contains(err.Error(), "Deploy-AtlasBackend.ps1") {
		t.Fatalf("error %v", err)
	}
	entries, _ := os.ReadDir(dist)
	for _, e := range entries {
		if e.IsDir() {
			t.Fatalf("a failed cut left %s", e.Name())
		}
	}
}

func TestCancelledCutLeavesNothing(t *testing.T) {
	ws := t.TempDir()
	copyExample(t, ws, time.Now())
	dist := filepath.Join(ws, "dist")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := cut.Run(ctx, options(t, ws, dist)); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
	entries, _ := os.ReadDir(dist)
	for _, e := range entries {
		if e.IsDir() {
			t.Fatalf("a cancelled cut left %s", e.Name())
		}
	}
}

// TestConcurrentCuts runs cuts of one version at once: one wins, the others are
// refused, and the output is complete.
func TestConcurrentCuts(t *testing.T) {
	ws := t.TempDir()
	copyExample(t, ws, time.Now())
	dist := filepath.Join(ws, "dist")
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = cut.Run(t.Context(), options(t, ws, dist))
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !strings.Contains(err.Error(), "another cut") && !strings.Contains(err.Error(), "already exists") {
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d cuts succeeded, want 1", ok)
	}
	if n := len(readTree(t, filepath.Join(dist, "4.3.0"))); n != 19 {
		t.Fatalf("%d files, want 19", n)
	}
}

func TestSnapshot(t *testing.T) {
	ws := t.TempDir()
	copyExample(t, ws, time.Now())
	opts := options(t, ws, filepath.Join(ws, "dist"))
	opts.Key, opts.Snapshot = nil, true
	meta, dir, err := cut.Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(dir) != "4.3.0-snapshot" || !meta.Snapshot {
		t.Fatalf("snapshot in %s, metadata %+v", dir, meta)
	}
	for name := range readTree(t, dir) {
		if strings.HasSuffix(name, ".minisig") {
			t.Fatalf("a snapshot holds the signature %s", name)
		}
	}
	opts.Snapshot = false
	if _, _, err := cut.Run(t.Context(), opts); err == nil {
		t.Fatal("an unsigned release was cut")
	}
}

func TestSkip(t *testing.T) {
	ws := t.TempDir()
	copyExample(t, ws, time.Now())
	opts := options(t, ws, filepath.Join(ws, "dist"))
	opts.Skip = []string{cut.StepBundle}
	meta, dir, err := cut.Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for name := range readTree(t, dir) {
		if strings.Contains(name, ".tar.gz") {
			t.Fatalf("bundle %s written although skipped", name)
		}
	}
	if strings.Join(meta.Skipped, ",") != "bundle" || meta.Install != "" {
		t.Fatalf("skipped %v, install bundle %q", meta.Skipped, meta.Install)
	}
	opts.Skip = []string{cut.StepSign}
	opts.Clean = true
	if _, _, err := cut.Run(t.Context(), opts); err == nil || !strings.Contains(err.Error(), "cannot be skipped") {
		t.Fatalf("skipping sign: %v", err)
	}
}

func TestWrongKeyRefused(t *testing.T) {
	ws := t.TempDir()
	copyExample(t, ws, time.Now())
	other, _, _ := minisign.GenerateKey(rand.Reader)
	cfg := filepath.Join(ws, releases.ConfigFile)
	b, _ := os.ReadFile(cfg)
	b = append(b, []byte("\nsigning:\n  publicKey: "+other.String()+"\n")...)
	if err := os.WriteFile(cfg, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := cut.Run(t.Context(), options(t, ws, filepath.Join(ws, "dist")))
	if err == nil || !strings.Contains(err.Error(), "is not the one whose public key is signing.publicKey") {
		t.Fatalf("error %v", err)
	}
}

// TestCheckSkip: only the skippable steps may be skipped; every other value,
// a real step or not, is refused with what can be skipped.
func TestCheckSkip(t *testing.T) {
	tests := []struct {
		skip []string
		want string
	}{
		{nil, ""},
		{[]string{cut.StepRender}, ""},
		{[]string{cut.StepRender, cut.StepBundle, cut.StepRender}, ""},
		{[]string{cut.StepSign}, `step "sign" cannot be skipped (skippable: render, bundle;`},
		{[]string{cut.StepRender, cut.StepValidate}, `step "validate" cannot be skipped`},
		{[]string{cut.StepChecksum}, `step "checksum" cannot be skipped`},
		{[]string{cut.StepMetadata}, `step "metadata" cannot be skipped`},
		{[]string{"Render"}, `there is no step "Render" (skippable: render, bundle)`},
		{[]string{""}, `there is no step ""`},
		{[]string{"render "}, `there is no step "render "`},
	}
	for _, tc := range tests {
		err := cut.CheckSkip(tc.skip)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("CheckSkip(%q) = %v, want %q", tc.skip, err, tc.want)
		}
	}
}
