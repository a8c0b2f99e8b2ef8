package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/changelog"
	"github.com/atlas-release/atlas-release/templates"
)

// ChangelogOptions are the inputs of `changelog`.
type ChangelogOptions struct {
	F   *Factory
	Out string
}

// NewCmdChangelog builds `changelog`.
func NewCmdChangelog(f *Factory) *cobra.Command {
	opts := &ChangelogOptions{F: f}
	cmd := &cobra.Command{
		Use:   "changelog",
		Short: "Write the changelog of every release",
		Long: `Write one Keep a Changelog document (https://keepachangelog.com/en/1.1.0/) for every
release of the workspace, newest first, with the customer-facing features of each:
new features are Added; improvements and configuration changes Changed; then
Deprecated, Removed, Fixed and Security.`,
		Example: `  atlas-release changelog --out CHANGELOG.md`,
		Args:    rangeArgs(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return changelogRun(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "write to `FILE` (Markdown: .md or no extension) instead of standard output")
	return cmd
}

func changelogRun(opts *ChangelogOptions) error {
	// The changelog is Markdown only: a file named for another format would
	// hold something other than its name says.
	if f, ok := formatOfFile(opts.Out); ok && f != templates.Markdown {
		return usageErrorf("--out %s: the changelog is Markdown; name the file .md", opts.Out)
	}
	ws, err := opts.F.ValidWorkspace()
	if err != nil {
		return err
	}
	return render(opts.F, opts.Out, func(w io.Writer) error { return changelog.Write(w, ws) })
}
