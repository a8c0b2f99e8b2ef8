// Package schemas holds the JSON Schemas of the files atlas-release reads and
// writes. They are generated from the Go types of package releases (`make
// generate`), checked in, embedded here, and printed by `atlas-release schema`.
// Editors use them for completion and checking through a
// "# yaml-language-server: $schema=…" comment.
package schemas

import (
	"embed"
	"io/fs"
	"slices"
	"strings"
)

//go:generate go run ./internal/gen

//go:embed *.schema.json
var files embed.FS

// Suffix ends every schema's file name.
const Suffix = ".schema.json"

// Names lists the schemas by name ("manifest", "workspace", …), sorted.
func Names() []string {
	entries, _ := fs.ReadDir(files, ".")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), Suffix))
	}
	slices.Sort(names)
	return names
}

// Get returns the schema with the given name.
func Get(name string) ([]byte, bool) {
	b, err := files.ReadFile(name + Suffix)
	return b, err == nil
}
