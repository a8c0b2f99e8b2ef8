// Command gen writes the JSON Schemas of package schemas. It runs from the schemas
// folder through `go generate` (or `make generate`).
package main

import (
	"fmt"
	"os"

	"github.com/atlas-release/atlas-release/schemas"
	"github.com/atlas-release/atlas-release/schemas/internal/generate"
)

func main() {
	all, err := generate.All("github.com/atlas-release/atlas-release/schemas", "../releases", "../templates")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	for _, t := range generate.Targets {
		if err := os.WriteFile(t.Name+schemas.Suffix, all[t.Name], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}
