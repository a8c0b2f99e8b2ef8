package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/releases"
)

// CalendarOptions are the inputs of `calendar`.
type CalendarOptions struct {
	F    *Factory
	Year int
	JSON bool
}

// NewCmdCalendar builds `calendar`.
func NewCmdCalendar(f *Factory) *cobra.Command {
	opts := &CalendarOptions{F: f}
	cmd := &cobra.Command{
		Use:   "calendar [year]",
		Short: "The year's release plan: released, planned, due, and cadence problems",
		Long: `Lay out a year's releases by quarter (default: this year): the releases shipped, the
ones planned (a manifest dated later), the ones the cadence makes due next
(policy.cadence: one every monthsBetweenReleases months, majorsPerYear majors), the
overdue ones, and the cadence problems: releases off the cadence, too many majors,
quarters with no release or with several.`,
		Example: `  atlas-release calendar
  atlas-release calendar 2023 --json`,
		Args: rangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Year = f.Now().Year()
			if len(args) == 1 {
				y, err := strconv.Atoi(args[0])
				if err != nil || y < 1900 || y > 9999 {
					return usageErrorf("%q is not a year", args[0])
				}
				opts.Year = y
			}
			return calendarRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the calendar as JSON")
	return cmd
}

func calendarRun(opts *CalendarOptions) error {
	f := opts.F
	ws, err := f.Workspace()
	if err != nil {
		return err
	}
	if ws.Config == nil {
		return &releases.ValidationError{Diagnostics: ws.Validate()}
	}
	c := ws.Calendar(opts.Year, releases.DateOf(f.Now()))
	ios := f.IO
	if opts.JSON {
		return writeJSON(ios.Out, c)
	}
	cad := c.Cadence
	fmt.Fprintf(ios.Out, "%s release calendar %d (a release every %d months ± %d days, %d major%s a year; as of %s)\n\n",
		ws.Config.Product.Name, c.Year, cad.MonthsBetweenReleases, cad.ToleranceDays, cad.MajorsPerYear, plural(cad.MajorsPerYear), c.Today)
	tw := newTable(ios, ios.Out)
	fmt.Fprintln(tw, "QUARTER\tVERSION\tKIND\tDATE\tSTATUS")
	for _, q := range c.Quarters {
		if len(q.Entries) == 0 {
			fmt.Fprintf(tw, "Q%d\t-\t\t\t\n", q.Number)
		}
		for _, e := range q.Entries {
			status := e.Status
			switch e.Status {
			case releases.Overdue:
				status = ios.Red(status)
			case releases.Due:
				status = ios.Yellow(status)
			}
			fmt.Fprintf(tw, "Q%d\t%s\t%s\t%s\t%s\n", q.Number, e.Version, e.Kind, e.Date, status)
		}
	}
	tw.Flush()
	if len(c.Problems) > 0 {
		fmt.Fprintln(ios.Out, "\nCadence problems:")
		for _, p := range c.Problems {
			fmt.Fprintf(ios.Out, "  %s\n", p)
		}
	}
	return nil
}
