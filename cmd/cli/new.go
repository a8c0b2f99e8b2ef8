package cli

import (
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/Masterminds/semver/v3"
	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/releases"
)

// NewOptions are the inputs of `new`.
type NewOptions struct {
	F       *Factory
	Version string
	Date    string
	Stdout  bool
}

// NewCmdNew builds `new`.
func NewCmdNew(f *Factory) *cobra.Command {
	opts := &NewOptions{F: f}
	cmd := &cobra.Command{
		Use:   "new [version]",
		Short: "Start the manifest of a new release",
		Long: `Write releases/<version>.yaml for a new release, with its kind taken from the
version (X.0.0 major, X.Y.0 minor, X.Y.Z patch) and a release date proposed from
the cadence: the policy's interval after the previous release.

Without a version, the next one is proposed: a major once the cadence's minors
since the last major are out, otherwise the next minor.

The manifest holds "FILL IN" placeholders where a person must write; validate
points at each one that is left.

When no earlier release declares how a new tenant is deployed (a workspace's
first release), the manifest also gets an install section: a prerequisite, a
step that runs scripts/Install-<Product>.ps1 and a check. That script is
written too, as a placeholder that fails until someone writes the deployment;
validate points at its FILL IN as well, and once the manifest's values are
replaced and the script written, the release validates and its cut holds the
install bundle <product>-<version>-install.tar.gz.

The release is proposed from the manifests there are: while one of them does
not load, new names it and its first errors and writes nothing (exit 3).`,
		Example: `  atlas-release new            # propose the next version
  atlas-release new 4.4 --date 2023-08-21
  atlas-release new 5.0 --stdout`,
		Args: rangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Version = args[0]
			}
			return newRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Date, "date", "", "release `DATE` (YYYY-MM-DD) instead of the proposed one")
	cmd.Flags().BoolVar(&opts.Stdout, "stdout", false, "print the manifest instead of writing it")
	return cmd
}

func newRun(opts *NewOptions) error {
	ws, err := opts.F.Workspace()
	if err != nil {
		return err
	}
	if ws.Config == nil {
		return &releases.ValidationError{Diagnostics: ws.Validate()}
	}
	var v *semver.Version
	if opts.Version != "" {
		if v, err = versionArg("", opts.Version); err != nil {
			return err
		}
	}
	p, err := ws.Propose(v, releases.DateOf(opts.F.Now()))
	if err != nil {
		return err
	}
	if opts.Date != "" {
		if p.ReleaseDate, err = dateArg("--date", opts.Date); err != nil {
			return err
		}
		p.Reason = "given with --date"
	}
	schemaRef := ""
	if releases.FileExists(ws.FS, "schemas/manifest.schema.json") {
		schemaRef = "../schemas/manifest.schema.json"
	}
	text := ws.NewManifestFile(p, schemaRef)
	ios := opts.F.IO
	if opts.Stdout {
		_, err := ios.Out.Write(text)
		return err
	}
	root, err := opts.F.WorkspaceRoot()
	if err != nil {
		return err
	}
	rel := path.Join(releases.ReleasesDir, p.Version.String()+".yaml")
	if err := os.MkdirAll(filepath.Join(root, releases.ReleasesDir), 0o755); err != nil {
		return err
	}
	if err := writeNewFile(filepath.Join(root, filepath.FromSlash(rel)), text, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(ios.Out, "Created %s: %s release, shipping %s (%s).\n", rel, p.Kind, p.ReleaseDate, p.Reason)
	// The scripts the manifest runs, so that it validates once written; a
	// script that exists is the workspace's, and is kept.
	wrote := ""
	for _, f := range ws.NewScripts(p) {
		file := filepath.Join(root, filepath.FromSlash(f.Path))
		if _, err := os.Stat(file); err == nil {
			fmt.Fprintf(ios.Out, "Kept %s, which the install procedure runs.\n", f.Path)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
		if err := writeNewFile(file, f.Data, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(ios.Out, "Created %s: the placeholder of the script that deploys %s on a new tenant (its install procedure).\n", f.Path, p.Version)
		wrote = " and write " + f.Path
	}
	fmt.Fprintf(ios.Out, "Replace its FILL IN values%s; `atlas-release validate %s` points at the ones left.\n", wrote, p.Version)
	return nil
}
