package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/schemas"
)

// SchemaOptions are the inputs of `schema`.
type SchemaOptions struct {
	F         *Factory
	Name      string
	OutDir    string
	Workspace bool
}

// NewCmdSchema builds `schema`.
func NewCmdSchema(f *Factory) *cobra.Command {
	opts := &SchemaOptions{F: f}
	cmd := &cobra.Command{
		Use:   "schema [name]",
		Short: "Print the JSON Schemas of the workspace and manifest files",
		Long: `Print a JSON Schema (draft 2020-12) of a file atlas-release reads or writes.
Without a name, list the schemas. With --out, write every schema into a folder,
for editors: start a manifest with

  # yaml-language-server: $schema=<path to manifest.schema.json>

to get completion and checking in VS Code and other editors.

With --workspace, the manifest and customers schemas offer the workspace's own
ids: roles, catalogue features, privileged operations (grants), versions and
locales must be one of them; step and outage ids (dependsOn, causedBy,
causesOutage) are offered for completion. Each id comes with its name. Write
them again after changing the catalogue (` + "`init`" + ` writes them for a new
workspace).

Schemas: ` + strings.Join(schemas.Names(), ", ") + `.`,
		Example: `  atlas-release schema manifest > manifest.schema.json
  atlas-release schema --out .schemas
  atlas-release schema --workspace --out schemas`,
		Args:      rangeArgs(0, 1),
		ValidArgs: schemas.Names(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			return schemaRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.OutDir, "out", "", "write every schema into `DIR` as <name>.schema.json")
	cmd.Flags().BoolVar(&opts.Workspace, "workspace", false, "offer the workspace's own ids (roles, features, steps, versions…) as enums")
	return cmd
}

func schemaRun(opts *SchemaOptions) error {
	ios := opts.F.IO
	var ids schemas.IDs
	if opts.Workspace {
		ws, err := opts.F.Workspace()
		if err != nil {
			return err
		}
		ids = schemas.WorkspaceIDs(ws)
	}
	if opts.OutDir != "" {
		write := writeSchemas
		if opts.Workspace {
			write = func(dir string) error { return writeWorkspaceSchemas(dir, ids) }
		}
		if err := write(opts.OutDir); err != nil {
			return err
		}
		fmt.Fprintf(ios.ErrOut, "wrote %d schemas to %s\n", len(schemas.Names()), opts.OutDir)
		return nil
	}
	if opts.Name == "" {
		for _, n := range schemas.Names() {
			fmt.Fprintln(ios.Out, n)
		}
		return nil
	}
	name := strings.TrimSuffix(opts.Name, schemas.Suffix)
	if _, ok := schemas.Get(name); !ok {
		return usageErrorf("no schema %q; schemas: %s", opts.Name, strings.Join(schemas.Names(), ", "))
	}
	b, err := schemas.ForWorkspace(name, ids)
	if err != nil {
		return err
	}
	_, err = ios.Out.Write(b)
	return err
}

// writeWorkspaceSchemas writes every schema into dir, offering the workspace's
// ids where a schema refers to them.
func writeWorkspaceSchemas(dir string, ids schemas.IDs) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, n := range schemas.Names() {
		b, err := schemas.ForWorkspace(n, ids)
		if err != nil {
			return err
		}
		if err := writeFileAtomic(filepath.Join(dir, n+schemas.Suffix), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
