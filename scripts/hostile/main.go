// Command hostile writes the hostile manifests of package hostile into a folder,
// one file per input, for `make bench` to run the real binary on.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/atlas-release/atlas-release/internal/hostile"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: hostile <dir>")
		os.Exit(2)
	}
	for _, in := range hostile.Inputs() {
		if err := os.WriteFile(filepath.Join(os.Args[1], in.Name+".yaml"), in.Data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(in.Name, in.Code)
	}
}
