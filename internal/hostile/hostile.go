// Package hostile builds manifests designed to hurt a YAML loader: empty and binary
// files, alias bombs, deep and wide nesting up to the size limit, control
// characters written as escapes, out-of-range numbers, a 10 MB file. The loader's tests use them, and
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
	// The nesting and node bombs fill the 1 MiB a file may have.
	const limit = 1<<20 - 64
	var block strings.Builder
	block.WriteString("schemaVersion: 1\n")
	for i := 0; block.Len()+i+3 < limit; i++ {
		block.WriteString(strings.Repeat(" ", i) + "a:\n")
	}
	return []Input{
		{"empty", nil, "AR0101"},
		{"only-comments", []byte("# nothing here\n"), "AR0101"},
		{"binary-garbage", garbage, "AR0101"},
		{"non-utf8", []byte("schemaVersion: 1\nsummary: caf\xe9\n"), "AR0101"},
		{"tabs", []byte("schemaVersion: 1\nfeatures:\n\t- id: x\n"), "AR0102"},
		{"duplicate-keys", []byte("schemaVersion: 1\nversion: 4.4.0\nversion: 4.4.0\n"), "AR0104"},
		{"billion-laughs", []byte(laughs.String()), "AR0109"},
		{"nested-100", []byte(nested.String()), "AR0111"},
		{"flow-nested-100", []byte("summary: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n"), "AR0111"},
		{"flow-lists-1mib", []byte("summary: " + strings.Repeat("[", limit-10)), "AR0111"},
		{"flow-mappings-1mib", []byte("summary: " + strings.Repeat("{a: ", limit/4-3)), "AR0111"},
		{"flow-mixed-1mib", []byte("summary: " + strings.Repeat("[{a: ", limit/5-2) + "\n\tbroken"), "AR0111"},
		// In a flow list, "a: " and "? " open a one-pair mapping each: 127
		// levels where the brackets show 63.
		{"flow-pairs-63", []byte("schemaVersion: 1\nsteps: " + strings.Repeat("[a: ", 63) + "x" + strings.Repeat("]", 63) + "\n"), "AR0111"},
		{"flow-explicit-pairs-63", []byte("schemaVersion: 1\nsteps: " + strings.Repeat("[? ", 63) + "x" + strings.Repeat("]", 63) + "\n"), "AR0111"},
		{"flow-pairs-1mib", []byte("summary: " + strings.Repeat("[a: ", limit/4-3)), "AR0111"},
		{"wide-explicit-pairs-1mib", []byte("summary: [" + strings.Repeat("?,", limit/2-10) + "]\n\tbroken"), "AR0111"},
		{"block-nested-1mib", []byte(block.String()), "AR0111"},
		{"compact-lists-1mib", []byte("summary:\n  " + strings.Repeat("- ", limit/2-10) + "x\n"), "AR0111"},
		{"wide-flow-1mib", []byte("summary: [" + strings.Repeat("a,", limit/2-10) + "]\n\tbroken"), "AR0111"},
		{"wide-block-1mib", []byte("summary:\n" + strings.Repeat("-\n", limit/2-10)), "AR0111"},
		{"alias-chain-1mib", []byte("summary: &a x\nsteps: [" + strings.Repeat("*a,", limit/3-10) + "]"), "AR0111"},
		{"escaped-escape", []byte("schemaVersion: 1\nsummary: \"\\e]8;;https://evil.example\\a\\e[2J\"\n"), "AR0112"},
		{"escaped-bidi-override", []byte("schemaVersion: 1\nsummary: \"invoice\\u202Efdp.exe\"\n"), "AR0112"},
		{"raw-bidi-isolate", []byte("schemaVersion: 1\nsummary: \"a \u2067b\u2069\"\n"), "AR0112"},
		{"minutes-near-2-31", []byte("schemaVersion: 1\nleadTimeDays: 2147483647\n"), "AR0107"},
		{"ten-megabytes", append([]byte("schemaVersion: 1\nsummary: |\n"), big...), "AR0101"},
		{"list-not-mapping", []byte("- schemaVersion: 1\n- version: 4.4.0\n"), "AR0105"},
		{"scalar-document", []byte("just text\n"), "AR0105"},
	}
}
