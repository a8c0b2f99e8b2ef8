package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// ReportOptions are the inputs of `upgrades report`.
type ReportOptions struct {
	F    *Factory
	To   string
	JSON bool
}

// estimatesReport is `upgrades report --json`.
type estimatesReport struct {
	To string `json:"to"`
	// Flagged counts the paths whose actuals contradict the plan.
	Flagged int                  `json:"flagged"`
	Paths   []releases.PathCheck `json:"paths"`
}

func newCmdUpgradesReport(f *Factory) *cobra.Command {
	opts := &ReportOptions{F: f}
	cmd := &cobra.Command{
		Use:   "report --to <version>",
		Short: "Estimates against actuals: what the upgrades to a release really took",
		Long: `For every upgrade path to a release that history/<version>.yaml records upgrades
on (upgrades complete): each maintenance window's plan (estimate and maximum)
next to what the ok upgrades took (count, median, worst), and the hands-on
minutes likewise. A window is flagged when the median exceeds the estimate or
the worst exceeds the maximum, with the manifest line to change: the
elapsedMinutes of the window's longest step. Rolled-back and partial upgrades
are counted, not measured. validate warns (AR1606) once three upgrades of a
window contradict its plan.`,
		Example: `  atlas-release upgrades report --to 4.3
  atlas-release upgrades report --to 4.3 --json`,
		Args: rangeArgs(0, 0),
		RunE: func(*cobra.Command, []string) error { return upgradesReportRun(opts) },
	}
	cmd.Flags().StringVar(&opts.To, "to", "", "the `VERSION` upgraded to (default: the newest release)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the report as JSON")
	return cmd
}

func upgradesReportRun(opts *ReportOptions) error {
	f := opts.F
	ws, err := f.ValidWorkspace()
	if err != nil {
		return err
	}
	to, err := (&UpgradesOptions{F: f, To: opts.To}).target(ws)
	if err != nil {
		return err
	}
	h, err := loadHistory(ws, to)
	if err != nil {
		return err
	}
	rep := estimatesReport{To: to.String(), Paths: ws.CheckEstimates(h)}
	if rep.Paths == nil {
		rep.Paths = []releases.PathCheck{}
	}
	for i := range rep.Paths {
		if rep.Paths[i].Flagged() {
			rep.Flagged++
		}
	}
	ios := f.IO
	if opts.JSON {
		return writeJSON(ios.Out, rep)
	}
	if len(rep.Paths) == 0 {
		fmt.Fprintf(ios.Out, "No upgrade to %s is recorded in %s yet (upgrades complete records them).\n", to, releases.HistoryFile(to))
		return nil
	}
	fmt.Fprintf(ios.Out, "Estimates against actuals for %s %s: %d path%s, %d flagged\n\n", ws.Config.Product.Name, to, len(rep.Paths), plural(len(rep.Paths)), rep.Flagged)
	tw := newTable(ios, ios.Out)
	fmt.Fprintln(tw, "PATH\tWINDOW\tESTIMATE\tMAX\tUPGRADES\tMEDIAN\tWORST\t")
	for _, p := range rep.Paths {
		for _, w := range p.Windows {
			mark := ""
			if len(w.Flags) > 0 {
				mark = "FLAGGED"
			}
			fmt.Fprintf(tw, "%s → %s\t%d (%s → %s)\t%s\t%s\t%d\t%s\t%s\t%s\n", p.From, p.To, w.Hop, w.HopFrom, w.HopTo, templates.Minutes(w.EstimateMinutes),
				templates.Minutes(w.MaxMinutes), w.Actual.Count, minutesOrDash(w.Actual.Count, w.Actual.Median), minutesOrDash(w.Actual.Count, w.Actual.Worst), mark)
		}
		fmt.Fprintf(tw, "%s → %s\thands-on\t%s\t\t%d\t%s\t%s\t\n", p.From, p.To, templates.Minutes(p.HandsOnEstimate), p.HandsOn.Count,
			minutesOrDash(p.HandsOn.Count, p.HandsOn.Median), minutesOrDash(p.HandsOn.Count, p.HandsOn.Worst))
	}
	tw.Flush()
	for _, p := range rep.Paths {
		fmt.Fprintf(ios.Out, "\n%s → %s: %d ok, %d rolled back, %d partial (%d customer%s)\n", p.From, p.To, p.OK, p.RolledBack, p.Partial, len(p.Customers), plural(len(p.Customers)))
		if p.Skipped > 0 {
			fmt.Fprintf(ios.Out, "  %d ok upgrade%s recorded another number of windows than the path has: not measured\n", p.Skipped, plural(p.Skipped))
		}
		for _, w := range p.Windows {
			for _, fl := range w.Flags {
				fmt.Fprintf(ios.Out, "  window %d: %s\n", w.Hop, fl)
			}
			if w.Fix != "" {
				fmt.Fprintf(ios.Out, "  change %s\n", w.Fix)
			}
		}
		if p.HandsOnFlag != "" {
			fmt.Fprintf(ios.Out, "  %s\n", p.HandsOnFlag)
		}
	}
	return nil
}

// minutesOrDash is a duration, or a dash when nothing was measured.
func minutesOrDash(count, minutes int) string {
	if count == 0 {
		return "—"
	}
	return templates.Minutes(minutes)
}
