package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/templates"
)

// RunbookOptions are the inputs of `runbook`.
type RunbookOptions struct {
	F        *Factory
	From, To string
	Format   string
	Out      string
}

// NewCmdRunbook builds `runbook`.
func NewCmdRunbook(f *Factory) *cobra.Command {
	opts := &RunbookOptions{F: f}
	cmd := &cobra.Command{
		Use:   "runbook --from VERSION [--to VERSION]",
		Short: "Write the cumulative upgrade runbook for a path",
		Long: `Write the runbook that upgrades a tenant from one version to another: every step of
every release on the path (superseded deployments once, "once" steps once),
through each required stop, with who does what and when, how to verify each step
and how to roll it back.

Formats:
  md    Markdown
  html  one self-contained page: no network access, ticks saved in the browser,
        a role matrix, a timeline, a sign-off table, and a print layout
  json  the runbook as data (schema: atlas-release schema runbook)

--to defaults to the newest release.`,
		Example: `  atlas-release runbook --from 4.1 --to 4.3
  atlas-release runbook --from 4.1 --format html --out runbook.html`,
		Args: rangeArgs(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runbookRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "", "the `VERSION` the tenant runs now (required)")
	cmd.Flags().StringVar(&opts.To, "to", "", "the `VERSION` to upgrade to (default: the newest)")
	cmd.Flags().StringVar(&opts.Format, "format", "md", "output `FORMAT`: md, html or json")
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "write to `FILE` instead of standard output")
	_ = cmd.RegisterFlagCompletionFunc("from", completeVersions(f))
	_ = cmd.RegisterFlagCompletionFunc("to", completeVersions(f))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"md", "html", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runbookRun(opts *RunbookOptions) error {
	format, err := templates.ParseFormat(opts.Format)
	if err != nil {
		return usageErrorf("--format: %v", err)
	}
	ws, err := opts.F.ValidWorkspace()
	if err != nil {
		return err
	}
	from, to, err := pathArgs(ws, opts.From, opts.To)
	if err != nil {
		return err
	}
	path, err := ws.Plan(from, to)
	if err != nil {
		return err
	}
	set, err := opts.F.Templates()
	if err != nil {
		return err
	}
	rb := templates.NewRunbook(ws, path, opts.F.Generator())
	return render(opts.F, opts.Out, func(w io.Writer) error { return set.RenderRunbook(w, rb, format) })
}
