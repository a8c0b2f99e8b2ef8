// Command atlas-release turns release manifests into validated upgrade runbooks,
// signed bundles and published release notes. See `atlas-release --help`.
package main

import (
	"os"
	"runtime/debug"
	_ "time/tzdata" // customers' windows name IANA time zones: carry the database for machines without one

	"github.com/atlas-release/atlas-release/cmd/cli"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise the
// module version recorded by the Go toolchain is used.
var version = ""

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.BuildInfo{Version: buildVersion()}))
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}
