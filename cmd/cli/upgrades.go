package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/Masterminds/semver/v3"
	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/internal/flock"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/upgrades"
)

// UpgradesOptions are the inputs of `upgrades plan` and `upgrades schedule`.
type UpgradesOptions struct {
	F        *Factory
	To       string
	Customer string
	Date     string
	At       string
	Today    string
	Out      string
	DryRun   bool
	JSON     bool
}

// NewCmdUpgrades builds `upgrades` and its subcommands.
func NewCmdUpgrades(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "upgrades <plan|schedule|propose|rollout|approve|announce|complete|report|status>",
		Short: "Plan, schedule and roll out customers' upgrades (customers.yaml)",
		Long: `Plan the upgrades of the customers listed in customers.yaml, schedule one as a
ZenDesk change ticket with its change request, announcements and calendar, and
roll a release out across the fleet: ring by ring, against the standby roster,
through the customers' change boards; and tell each customer's owner about a
release: what is new, what their upgrade takes, the dates proposed.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("unknown upgrades command %q; see `atlas-release upgrades --help`", args[0])
			}
			return usageErrorf("upgrades needs a command: plan, schedule, propose, rollout, approve, announce, complete, report or status")
		},
		RunE: func(*cobra.Command, []string) error { return nil },
	}
	cmd.AddCommand(newCmdUpgradesPlan(f), newCmdUpgradesSchedule(f), newCmdUpgradesPropose(f), newCmdUpgradesRollout(f),
		newCmdUpgradesApprove(f), newCmdUpgradesAnnounce(f), newCmdUpgradesComplete(f), newCmdUpgradesReport(f),
		newCmdUpgradesStatus(f))
	return cmd
}

func newCmdUpgradesPlan(f *Factory) *cobra.Command {
	opts := &UpgradesOptions{F: f}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Which customers need which upgrade, and what each takes",
		Long: `For every customer of customers.yaml: the path from the version they run to --to
(default: the newest release), the maintenance windows it needs, who must be
present, whether a Global Administrator is needed, what goes offline, the
customer's change process and preferred window, and the runbook bundle to use.
A customer being implemented that runs nothing yet (stage: implementation, no
version) is a new deployment: it is offered the target's install bundle
(<product>-<version>-install.tar.gz), with the install procedure's window,
effort and people.`,
		Example: `  atlas-release upgrades plan
  atlas-release upgrades plan --to 4.3 --json`,
		Args: rangeArgs(0, 0),
		RunE: func(*cobra.Command, []string) error { return upgradesPlanRun(opts) },
	}
	cmd.Flags().StringVar(&opts.To, "to", "", "the target `VERSION` (default: the newest release)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the plan as JSON")
	return cmd
}

func newCmdUpgradesSchedule(f *Factory) *cobra.Command {
	opts := &UpgradesOptions{F: f}
	cmd := &cobra.Command{
		Use:   "schedule <customer> --to <version> --date <YYYY-MM-DD>",
		Short: "Schedule a customer's upgrade: the ZenDesk change ticket and its communications",
		Long: `Schedule a customer's upgrade for a day: the first window starts at the customer's
preferred time (--at to change it), in their time zone; further windows (required
stops) follow a week apart. The ZenDesk change ticket is found by its external id
(<product>-upgrade-<customer>-<version>) or created with an Idempotency-Key, with
the path, the prerequisites checklist, roles and Global Administrator blocks,
durations, outages, content freeze, backout and test plans, and the bundle's
download link. Re-running never opens a second ticket; a new date updates it.
For a customer with a change board (changeProcess: cab), a window inside the
board's lead time (cabLeadTimeDays, counted from --today) is refused unless
the board approved it (upgrades approve); a day that is not the customer's
preferred day is a warning.
A customer being implemented that runs nothing yet (stage: implementation, no
version) gets a deployment ticket instead (<product>-deployment-<customer>-<version>,
"Deploy …"): the deployment request (deployment-request.md.tmpl, overridable
like every template), one window as long as the install procedure's, and the
install bundle's link; it is found, rescheduled and de-duplicated like an
upgrade ticket, and never shares an id with the customer's later upgrades.
Two schedules of one upgrade at once take turns on this machine (a lock in
dist/); from two machines, the younger of two tickets opened at once is solved
as the duplicate of the older.

--out DIR writes the customer's communications: the change request, the
announcements (in the customer's language when the workspace translates them)
and an iCalendar file of the windows; for a deployment, the deployment request
and the calendar (users have nothing to be told of yet).

` + zendeskEnvHelp,
		Example: `  atlas-release upgrades schedule contoso --to 4.3 --date 2026-12-05 --dry-run
  atlas-release upgrades schedule contoso --to 4.3 --date 2026-12-05 --out comms/contoso
  atlas-release upgrades schedule litware --to 4.3 --date 2026-12-09 --dry-run`,
		Args: rangeArgs(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Customer = args[0]
			return upgradesScheduleRun(cmd, opts)
		},
	}
	cmd.Flags().StringVar(&opts.To, "to", "", "the target `VERSION` (default: the newest release)")
	cmd.Flags().StringVar(&opts.Date, "date", "", "the `DAY` of the (first) window, YYYY-MM-DD (required)")
	cmd.Flags().StringVar(&opts.At, "at", "", "start at `HH:MM` local time instead of the customer's preferred time")
	cmd.Flags().StringVar(&opts.Today, "today", "", "schedule as on `DAY`, YYYY-MM-DD: change boards' lead times count from it (default: today)")
	cmd.Flags().StringVar(&opts.Out, "out", "", "write the customer's communications into `DIR`")
	cmd.Flags().BoolVarP(&opts.DryRun, "dry-run", "n", false, "prepare the ticket and communications, open nothing")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the result as JSON")
	return cmd
}

// target is --to, or the newest release.
func (opts *UpgradesOptions) target(ws *releases.Workspace) (*semver.Version, error) {
	if opts.To == "" {
		m, err := ws.Latest()
		if err != nil {
			return nil, err
		}
		return m.SemVer(), nil
	}
	v, err := versionArg("--to", opts.To)
	if err != nil {
		return nil, err
	}
	if _, err := ws.Release(v); err != nil {
		return nil, err
	}
	return v, nil
}

func upgradesPlanRun(opts *UpgradesOptions) error {
	ws, err := opts.F.ValidWorkspace()
	if err != nil {
		return err
	}
	to, err := opts.target(ws)
	if err != nil {
		return err
	}
	plan, err := upgrades.Plan(ws, to)
	if err != nil {
		return err
	}
	ios := opts.F.IO
	if opts.JSON {
		return writeJSON(ios.Out, plan)
	}
	need, installs := 0, 0
	for _, e := range plan {
		switch e.Status {
		case upgrades.NeedsUpgrade:
			need++
		case upgrades.NeedsInstall:
			installs++
		}
	}
	fmt.Fprintf(ios.Out, "Upgrades to %s %s: %d of %d customer%s", ws.Config.Product.Name, to, need, len(plan), plural(len(plan)))
	if installs > 0 {
		fmt.Fprintf(ios.Out, "; new deployment%s: %d", plural(installs), installs)
	}
	fmt.Fprint(ios.Out, "\n\n")
	tw := newTable(ios, ios.Out)
	fmt.Fprintln(tw, "CUSTOMER\tRUNS\tPATH\tWINDOW\tHANDS-ON\tGLOBAL ADMIN\tOFFLINE\tCHANGE\tPREFERRED\tBUNDLE")
	for _, e := range plan {
		runs, path := e.From, e.From+" → "+strings.Join(e.Stops, " → ")
		switch e.Status {
		case upgrades.NeedsUpgrade:
		case upgrades.NeedsInstall:
			// Nothing deployed yet: the install procedure of the target, in one window.
			runs, path = "nothing yet", "new deployment of "+e.To
			if len(e.Windows) == 0 {
				fmt.Fprintf(tw, "%s\t%s\t%s\t\t\t\t\t\t\t%s\n", e.Customer, runs, path, "see note")
				continue
			}
		default:
			fmt.Fprintf(tw, "%s\t%s\t%s\t\t\t\t\t\t\t\n", e.Customer, e.From, e.Status)
			continue
		}
		var windows []string
		for _, w := range e.Windows {
			windows = append(windows, fmt.Sprintf("%s (≤ %s)", templates.Minutes(w.EstimateMinutes), templates.Minutes(w.MaxMinutes)))
		}
		ga := "not needed"
		if e.GlobalAdminBlocks > 0 {
			ga = fmt.Sprintf("%d block%s", e.GlobalAdminBlocks, plural(e.GlobalAdminBlocks))
		}
		offline := strings.Join(e.Outages, "; ")
		if offline == "" {
			offline = "nothing"
		}
		bundle := e.Bundle
		if bundle == "" {
			bundle = "see note"
		}
		change := "standard"
		if e.ChangeProcess == string(releases.CABProcess) {
			change = "CAB"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Customer, runs, path,
			strings.Join(windows, " + "), templates.Minutes(e.HandsOnMinutes), ga, offline, change, e.PreferredWindow, bundle)
	}
	tw.Flush()
	fmt.Fprintln(ios.Out)
	for _, e := range plan {
		if e.BundleURL != "" && e.Status == upgrades.NeedsInstall {
			fmt.Fprintf(ios.Out, "%s: deploy from %s\n", e.Customer, e.BundleURL)
		}
		if len(e.People) > 0 {
			fmt.Fprintf(ios.Out, "%s: %s take part", e.Customer, strings.Join(e.People, ", "))
			if e.Prerequisites > 0 {
				fmt.Fprintf(ios.Out, "; %d prerequisite%s before the window", e.Prerequisites, plural(e.Prerequisites))
			}
			fmt.Fprintln(ios.Out, ".")
		}
		if e.Note != "" {
			fmt.Fprintf(ios.Out, "%s: %s\n", e.Customer, e.Note)
		}
	}
	return nil
}

func upgradesScheduleRun(cmd *cobra.Command, opts *UpgradesOptions) error {
	f := opts.F
	if opts.Date == "" {
		return usageErrorf("--date is required: the day of the window, YYYY-MM-DD")
	}
	date, err := dateArg("--date", opts.Date)
	if err != nil {
		return err
	}
	if opts.At != "" && (len(opts.At) != 5 || opts.At[2] != ':') {
		return usageErrorf("--at %q is not a time like 08:00", opts.At)
	}
	ws, err := f.ValidWorkspace()
	if err != nil {
		return err
	}
	to, err := opts.target(ws)
	if err != nil {
		return err
	}
	today, err := (&RolloutOptions{F: f, Today: opts.Today}).today()
	if err != nil {
		return err
	}
	h, err := loadHistory(ws, to)
	if err != nil {
		return err
	}
	set, err := f.Templates()
	if err != nil {
		return err
	}
	so := upgrades.ScheduleOptions{Workspace: ws, Templates: set, Customer: opts.Customer, To: to, Date: date, At: opts.At,
		DryRun: opts.DryRun, Generator: f.Generator(), Today: today, History: h}
	if !opts.DryRun {
		if so.Client, err = f.ZendeskClient("", ws.Config); err != nil {
			return err
		}
		root, err := f.WorkspaceRoot()
		if err != nil {
			return err
		}
		so.Lock = scheduleLock(filepath.Join(root, "dist"))
	}
	res, err := upgrades.Schedule(cmd.Context(), so)
	if err != nil {
		return err
	}
	ios := f.IO
	if opts.Out != "" {
		if err := writeCommunications(opts.Out, res.Files); err != nil {
			return err
		}
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(ios.ErrOut, "%s %s\n", ios.Yellow("warning:"), w)
	}
	if opts.JSON {
		return writeJSON(ios.Out, res)
	}
	verb := map[upgrades.TicketAction]string{upgrades.TicketCreated: "Opened", upgrades.TicketFound: "Found", upgrades.TicketRescheduled: "Rescheduled",
		upgrades.TicketPlanned: "Would open"}[res.Ticket.Action]
	ticket := "change ticket"
	if res.Deployment {
		ticket = "deployment ticket"
	}
	fmt.Fprintf(ios.Out, "%s the %s: %s\n", verb, ticket, res.Ticket.Subject)
	if res.Ticket.URL != "" {
		fmt.Fprintf(ios.Out, "  %s (external id %s)\n", res.Ticket.URL, res.Ticket.ExternalID)
	} else {
		fmt.Fprintf(ios.Out, "  external id %s\n", res.Ticket.ExternalID)
	}
	for _, w := range res.Windows {
		what := w.From + " → " + w.To
		if res.Deployment {
			what = "new deployment of " + w.To
		}
		fmt.Fprintf(ios.Out, "  window %d, %s: %s %s to %s %s (%s)\n", w.Hop, what, w.Date, w.Time, w.EndDate, w.EndTime, res.TimeZone)
	}
	if opts.Out != "" {
		fmt.Fprintf(ios.Out, "Communications in %s: ", opts.Out)
		var names []string
		for _, f := range res.Files {
			names = append(names, f.Name)
		}
		fmt.Fprintln(ios.Out, strings.Join(names, ", "))
	}
	return nil
}

// lockKey is what a schedule's lock may be keyed by: a file name. It is
// compiled when first used: its bounded repetition makes a large program, and
// every command paid for it at start-up.
var lockKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$`) })

// scheduleLock locks one upgrade's ticket in the workspace's dist/ folder (which
// init keeps out of version control, beside cut's locks): two schedules of the
// upgrade at once on this machine take turns, the second waiting for the first
// (until Ctrl-C) and then finding its ticket.
func scheduleLock(dir string) func(ctx context.Context, key string) (func(), error) {
	return func(ctx context.Context, key string) (func(), error) {
		if !lockKey().MatchString(key) {
			return nil, fmt.Errorf("%q cannot name a lock file", key)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		l, err := flock.Wait(ctx, filepath.Join(dir, ".schedule-"+key+".lock"))
		if err != nil {
			return nil, err
		}
		return func() { _ = l.Unlock() }, nil
	}
}

// writeCommunications writes the files into dir, each in one step.
func writeCommunications(dir string, files []templates.CommunicationFile) error {
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := writeFileAtomic(path, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
