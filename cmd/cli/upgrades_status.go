package cli

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/upgrades"
)

// StatusOptions are the inputs of `upgrades status`.
type StatusOptions struct {
	F         *Factory
	Today     string
	HTML      string
	NoTickets bool
	JSON      bool
}

func newCmdUpgradesStatus(f *Factory) *cobra.Command {
	opts := &StatusOptions{F: f}
	cmd := &cobra.Command{
		Use:   "status [--json] [--html FILE]",
		Short: "Where the fleet stands: every entry's version, ticket and window, and the summary",
		Long: `Every entry of customers.yaml against the newest release: the version it runs
and how many releases behind, its ring, its change ticket and the ticket's
status as ZenDesk says it now (read, never stored), the day of its window, the
change board's approval and the standby engineer; and the fleet's summary: the
share on the newest release, the entries more than policy.supportedReleases
behind, the upgrades in flight and the overdue ones (window passed, ticket not
solved).

--html FILE writes one self-contained page (no script, no network access, print
styles) with the version distribution as a bar chart, the rollout as a
timeline by ring with today marked, and each standby engineer's load.
--no-tickets leaves ZenDesk alone: ticket statuses are then unknown.

` + zendeskEnvHelp,
		Example: `  atlas-release upgrades status
  atlas-release upgrades status --html fleet.html
  atlas-release upgrades status --json --no-tickets`,
		Args: rangeArgs(0, 0),
		RunE: func(cmd *cobra.Command, _ []string) error { return upgradesStatusRun(cmd, opts) },
	}
	cmd.Flags().StringVar(&opts.Today, "today", "", "the status as on `DAY`, YYYY-MM-DD: windows before it are overdue (default: today)")
	cmd.Flags().StringVar(&opts.HTML, "html", "", "write the status page to `FILE`")
	cmd.Flags().BoolVar(&opts.NoTickets, "no-tickets", false, "do not read ZenDesk")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the status as JSON")
	return cmd
}

func upgradesStatusRun(cmd *cobra.Command, opts *StatusOptions) error {
	f := opts.F
	today, err := (&RolloutOptions{F: f, Today: opts.Today}).today()
	if err != nil {
		return err
	}
	ws, err := f.ValidWorkspace()
	if err != nil {
		return err
	}
	latest, err := ws.Latest()
	if err != nil {
		return err
	}
	h, err := loadHistory(ws, latest.SemVer())
	if err != nil {
		return err
	}
	so := upgrades.StatusOptions{Workspace: ws, Today: today, History: h, Generator: f.Generator()}
	if !opts.NoTickets {
		if so.Client, err = f.ZendeskClient("", ws.Config); err != nil {
			return err
		}
	}
	st, err := upgrades.FleetStatus(cmd.Context(), so)
	if err != nil {
		return err
	}
	ios := f.IO
	if opts.HTML != "" {
		var b bytes.Buffer
		if err := templates.WriteStatusHTML(&b, st); err != nil {
			return err
		}
		if err := writeFileAtomic(opts.HTML, b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	if opts.JSON {
		return writeJSON(ios.Out, st)
	}
	s := st.Summary
	implementing := ""
	if s.Implementing > 0 {
		implementing = fmt.Sprintf("; %d being implemented", s.Implementing)
	}
	fmt.Fprintf(ios.Out, "%s fleet status as of %s: %d %% on %s (%d of %d running%s)\n", st.Product, st.Today, s.OnLatestPercent, st.Latest,
		s.OnLatest, s.Entries-s.Implementing, implementing)
	if !st.TicketsRead {
		fmt.Fprintf(ios.ErrOut, "%s ZenDesk was not read (--no-tickets): ticket statuses are unknown\n", ios.Yellow("note:"))
	}
	fmt.Fprintln(ios.Out)
	tw := newTable(ios, ios.Out)
	fmt.Fprintln(tw, "ENTRY\tRING\tRUNS\tBEHIND\tSTATE\tTICKET\tWINDOW\tCAB\tSTANDBY")
	for _, e := range st.Entries {
		ticket, window, engineer := "", "", ""
		if t := e.Ticket; t != nil {
			ticket = fmt.Sprintf("#%d %s", t.ID, t.Status)
			window = strings.TrimSpace(t.Scheduled + " " + t.Start)
			engineer = t.Engineer
		}
		behind := fmt.Sprint(e.Behind)
		if !e.Supported {
			behind += " (unsupported)"
		}
		cab := ""
		if e.ChangeProcess == string(releases.CABProcess) {
			cab = e.Approval
			if cab == "" {
				cab = "pending"
			}
		}
		state := e.State
		if e.Outcome == string(releases.OutcomePartial) {
			state += " (" + e.Outcome + ")"
		}
		runs := e.Version
		if runs == "" {
			// Being implemented: its ticket is the deployment's.
			runs, behind = "nothing yet", "new deployment"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Customer, e.Ring, runs, behind, state, ticket, window, cab, engineer)
	}
	tw.Flush()
	fmt.Fprintln(ios.Out)
	list := func(label string, ids []string) {
		if len(ids) == 0 {
			fmt.Fprintf(ios.Out, "%s: none\n", label)
			return
		}
		fmt.Fprintf(ios.Out, "%s: %s\n", label, strings.Join(ids, ", "))
	}
	list(fmt.Sprintf("More than %d releases behind", st.SupportedReleases), s.OutOfSupport)
	list("In flight", s.InFlight)
	list("Overdue", s.Overdue)
	if opts.HTML != "" {
		fmt.Fprintf(ios.Out, "\nStatus page: %s  <- open it in a browser\n", opts.HTML)
	}
	return nil
}
