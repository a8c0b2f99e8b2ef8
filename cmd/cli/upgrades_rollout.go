package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/atlas-release/atlas-release/internal/human"

	"github.com/Masterminds/semver/v3"
	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/upgrades"
	"github.com/atlas-release/atlas-release/zendesk"
)

// RolloutOptions are the inputs of `upgrades propose`, `rollout` and `approve`.
type RolloutOptions struct {
	F              *Factory
	To             string
	Customer       string
	FromDate       string
	Today          string
	Count          int
	Weeks          int
	AssumeComplete []string
	Ref            string
	Out            string
	ReadTickets    bool
	NotesURL       string
	Apply          bool
	DryRun         bool
	JSON           bool
}

const rolloutHelp = `Every entry of customers.yaml that needs the release gets a slot: ring by ring
(policy.rings: the vendor's own environments first, then early adopters, then
everyone), in its preferred window, with a standby engineer (standby in
atlas-release.yaml) whose hours cover the whole window at its path's maximum
duration, in their own time zone, and who has capacity left; never in a
blackout, before the release may be installed, inside a change board's lead
time (cabLeadTimeDays, until "upgrades approve"), or before every entry of the
earlier ring has completed plus its soak days. An entry completes when its
change ticket is solved or when --assume-complete names it. An entry whose
change ticket is open keeps the ticket's day and engineer while they satisfy
all of this, so that a re-run moves only what changed. ZenDesk's tickets are
read with --apply or --read-tickets; without them nothing is read (the plan
says so), and only --assume-complete completes entries.`

func newCmdUpgradesPropose(f *Factory) *cobra.Command {
	opts := &RolloutOptions{F: f}
	cmd := &cobra.Command{
		Use:   "propose <customer> --to <version>",
		Short: "The next slots of a customer's window that satisfy everything, and why days were skipped",
		Long: `Propose the next --count slots of a customer's preferred window that satisfy every
constraint of the rollout, against the rest of the fleet's plan, and say why the
days before them were skipped: one line per reason.

` + rolloutHelp,
		Example: `  atlas-release upgrades propose contoso --to 4.3
  atlas-release upgrades propose contoso --to 4.3 --count 5 --from-date 2027-01-04 --json`,
		Args: rangeArgs(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Customer = args[0]
			return upgradesProposeRun(cmd, opts)
		},
	}
	opts.rolloutFlags(cmd)
	cmd.Flags().IntVar(&opts.Count, "count", 3, "how many slots to propose (`N`)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the proposal as JSON")
	return cmd
}

func newCmdUpgradesRollout(f *Factory) *cobra.Command {
	opts := &RolloutOptions{F: f}
	cmd := &cobra.Command{
		Use:   "rollout --to <version>",
		Short: "One plan for the whole fleet: a slot and a standby engineer for every upgrade",
		Long: `Plan the rollout of a release to every entry that needs it, print it as a table
(or JSON), and with --out write an iCalendar roster per standby engineer.

` + rolloutHelp + `

--apply opens (or finds) each change ticket as ` + "`upgrades schedule`" + ` does, assigned to the
engineer's ZenDesk agent (looked up by email) and tagged ring-N; a CAB customer's
ticket is tagged cab-pending until approved. Entries that wait for an earlier
ring get their ticket on a later run. Re-running writes nothing when nothing
changed, and moves only the tickets whose slot changed.

A customer being implemented that runs nothing yet (stage: implementation, no
version) is placed in its ring like the others, in one window as long as the
install procedure's, and gets its deployment ticket (see upgrades schedule).

` + zendeskEnvHelp,
		Example: `  atlas-release upgrades rollout --to 4.3
  atlas-release upgrades rollout --to 4.3 --out rosters --apply
  atlas-release upgrades rollout --to 4.3 --assume-complete atlas-dev,atlas-test,atlas-prod`,
		Args: rangeArgs(0, 0),
		RunE: func(cmd *cobra.Command, _ []string) error { return upgradesRolloutRun(cmd, opts) },
	}
	opts.rolloutFlags(cmd)
	cmd.Flags().StringVar(&opts.Out, "out", "", "write each standby engineer's iCalendar roster into `DIR`")
	cmd.Flags().BoolVar(&opts.ReadTickets, "read-tickets", false, "read the change tickets from ZenDesk (completed entries, open tickets' slots) without writing")
	cmd.Flags().BoolVar(&opts.Apply, "apply", false, "open or update the change tickets in ZenDesk (reads them first)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the plan as JSON")
	return cmd
}

