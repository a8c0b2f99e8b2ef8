package cli

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/textdiff"
)

// DiffOptions are the inputs of `diff`.
type DiffOptions struct {
	F    *Factory
	A, B string
	What string
}

// NewCmdDiff builds `diff`.
func NewCmdDiff(f *Factory) *cobra.Command {
	opts := &DiffOptions{F: f}
	cmd := &cobra.Command{
		Use:   "diff <a> <b>",
		Short: "Show what changed between two versions' runbooks or notes",
		Long: `Show a unified diff of the rendered Markdown of two versions: their release notes,
or their runbooks (each release's own steps, as a customer on the previous version
runs them). Colours on a terminal. Exits 0 whether or not they differ.`,
		Example: `  atlas-release diff 4.2 4.3
  atlas-release diff 4.2 4.3 --what notes | less -R`,
		Args:              rangeArgs(2, 2),
		ValidArgsFunction: completeVersions(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.A, opts.B = args[0], args[1]
			return diffRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.What, "what", "runbook", "what to compare: `runbook` or notes")
	_ = cmd.RegisterFlagCompletionFunc("what", cobra.FixedCompletions([]string{"runbook", "notes"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func diffRun(opts *DiffOptions) error {
	if opts.What != "runbook" && opts.What != "notes" {
		return usageErrorf("--what must be runbook or notes, not %q", opts.What)
	}
	a, err := versionArg("", opts.A)
	if err != nil {
		return err
	}
	b, err := versionArg("", opts.B)
	if err != nil {
		return err
	}
	ws, err := opts.F.ValidWorkspace()
	if err != nil {
		return err
	}
	for _, v := range []*semver.Version{a, b} {
		if _, err := ws.Release(v); err != nil {
			return err
		}
	}
	set, err := opts.F.Templates()
	if err != nil {
		return err
	}
	render := func(v *semver.Version) (string, error) {
		var buf bytes.Buffer
		if opts.What == "notes" {
			n, err := templates.NewNotes(ws, v, opts.F.Generator())
			if err != nil {
				return "", err
			}
			err = set.RenderNotes(&buf, n, templates.Markdown)
			return buf.String(), err
		}
		p, err := ws.ReleasePlan(v)
		if err != nil {
			return "", err
		}
		err = set.RenderRunbook(&buf, templates.NewRunbook(ws, p, opts.F.Generator()), templates.Markdown)
		return buf.String(), err
	}
	textA, err := render(a)
	if err != nil {
		return err
	}
	textB, err := render(b)
	if err != nil {
		return err
	}
	d := textdiff.Unified(fmt.Sprintf("%s %s", opts.What, a), fmt.Sprintf("%s %s", opts.What, b), textA, textB)
	ios := opts.F.IO
	if d == "" {
		fmt.Fprintf(ios.ErrOut, "the %s of %s and %s are the same\n", opts.What, a, b)
		return nil
	}
	writeDiff(ios, d)
	return nil
}

// writeDiff prints a unified diff, coloured on a terminal.
func writeDiff(ios *IOStreams, d string) {
	for _, line := range strings.SplitAfter(d, "\n") {
		switch {
		case line == "":
		case strings.HasPrefix(line, "+++"), strings.HasPrefix(line, "---"):
			fmt.Fprint(ios.Out, ios.Bold(strings.TrimSuffix(line, "\n"))+"\n")
		case strings.HasPrefix(line, "+"):
			fmt.Fprint(ios.Out, ios.Green(strings.TrimSuffix(line, "\n"))+"\n")
		case strings.HasPrefix(line, "-"):
			fmt.Fprint(ios.Out, ios.Red(strings.TrimSuffix(line, "\n"))+"\n")
		case strings.HasPrefix(line, "@@"):
			fmt.Fprint(ios.Out, ios.Cyan(strings.TrimSuffix(line, "\n"))+"\n")
		default:
			fmt.Fprint(ios.Out, line)
		}
	}
}
