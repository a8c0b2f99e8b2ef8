package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/upgrades"
)

// CompleteOptions are the inputs of `upgrades complete`.
type CompleteOptions struct {
	F        *Factory
	Customer string
	To       string
	Started  string
	Finished string
	Windows  []string
	HandsOn  int
	Outcome  string
	Note     string
	NoTicket bool
	DryRun   bool
	JSON     bool
}

func newCmdUpgradesComplete(f *Factory) *cobra.Command {
	opts := &CompleteOptions{F: f}
	cmd := &cobra.Command{
		Use:   "complete <customer> --to <version> --started <T> --finished <T>",
		Short: "Record how an upgrade went: on the change ticket, in customers.yaml and history/<version>.yaml",
		Long: `Record what an upgrade really took and how it ended: the start and end of each
maintenance window (--started and --finished for one, --windows for several),
the customer's hands-on minutes if known, the outcome and a note.

The change ticket gets an internal comment with the figures; it is solved when
the outcome is ok, and left open with the tag upgrade-rolled-back or
upgrade-partial otherwise. In the workspace, the outcome goes into
history/<version>.yaml and, when ok, the customer's version in customers.yaml
becomes the release: only that line changes, comments and formatting stay.
A customer being implemented that ran nothing yet (no version) completes its
deployment: its deployment ticket is solved, customers.yaml gains the line
"version: <release>" after its name, and the history records the deployment
as from the release itself.

Times are local to the customer's time zone (2026-12-19T08:02) or carry their
offset (2026-12-19T08:02:00+01:00). Re-running writes nothing. Refused (exit 3,
nothing written): a release the customer does not run towards, windows out of
order, no change ticket (unless --no-ticket).

` + zendeskEnvHelp,
		Example: `  atlas-release upgrades complete contoso --to 4.3 --started 2026-12-19T08:00 --finished 2026-12-19T11:40 --hands-on 95
  atlas-release upgrades complete northwind --to 4.3 --windows 2026-12-13T06:00/2026-12-13T09:10,2026-12-20T06:00/2026-12-20T08:30
  atlas-release upgrades complete fabrikam --to 4.3 --started 2026-12-08T19:00 --finished 2026-12-08T23:15 --outcome rolled-back --note "search index rebuild failed"`,
		Args: rangeArgs(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Customer = args[0]
			return upgradesCompleteRun(cmd, opts)
		},
	}
	cmd.Flags().StringVar(&opts.To, "to", "", "the `VERSION` upgraded to (required)")
	cmd.Flags().StringVar(&opts.Started, "started", "", "when the (one) window started, `TIME`")
	cmd.Flags().StringVar(&opts.Finished, "finished", "", "when the (one) window finished, `TIME`")
	cmd.Flags().StringSliceVar(&opts.Windows, "windows", nil, "the windows as they happened, `START/END`, comma-separated, in order")
	cmd.Flags().IntVar(&opts.HandsOn, "hands-on", 0, "the customer's hands-on `MINUTES`, all roles together, if known")
	cmd.Flags().StringVar(&opts.Outcome, "outcome", "ok", "how it ended: `ok`, rolled-back or partial")
	cmd.Flags().StringVar(&opts.Note, "note", "", "what people should know, e.g. why it was rolled back (`TEXT`)")
	cmd.Flags().BoolVar(&opts.NoTicket, "no-ticket", false, "there is no change ticket: record in the workspace only")
	cmd.Flags().BoolVarP(&opts.DryRun, "dry-run", "n", false, "say what would be recorded, write nothing")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the result as JSON")
	return cmd
}

// windows reads --started/--finished or --windows in the customer's zone.
func (opts *CompleteOptions) windows(c *releases.Customer) ([]releases.ActualWindow, error) {
	spans := opts.Windows
	switch {
	case len(spans) > 0 && (opts.Started != "" || opts.Finished != ""):
		return nil, usageErrorf("give --started and --finished for one window, or --windows for several, not both")
	case len(spans) == 0 && (opts.Started == "" || opts.Finished == ""):
		return nil, usageErrorf("--started and --finished are required (or --windows START/END,...): when the upgrade happened")
	case len(spans) == 0:
		spans = []string{opts.Started + "/" + opts.Finished}
	}
	loc, err := c.Window.Location()
	if err != nil {
		return nil, &upgrades.InputError{Err: fmt.Errorf("%s: window.timeZone: %w", c.ID, err)}
	}
	var out []releases.ActualWindow
	for _, s := range spans {
		start, end, ok := strings.Cut(s, "/")
		if !ok {
			return nil, usageErrorf("--windows %q: give START/END", s)
		}
		var w releases.ActualWindow
		if w.Started, err = upgrades.ParseActual(strings.TrimSpace(start), loc); err != nil {
			return nil, usageErrorf("%v", err)
		}
		if w.Finished, err = upgrades.ParseActual(strings.TrimSpace(end), loc); err != nil {
			return nil, usageErrorf("%v", err)
		}
		out = append(out, w)
	}
	return out, nil
}