func newCmdUpgradesApprove(f *Factory) *cobra.Command {
	opts := &RolloutOptions{F: f}
	cmd := &cobra.Command{
		Use:   "approve <customer> --to <version> --ref <REF>",
		Short: "Record a change board's approval: on the change ticket and in history/<version>.yaml",
		Long: `Record that a CAB customer's change board approved the upgrade: an internal note
and the cab-approved tag on the change ticket (cab-pending goes), and the
reference, the date and the approved window (the customer's slot in the
rollout, planned with the same flags as rollout) in the workspace's
history/<version>.yaml, which belongs under version control. The slot is then
no longer tentative and stays on the approved day; if that day stops working,
the rollout moves it and says it needs a new approval. Re-running with the same
reference writes nothing.

` + zendeskEnvHelp,
		Example: `  atlas-release upgrades approve contoso --to 4.3 --ref CAB-2291`,
		Args:    rangeArgs(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Customer = args[0]
			return upgradesApproveRun(cmd, opts)
		},
	}
	opts.rolloutFlags(cmd)
	cmd.Flags().StringVar(&opts.Ref, "ref", "", "the change board's `REFERENCE` for the approval (required)")
	cmd.Flags().BoolVarP(&opts.DryRun, "dry-run", "n", false, "say what would be recorded, write nothing")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the result as JSON")
	return cmd
}

func (opts *RolloutOptions) rolloutFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&opts.To, "to", "", "the target `VERSION` (default: the newest release)")
	cmd.Flags().StringVar(&opts.FromDate, "from-date", "", "the first `DAY` a window may start on, YYYY-MM-DD (default: tomorrow)")
	cmd.Flags().StringVar(&opts.Today, "today", "", "plan as on `DAY`, YYYY-MM-DD: change boards' lead times count from it (default: today)")
	cmd.Flags().IntVar(&opts.Weeks, "weeks", 52, "look for slots this many `WEEKS` ahead")
	cmd.Flags().StringSliceVar(&opts.AssumeComplete, "assume-complete", nil,
		"treat these entries as having completed the upgrade (`ID[=YYYY-MM-DD]`, comma-separated; default day: --from-date)")
}

// today is --today, or the local date of the factory's clock.
func (opts *RolloutOptions) today() (releases.Date, error) {
	if opts.Today != "" {
		return dateArg("--today", opts.Today)
	}
	now := opts.F.Now()
	return releases.NewDate(now.Year(), now.Month(), now.Day()), nil
}

// rolloutInputs reads the workspace, the target, the days and the history.
func (opts *RolloutOptions) rolloutInputs() (upgrades.RolloutOptions, error) {
	f := opts.F
	var ro upgrades.RolloutOptions
	if opts.Weeks < 1 || opts.Weeks > upgrades.MaxWeeks {
		return ro, usageErrorf("--weeks %d: give 1 to %d", opts.Weeks, upgrades.MaxWeeks)
	}
	if opts.Count < 0 || opts.Count > 100 {
		return ro, usageErrorf("--count %d: give 1 to 100", opts.Count)
	}
	today, err := opts.today()
	if err != nil {
		return ro, err
	}
	from := today.AddDays(1)
	if opts.FromDate != "" {
		d, err := dateArg("--from-date", opts.FromDate)
		if err != nil {
			return ro, err
		}
		from = d
	}
	completed := map[string]time.Time{}
	for _, a := range opts.AssumeComplete {
		id, day, hasDay := strings.Cut(a, "=")
		d := from
		if hasDay {
			var err error
			if d, err = dateArg("--assume-complete "+a, day); err != nil {
				return ro, err
			}
		}
		completed[id] = d.Time()
	}
	ws, err := f.ValidWorkspace()
	if err != nil {
		return ro, err
	}
	uo := &UpgradesOptions{To: opts.To}
	to, err := uo.target(ws)
	if err != nil {
		return ro, err
	}
	h, err := loadHistory(ws, to)
	if err != nil {
		return ro, err
	}
	return upgrades.RolloutOptions{Workspace: ws, To: to, From: from, Today: today, Completed: completed, History: h, Weeks: opts.Weeks}, nil
}

// loadHistory reads history/<version>.yaml, strictly.
func loadHistory(ws *releases.Workspace, to *semver.Version) (*releases.History, error) {
	h, diags, err := releases.LoadHistory(ws.FS, to)
	if err != nil {
		return nil, err
	}
	if diags.Errors() > 0 {
		return nil, &releases.ValidationError{Diagnostics: diags.Sort()}
	}
	return h, nil
}

