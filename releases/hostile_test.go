package releases

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"
)

// hostileInputs are manifests built to hurt a parser. Each must give an error with
// a position, never a panic; `make bench` measures their time and memory through
// the real binary.
func hostileInputs() map[string]struct {
	data []byte
	code string
} {
	rng := rand.New(rand.NewPCG(7, 7))
	garbage := make([]byte, 64<<10)
	for i := range garbage {
		garbage[i] = byte(rng.UintN(256))
	}
	var laughs strings.Builder
	laughs.WriteString("schemaVersion: 1\nsummary: &a lol\n")
	for i := range 9 {
		prev := "a"
		if i > 0 {
			prev = fmt.Sprintf("l%d", i-1)
		}
		fmt.Fprintf(&laughs, "codename%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ","))
	}
	var nested strings.Builder
	nested.WriteString("schemaVersion: 1\nsummary:\n")
	for i := range 100 {
		fmt.Fprintf(&nested, "%sk%d:\n", strings.Repeat("  ", i+1), i)
	}
	nested.WriteString(strings.Repeat("  ", 101) + "x\n")
	big := bytes.Repeat([]byte("  "+strings.Repeat("lorem ipsum ", 8)+"\n"), 10<<20/100)
	return map[string]struct {
		data []byte
		code string
	}{
		"empty":            {nil, "AR0101"},
		"only-comments":    {[]byte("# nothing here\n"), "AR0101"},
		"binary-garbage":   {garbage, "AR0101"},
		"non-utf8":         {[]byte("schemaVersion: 1\nsummary: caf\xe9\n"), "AR0101"},
		"tabs":             {[]byte("schemaVersion: 1\nfeatures:\n\t- id: x\n"), "AR0102"},
		"duplicate-keys":   {[]byte("schemaVersion: 1\nversion: 4.4.0\nversion: 4.4.0\n"), "AR0104"},
		"billion-laughs":   {[]byte(laughs.String()), "AR0109"},
		"nested-100":       {[]byte(nested.String()), "AR0105"},
		"flow-nested-100":  {[]byte("summary: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n"), "AR0105"},
		"ten-megabytes":    {append([]byte("schemaVersion: 1\nsummary: |\n"), big...), "AR0101"},
		"list-not-mapping": {[]byte("- schemaVersion: 1\n- version: 4.4.0\n"), "AR0105"},
		"scalar-document":  {[]byte("just text\n"), "AR0105"},
	}
}

func TestHostileInputs(t *testing.T) {
	for name, in := range hostileInputs() {
		t.Run(name, func(t *testing.T) {
			fsys := exampleFS(t)
			fsys["releases/4.4.0.yaml"] = &fstest.MapFile{Data: in.data}
			diags := mustLoad(t, fsys).Validate()
			for _, d := range diags {
				if d.File == "releases/4.4.0.yaml" && d.Code == in.code && d.Line >= 1 && d.Col >= 1 {
					return
				}
			}
			t.Fatalf("want %s with a position in releases/4.4.0.yaml; got:\n%s", in.code, diagLines(diags))
		})
	}
}

// TestFuzzBaseIsValid keeps the fuzz targets' base workspace valid, so that their
// "a valid workspace composes" check is exercised.
func TestFuzzBaseIsValid(t *testing.T) {
	ws := mustLoad(t, fuzzBaseFS(t))
	if diags := ws.Validate(); len(diags) > 0 {
		t.Fatalf("fuzz base has diagnostics:\n%s", diagLines(diags))
	}
}
