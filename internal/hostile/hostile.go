// Package hostile builds manifests designed to hurt a YAML loader: empty and binary
// files, alias bombs, deep nesting, a 10 MB file. The loader's tests use them, and
// `make bench` measures them through the real binary.
package hostile

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Input is one hostile manifest and the rule it must trip.
type Input struct {
	Name string
	Data []byte
	// Code is the diagnostic code the loader must report, with a position.
	Code string
}

// Inputs returns every hostile manifest, in a fixed order.
func Inputs() []Input {
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
	return []Input{
		{"empty", nil, "AR0101"},
		{"only-comments", []byte("# nothing here\n"), "AR0101"},
		{"binary-garbage", garbage, "AR0101"},
		{"non-utf8", []byte("schemaVersion: 1\nsummary: caf\xe9\n"), "AR0101"},
		{"tabs", []byte("schemaVersion: 1\nfeatures:\n\t- id: x\n"), "AR0102"},
		{"duplicate-keys", []byte("schemaVersion: 1\nversion: 4.4.0\nversion: 4.4.0\n"), "AR0104"},
		{"billion-laughs", []byte(laughs.String()), "AR0109"},
		{"nested-100", []byte(nested.String()), "AR0105"},
		{"flow-nested-100", []byte("summary: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n"), "AR0105"},
		{"ten-megabytes", append([]byte("schemaVersion: 1\nsummary: |\n"), big...), "AR0101"},
		{"list-not-mapping", []byte("- schemaVersion: 1\n- version: 4.4.0\n"), "AR0105"},
		{"scalar-document", []byte("just text\n"), "AR0105"},
	}
}