// notReadNote says that a plan was made without ZenDesk's tickets: no
// network call is made unless asked for.
func notReadNote(f *Factory) {
	fmt.Fprintf(f.IO.ErrOut, "%s ZenDesk was not read: entries count as completed only by --assume-complete, and open change tickets do not hold their slots (--read-tickets reads them; --apply does too)\n",
		f.IO.Yellow("note:"))
}

// readTickets reads the release's change tickets into the rollout's inputs:
// entries completed (unless --assume-complete names them) and open tickets'
// slots.
func readTickets(ctx context.Context, client *zendesk.Client, ro *upgrades.RolloutOptions) error {
	read, err := upgrades.ReadTickets(ctx, client, ro.Workspace, ro.To)
	if err != nil {
		return err
	}
	for id, at := range read.Completed {
		if _, named := ro.Completed[id]; !named {
			ro.Completed[id] = at
		}
	}
	ro.Tickets = read.Open
	return nil
}

func upgradesProposeRun(cmd *cobra.Command, opts *RolloutOptions) error {
	ro, err := opts.rolloutInputs()
	if err != nil {
		return err
	}
	p, err := upgrades.Propose(cmd.Context(), ro, opts.Customer, opts.Count)
	if err != nil {
		return err
	}
	out := opts.F.IO.Out
	if opts.JSON {
		return writeJSON(out, p)
	}
	fmt.Fprintf(out, "Slots for %s (%s, ring %d) to %s from %s:\n", p.Customer, p.Name, p.Ring, p.To, p.From)
	tw := newTable(opts.F.IO, out)
	for i, s := range p.Slots {
		fmt.Fprintf(tw, "  %d.\t%s\t%s\t%s\n", i+1, slotWhen(s), s.Engineer+" ("+s.EngineerHours+")", slotStatus(s))
	}
	tw.Flush()
	if len(p.Skipped) > 0 {
		fmt.Fprintln(out, "Skipped:")
		for _, s := range p.Skipped {
			fmt.Fprintf(out, "  %s\n", s)
		}
	}
	return nil
}

// slotWhen is a slot's windows in the customer's time zone.
func slotWhen(s upgrades.Slot) string {
	var parts []string
	for _, w := range s.Windows {
		d, _ := time.Parse("2006-01-02", w.Date)
		end := w.EndTime
		if w.EndDate != w.Date {
			end = w.EndDate + " " + w.EndTime
		}
		parts = append(parts, fmt.Sprintf("%s %s–%s", human.Day(d), w.Time, end))
	}
	return strings.Join(parts, " + ") + " " + s.TimeZone
}

func slotStatus(s upgrades.Slot) string {
	if s.Note == "" {
		return string(s.Status)
	}
	return string(s.Status) + " " + s.Note
}

func upgradesRolloutRun(cmd *cobra.Command, opts *RolloutOptions) error {
	f := opts.F
	ro, err := opts.rolloutInputs()
	if err != nil {
		return err
	}
	var ao upgrades.ApplyOptions
	if opts.Apply {
		if ao.Templates, err = f.Templates(); err != nil {
			return err
		}
		root, err := f.WorkspaceRoot()
		if err != nil {
			return err
		}
		ao.Workspace, ao.Generator, ao.Lock = ro.Workspace, f.Generator(), scheduleLock(filepath.Join(root, "dist"))
		ao.Today, ao.History = ro.Today, ro.History
	}
	if opts.Apply || opts.ReadTickets {
		if ao.Client, err = f.ZendeskClient("", ro.Workspace.Config); err != nil {
			return err
		}
		if err := readTickets(cmd.Context(), ao.Client, &ro); err != nil {
			return err
		}
	} else {
		notReadNote(f)
	}
	r, err := upgrades.PlanRollout(cmd.Context(), ro)
	if err != nil {
		return err
	}
	if opts.Apply {
		if err := upgrades.ApplyRollout(cmd.Context(), ao, r); err != nil {
			return err
		}
	}
	if opts.Out != "" {
		var files []templates.CommunicationFile
		for i := range r.Rosters {
			var b strings.Builder
			if err := templates.WriteRoster(&b, &r.Rosters[i]); err != nil {
				return err
			}
			files = append(files, templates.CommunicationFile{Name: templates.RosterFile(r.Rosters[i].Email), Data: []byte(b.String())})
		}
		if err := writeCommunications(opts.Out, files); err != nil {
			return err
		}
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, r)
	}
	printRollout(f.IO, r, opts.Out)
	return nil
}

