package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/templates"
)

// NotesOptions are the inputs of `notes`.
type NotesOptions struct {
	F       *Factory
	Version string
	Format  string
	// FormatGiven tells an explicit --format from the default, which the
	// extension of --out overrides.
	FormatGiven bool
	Out         string
}

// NewCmdNotes builds `notes`.
func NewCmdNotes(f *Factory) *cobra.Command {
	opts := &NotesOptions{F: f}
	cmd := &cobra.Command{
		Use:   "notes <version>",
		Short: "Write the release notes of a version",
		Long: `Write the release notes of a version: what a major or minor release means for the
reader, what upgrading from the previous version takes (effort, window, outages,
content freeze, Global Administrator), the customer-facing features grouped by
type, prerequisites, known issues and the townhall links.

Formats: md (Markdown), html (a fragment with only the tags and attributes the
ZenDesk Help Center keeps: the Markdown converted), json.`,
		Example: `  atlas-release notes 4.3
  atlas-release notes 4.3 --out release-notes.html`,
		Args:              rangeArgs(1, 1),
		ValidArgsFunction: completeVersions(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Version = args[0]
			opts.FormatGiven = cmd.Flags().Changed("format")
			return notesRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "", "output `FORMAT`: md, html or json (default: from the extension of --out, else md)")
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "write to `FILE` (.md, .html or .json names the format) instead of standard output")
	return cmd
}

func notesRun(opts *NotesOptions) error {
	format, err := outFormat(opts.Format, opts.FormatGiven, opts.Out)
	if err != nil {
		return err
	}
	v, err := versionArg("", opts.Version)
	if err != nil {
		return err
	}
	ws, err := opts.F.ValidWorkspace()
	if err != nil {
		return err
	}
	if _, err := ws.Release(v); err != nil {
		return err
	}
	notes, err := templates.NewNotes(ws, v, opts.F.Generator())
	if err != nil {
		return err
	}
	set, err := opts.F.Templates()
	if err != nil {
		return err
	}
	return render(opts.F, opts.Out, func(w io.Writer) error { return set.RenderNotes(w, notes, format) })
}
