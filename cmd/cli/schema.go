package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/schemas"
)

// SchemaOptions are the inputs of `schema`.
type SchemaOptions struct {
	F      *Factory
	Name   string
	OutDir string
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

Schemas: ` + strings.Join(schemas.Names(), ", ") + `.`,
		Example: `  atlas-release schema manifest > manifest.schema.json
  atlas-release schema --out .schemas`,
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
	return cmd
}

func schemaRun(opts *SchemaOptions) error {
	ios := opts.F.IO
	if opts.OutDir != "" {
		if err := writeSchemas(opts.OutDir); err != nil {
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
	b, ok := schemas.Get(strings.TrimSuffix(opts.Name, schemas.Suffix))
	if !ok {
		return usageErrorf("no schema %q; schemas: %s", opts.Name, strings.Join(schemas.Names(), ", "))
	}
	_, err := ios.Out.Write(b)
	return err
}