func printRollout(ios *IOStreams, r *upgrades.Rollout, rosters string) {
	out := ios.Out
	upToDate := ""
	if len(r.UpToDate) > 0 {
		upToDate = fmt.Sprintf("; up to date: %s", strings.Join(r.UpToDate, ", "))
	}
	deployments := 0
	for _, s := range r.Slots {
		if s.Deployment {
			deployments++
		}
	}
	work := fmt.Sprintf("%d upgrade%s", len(r.Slots)-deployments, plural(len(r.Slots)-deployments))
	if deployments > 0 {
		work += fmt.Sprintf(" and %d new deployment%s", deployments, plural(deployments))
	}
	fmt.Fprintf(out, "Rollout of %s %s from %s: %s in %d ring%s%s\n\n", r.Product, r.To, r.From, work, len(r.Rings), plural(len(r.Rings)), upToDate)
	tw := newTable(ios, out)
	fmt.Fprintln(tw, "RING\tCUSTOMER\tWINDOW\tSTANDBY\tSTATUS\tTICKET")
	for _, s := range r.Slots {
		when, standby := "", ""
		if len(s.Windows) > 0 {
			when, standby = slotWhen(s), s.Engineer+" ("+s.EngineerHours+")"
		}
		ticket := ""
		if s.Ticket != nil {
			ticket = fmt.Sprintf("%s #%d", s.Ticket.Action, s.Ticket.ID)
		}
		customer := s.Customer
		if s.Deployment {
			// Runs nothing yet: the window deploys the install bundle.
			customer += " (new deployment)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", s.Ring, customer, when, standby, s.Status, ticket)
	}
	tw.Flush()
	fmt.Fprintln(out)
	for _, ring := range r.Rings {
		if ring.NotBefore != nil {
			fmt.Fprintf(out, "Ring %d (%s) not before %s: %s.\n", ring.Number, ring.Name, ring.NotBefore.Format("2006-01-02 15:04 UTC"), ring.Why)
		}
	}
	for _, s := range r.Slots {
		if s.Note != "" {
			fmt.Fprintf(out, "%s: %s %s.\n", s.Customer, s.Status, s.Note)
		}
		if s.Moved != "" {
			fmt.Fprintf(out, "%s: moved from %s, the day of its change ticket, which no longer satisfies every constraint.\n", s.Customer, s.Moved)
		}
	}
	if rosters != "" {
		fmt.Fprintf(out, "Standby rosters in %s: ", rosters)
		var names []string
		for _, ro := range r.Rosters {
			names = append(names, templates.RosterFile(ro.Email))
		}
		fmt.Fprintln(out, strings.Join(names, ", "))
	}
}

func upgradesApproveRun(cmd *cobra.Command, opts *RolloutOptions) error {
	f := opts.F
	if opts.Ref == "" {
		return usageErrorf("--ref is required: the change board's reference for the approval")
	}
	ro, err := opts.rolloutInputs()
	if err != nil {
		return err
	}
	ws := ro.Workspace
	ao := upgrades.ApproveOptions{Workspace: ws, Customer: opts.Customer, To: ro.To, Ref: opts.Ref, Today: ro.Today, History: ro.History,
		DryRun: opts.DryRun, Rollout: &ro}
	if !opts.DryRun {
		if ao.Client, err = f.ZendeskClient("", ws.Config); err != nil {
			return err
		}
		if err := readTickets(cmd.Context(), ao.Client, &ro); err != nil {
			return err
		}
	}
	res, err := upgrades.Approve(cmd.Context(), ao)
	if err != nil {
		return err
	}
	if res.Data != nil && !opts.DryRun {
		root, err := f.WorkspaceRoot()
		if err != nil {
			return err
		}
		if err := writeFileAtomic(filepath.Join(root, filepath.FromSlash(res.File)), res.Data, 0o644); err != nil {
			return err
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
	case res.Data == nil:
		verb = "Already recorded"
	}
	fmt.Fprintf(ios.Out, "%s the approval %s of %s's upgrade to %s (window of %s) in %s\n", verb, res.Ref, res.Customer, res.To, res.Window, res.File)
	if t := res.Ticket; t != nil {
		what := map[upgrades.TicketAction]string{upgrades.TicketUpdated: "noted on", upgrades.TicketFound: "already on", upgrades.TicketPlanned: "would be noted on"}[t.Action]
		fmt.Fprintf(ios.Out, "  %s ticket %d (%s)\n", what, t.ID, t.URL)
	}
	return nil
}
