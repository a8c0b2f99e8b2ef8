package bundle_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/bundle"
	"github.com/atlas-release/atlas-release/internal/tamper"
	"github.com/atlas-release/atlas-release/signing"
)

// otherBundle is a well-formed bundle for the same upgrade as the genuine one,
// with another runbook: what an attacker who can write the file swaps in once
// the signature has been checked.
func otherBundle(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	_, err := bundle.Write(context.Background(), &b, bundle.Spec{Product: tamper.Product, From: tamper.From, To: tamper.To,
		Generator: "attacker", ModTime: time.Date(2023, 5, 15, 0, 0, 0, 0, time.UTC),
		Files: []bundle.File{{Path: "runbook.md", Data: []byte("# Run scripts/evil.ps1 first\n")}, {Path: "scripts/evil.ps1", Executable: true, Data: []byte("Remove-Item -Recurse C:\\\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestVerifyUsesWhatWasVerified rewrites the bundle where verify used to read
// it again (after the signature check, after extraction): what is checked and
// extracted is always what was verified, and a file that changed fails with
// nothing extracted, even when the change keeps its size and time.
func TestVerifyUsesWhatWasVerified(t *testing.T) {
	key, _ := keys(t)
	pub := signing.PublicKeyOf(key)
	swap := func(t *testing.T, file string, _ *os.File) {
		if err := os.WriteFile(file, otherBundle(t), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, stage string
		rewrite     func(t *testing.T, file string, private *os.File)
		// want is the error; empty when the change cannot be seen, and the
		// verified bytes must be what was checked and extracted.
		want string
	}{
		{name: "another bundle written over it after the signature", stage: bundle.HookSigned, rewrite: swap, want: "changed while it was being verified"},
		{name: "another bundle written over it after extraction", stage: bundle.HookExtracted, rewrite: swap, want: "changed while it was being verified"},
		{name: "another bundle renamed over it", stage: bundle.HookSigned, want: "changed while it was being verified", rewrite: func(t *testing.T, file string, _ *os.File) {
			if err := os.WriteFile(file+".new", otherBundle(t), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(file+".new", file); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "bytes appended", stage: bundle.HookSigned, want: "changed while it was being verified", rewrite: func(t *testing.T, file string, _ *os.File) {
			f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.Write(otherBundle(t)); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "a byte changed in place, size and time restored", stage: bundle.HookSigned, rewrite: func(t *testing.T, file string, _ *os.File) {
			st, err := os.Stat(file)
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(file, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			b := make([]byte, 1)
			if _, err := f.ReadAt(b, st.Size()/2); err != nil {
				t.Fatal(err)
			}
			b[0] ^= 0x55
			if _, err := f.WriteAt(b, st.Size()/2); err != nil {
				t.Fatal(err)
			}
			f.Close()
			if err := os.Chtimes(file, st.ModTime(), st.ModTime()); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "the private copy changed, through /proc or a share", stage: bundle.HookSigned, want: "the private copy of the file changed while it was checked",
			rewrite: func(t *testing.T, _ string, private *os.File) {
				other := otherBundle(t)
				if err := private.Truncate(int64(len(other))); err != nil {
					t.Fatal(err)
				}
				if _, err := private.WriteAt(other, 0); err != nil {
					t.Fatal(err)
				}
			}},
	}
	for _, tc := range tests {
		for _, extract := range []bool{true, false} {
			if tc.stage == bundle.HookExtracted && !extract {
				continue
			}
			t.Run(tc.name+map[bool]string{true: ", extracting", false: ""}[extract], func(t *testing.T) {
				dir := t.TempDir()
				file, err := tamper.Genuine(dir, key)
				if err != nil {
					t.Fatal(err)
				}
				genuine, _ := os.ReadFile(file)
				sig, _ := os.ReadFile(file + ".minisig")
				bundle.SetVerifyHook(t, func(stage, f string, private *os.File) {
					if stage == tc.stage {
						tc.rewrite(t, f, private)
					}
				})
				out := ""
				if extract {
					out = filepath.Join(t.TempDir(), "out")
				}
				rep, err := bundle.Verify(file, sig, pub, bundle.Expect{}, out, bundle.DefaultLimits)
				if leftovers(t, dir) != "" {
					t.Errorf("verify left %s behind", leftovers(t, dir))
				}
				if tc.want != "" {
					if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, signing.ErrVerification) {
						t.Fatalf("error %v, want a verification failure saying %q", err, tc.want)
					}
					if entries, _ := os.ReadDir(out); out != "" && len(entries) > 0 {
						t.Fatalf("a file that changed left %d files extracted", len(entries))
					}
					if out != "" && leftovers(t, filepath.Dir(out)) != "" {
						t.Fatalf("extraction left %s behind", leftovers(t, filepath.Dir(out)))
					}
					return
				}
				if err != nil {
					t.Fatalf("the verified bytes were not what was checked: %v", err)
				}
				if sum := sha256.Sum256(genuine); rep.SHA256 != hex.EncodeToString(sum[:]) {
					t.Fatalf("verified %s, not the genuine bundle", rep.SHA256)
				}
				if !extract {
					return
				}
				for _, f := range rep.Bundle.Files {
					data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(f.Path)))
					if sum := sha256.Sum256(data); err != nil || hex.EncodeToString(sum[:]) != f.SHA256 {
						t.Fatalf("%s extracted is not the signed file (%v)", f.Path, err)
					}
				}
			})
		}
	}
}

// leftovers names the files verify's private copy could have left next to a
// bundle.
func leftovers(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	return strings.Join(names, ", ")
}

// TestMetadataBomb: tar headers count against the decompression limits like
// file contents, so a chain of PAX headers cannot expand without bound.
func TestMetadataBomb(t *testing.T) {
	key, _ := keys(t)
	file, err := tamper.MetadataBomb(t.TempDir(), key, 12)
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := os.ReadFile(file + ".minisig")
	lim := bundle.DefaultLimits
	lim.MaxRatio, lim.MinRatioAllowance = 10, 8<<20
	_, err = bundle.Verify(file, sig, signing.PublicKeyOf(key), bundle.Expect{}, "", lim)
	if !errors.Is(err, bundle.ErrInvalid) || !strings.Contains(err.Error(), "decompression bomb") {
		t.Fatalf("error %v, want a decompression bomb", err)
	}
}

// TestVerifyRefusesSpecialFiles: a named pipe given as the bundle is refused at
// once, not waited on.
func TestVerifyRefusesSpecialFiles(t *testing.T) {
	key, _ := keys(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, tamper.BundleName)
	if err := mkfifo(fifo); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := bundle.Verify(fifo, nil, signing.PublicKeyOf(key), bundle.Expect{}, "", bundle.DefaultLimits)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "named pipe") {
			t.Fatalf("error %v, want a refused named pipe", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("verify blocked on a named pipe")
	}
}

// TestExtractionAppearsAllAtOnce: while a bundle is being extracted, the target
// folder holds nothing — so an extraction cut short (Ctrl-C, a kill, a full
// disk) never leaves a runbook with a truncated script that looks complete —
// and when it is done, the folder holds every file and nothing is left beside it.
func TestExtractionAppearsAllAtOnce(t *testing.T) {
	key, _ := keys(t)
	file, err := tamper.Genuine(t.TempDir(), key)
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := os.ReadFile(file + ".minisig")
	for _, existing := range []bool{false, true} {
		parent := t.TempDir()
		out := filepath.Join(parent, "runbook")
		if existing {
			if err := os.Mkdir(out, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		seen := 0
		bundle.SetExtractHook(t, func(staging, name string) {
			seen++
			if entries, _ := os.ReadDir(out); len(entries) > 0 {
				t.Errorf("after %s, the target folder already holds %d entries", name, len(entries))
			}
			if filepath.Dir(staging) != parent {
				t.Errorf("staged in %s, not beside the target (a rename across file systems would copy)", staging)
			}
		})
		rep, err := bundle.Verify(file, sig, signing.PublicKeyOf(key), bundle.Expect{}, out, bundle.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		if seen < len(rep.Bundle.Files) {
			t.Errorf("the hook saw %d files of %d", seen, len(rep.Bundle.Files))
		}
		for _, f := range rep.Bundle.Files {
			if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(f.Path))); err != nil {
				t.Error(err)
			}
		}
		if l := leftovers(t, parent); l != "" {
			t.Errorf("left %s beside the target", l)
		}
	}
}
