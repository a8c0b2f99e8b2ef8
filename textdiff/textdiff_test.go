package textdiff

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnified(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"change in the middle", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			"--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"},
		{"insert at start", "b\n", "a\nb\n", "--- a\n+++ b\n@@ -1 +1,2 @@\n+a\n b\n"},
		{"delete everything", "a\n", "", "--- a\n+++ b\n@@ -1 +0,0 @@\n-a\n"},
		{"no newline at end", "a\nb", "a\nc", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Unified("a", "b", tc.a, tc.b); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestPatchApplies checks random edits against the patch tool: applying the diff
// of a and b to a must give b.
func TestPatchApplies(t *testing.T) {
	if _, err := exec.LookPath("patch"); err != nil {
		t.Skip("patch is not installed")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 50 {
		var a []string
		for j := range 5 + rng.IntN(60) {
			a = append(a, fmt.Sprintf("line %d", j))
		}
		b := append([]string(nil), a...)
		for range 1 + rng.IntN(6) {
			k := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b = append(b[:k], b[k+1:]...)
			case 1:
				b = append(b[:k], append([]string{fmt.Sprintf("new %d", rng.IntN(1000))}, b[k:]...)...)
			default:
				b[k] = "changed " + b[k]
			}
		}
		as, bs := strings.Join(a, "\n")+"\n", strings.Join(b, "\n")+"\n"
		dir := t.TempDir()
		file := filepath.Join(dir, "file")
		if err := os.WriteFile(file, []byte(as), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("patch", "-s", file)
		cmd.Stdin = strings.NewReader(Unified("file", "file", as, bs))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("case %d: patch: %v: %s", i, err, out)
		}
		got, _ := os.ReadFile(file)
		if string(got) != bs {
			t.Fatalf("case %d: patched text differs", i)
		}
	}
}