func upgradesCompleteRun(cmd *cobra.Command, opts *CompleteOptions) error {
	f := opts.F
	if opts.To == "" {
		return usageErrorf("--to is required: the version the customer was upgraded to")
	}
	outcome := releases.Outcome(opts.Outcome)
	if !strings.Contains(" ok rolled-back partial ", " "+opts.Outcome+" ") {
		return usageErrorf("--outcome %q: give ok, rolled-back or partial", opts.Outcome)
	}
	if opts.HandsOn < 0 || opts.HandsOn > 100000 {
		return usageErrorf("--hands-on %d: give 1 to 100000 minutes", opts.HandsOn)
	}
	ws, err := f.ValidWorkspace()
	if err != nil {
		return err
	}
	to, err := (&UpgradesOptions{F: f, To: opts.To}).target(ws)
	if err != nil {
		return err
	}
	c := ws.Customers.Customer(opts.Customer)
	if c == nil {
		// Complete refuses it, naming the customers there are; the times
		// are read in UTC meanwhile.
		c = &releases.Customer{Window: releases.MaintenanceWindow{TimeZone: "UTC"}}
	}
	windows, err := opts.windows(c)
	if err != nil {
		return err
	}
	h, err := loadHistory(ws, to)
	if err != nil {
		return err
	}
	co := upgrades.CompleteOptions{Workspace: ws, Customer: opts.Customer, To: to, Outcome: outcome, Windows: windows,
		HandsOnMinutes: opts.HandsOn, Note: opts.Note, History: h, NoTicket: opts.NoTicket, DryRun: opts.DryRun}
	if !opts.NoTicket && !opts.DryRun {
		if co.Client, err = f.ZendeskClient("", ws.Config); err != nil {
			return err
		}
	}
	res, err := upgrades.Complete(cmd.Context(), co)
	if err != nil {
		return err
	}
	if !opts.DryRun {
		root, err := f.WorkspaceRoot()
		if err != nil {
			return err
		}
		// The history first: a customers.yaml that says the release always has
		// the history that says how it got there.
		if res.HistoryData != nil {
			if err := writeFileAtomic(filepath.Join(root, filepath.FromSlash(res.HistoryFile)), res.HistoryData, 0o644); err != nil {
				return err
			}
		}
		if res.CustomersData != nil {
			if err := writeFileAtomic(filepath.Join(root, res.CustomersFile), res.CustomersData, 0o644); err != nil {
				return err
			}
		}
	}
	ios := f.IO
	for _, w := range res.Warnings {
		fmt.Fprintf(ios.ErrOut, "%s %s\n", ios.Yellow("warning:"), w)
	}
	if opts.JSON {
		return writeJSON(ios.Out, res)
	}
	verb := "Recorded"
	switch {
	case opts.DryRun:
		verb = "Would record"
	case !res.Changed() && (res.Ticket == nil || res.Ticket.Action == upgrades.TicketFound):
		verb = "Already recorded"
	}
	var mins []string
	for _, m := range res.Minutes {
		mins = append(mins, fmt.Sprintf("%d min", m))
	}
	what := fmt.Sprintf("upgrade from %s to %s", res.From, res.To)
	if res.Deployment {
		what = "deployment of " + res.To
	}
	fmt.Fprintf(ios.Out, "%s %s's %s: %s (%s) in %s\n", verb, res.Customer, what, res.Outcome, strings.Join(mins, " + "), res.HistoryFile)
	if res.CustomersData != nil {
		fmt.Fprintf(ios.Out, "  %s: %s now runs %s\n", res.CustomersFile, res.Customer, res.Version)
	}
	if t := res.Ticket; t != nil {
		what := map[upgrades.TicketAction]string{upgrades.TicketUpdated: "recorded on", upgrades.TicketFound: "already on",
			upgrades.TicketPlanned: "would be recorded on"}[t.Action]
		fmt.Fprintf(ios.Out, "  %s ticket %d (%s)\n", what, t.ID, t.URL)
	}
	return nil
}
