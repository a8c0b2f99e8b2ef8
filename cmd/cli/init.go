package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing/fstest"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/schemas"
)

// InitOptions are the inputs of `init`.
type InitOptions struct {
	F    *Factory
	Dir  string
	ID   string
	Name string
}

// NewCmdInit builds `init`.
func NewCmdInit(f *Factory) *cobra.Command {
	opts := &InitOptions{F: f}
	cmd := &cobra.Command{
		Use:   "init [dir]",
		Short: "Create a release workspace",
		Long: `Create a minimal, valid release workspace in dir (default: the current folder):
atlas-release.yaml with a release policy and a catalogue of Microsoft 365 roles,
and the folders releases/ (one manifest per version), scripts/ (the scripts the
runbooks run), templates/ (overrides of the built-in templates) and schemas/ (the
JSON Schemas, for editors, offering the workspace's roles; write them again
with ` + "`schema --workspace --out schemas`" + ` after changing the catalogue).

The product id defaults to the folder's name. An existing workspace is never
overwritten.`,
		Example: `  atlas-release init contoso-intranet --name "Contoso Intranet"
  cd contoso-intranet && atlas-release new 1.0.0`,
		Args: rangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "."
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			return initRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.ID, "id", "", "product `ID` used in file names and labels (default: from the folder name)")
	cmd.Flags().StringVar(&opts.Name, "name", "", "product display `NAME` (default: the folder name)")
	return cmd
}

func initRun(opts *InitOptions) error {
	start, err := opts.F.StartDir()
	if err != nil {
		return err
	}
	dir := opts.Dir
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(start, dir)
	}
	base := filepath.Base(dir)
	name := opts.Name
	if name == "" {
		name = base
	}
	id := opts.ID
	if id == "" {
		if id = releases.SuggestID(name); id == "" {
			return usageErrorf("cannot make a product id from %q; give one with --id", name)
		}
	} else if releases.SuggestID(id) != id {
		return usageErrorf("--id %q is not a valid id (lowercase letters, digits and single hyphens, starting with a letter)", id)
	}
	config := filepath.Join(dir, releases.ConfigFile)
	if _, err := os.Stat(config); err == nil {
		return fmt.Errorf("%s already exists; this folder is already a workspace", config)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for _, sub := range []string{releases.ReleasesDir, releases.ScriptsDir, "templates"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	configFile := releases.NewConfigFile(id, name, "schemas/workspace.schema.json")
	// The schemas offer the new workspace's roles from the start; the
	// workspace file is not written yet, so they come from its text.
	newWS, err := releases.Load(fstest.MapFS{releases.ConfigFile: {Data: configFile}})
	if err != nil {
		return err
	}
	if err := writeWorkspaceSchemas(filepath.Join(dir, "schemas"), schemas.WorkspaceIDs(newWS)); err != nil {
		return err
	}
	gitignore := filepath.Join(dir, ".gitignore")
	if _, err := os.Stat(gitignore); errors.Is(err, fs.ErrNotExist) {
		if err := writeFileAtomic(gitignore, []byte("# Built by atlas-release cut\n/dist/\n# Secret signing keys never belong in a repository\n*.key\n"), 0o644); err != nil {
			return err
		}
	}
	// The workspace file comes last: until it exists, the folder is not a workspace.
	if err := writeNewFile(config, configFile, 0o644); err != nil {
		return err
	}
	ios := opts.F.IO
	fmt.Fprintf(ios.Out, "Created the %s release workspace in %s\n", name, dir)
	fmt.Fprintf(ios.Out, "Next: edit %s, then start the first release with\n  atlas-release -C %s new 1.0.0\n", releases.ConfigFile, opts.Dir)
	return nil
}
