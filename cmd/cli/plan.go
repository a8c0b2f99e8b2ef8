package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// PlanOptions are the inputs of `plan`.
type PlanOptions struct {
	F        *Factory
	From, To string
	// Install is the version to deploy on a new tenant, instead of an upgrade.
	Install string
	JSON    bool
}

// NewCmdPlan builds `plan`.
func NewCmdPlan(f *Factory) *cobra.Command {
	opts := &PlanOptions{F: f}
	cmd := &cobra.Command{
		Use:   "plan --from VERSION [--to VERSION]",
		Short: "Show what an upgrade takes before booking the window",
		Long: `Show the facts an administrator needs before booking a maintenance window: the
upgrade path and its required stops, the releases each window applies, who must be
present and when, hands-on effort per role, the length of each window, what goes
offline, the content freeze, the Global Administrator blocks (PIM activations) and
the prerequisites.

A path that starts below the oldest self-service version, or below a release's
minSource, is refused with the version to reach first. --to defaults to the newest
release.

--install VERSION plans the deployment of VERSION on a new tenant instead: the
install procedure of the newest release up to VERSION that declares one, with the
steps later releases mark newDeployments, in one window. It takes no --from or
--to.`,
		Example: `  atlas-release plan --from 4.1 --to 4.3
  atlas-release plan --from 4.0 --json | jq .total.window
  atlas-release plan --install 4.3`,
		Args: rangeArgs(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := givenVersions(cmd, "install", "from", "to"); err != nil {
				return err
			}
			return planRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "", "the `VERSION` the tenant runs now (required)")
	cmd.Flags().StringVar(&opts.To, "to", "", "the `VERSION` to upgrade to (default: the newest)")
	cmd.Flags().StringVar(&opts.Install, "install", "", "plan the deployment of `VERSION` on a new tenant instead of an upgrade")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the plan as JSON (the runbook's JSON form without the steps)")
	_ = cmd.RegisterFlagCompletionFunc("from", completeVersions(f))
	_ = cmd.RegisterFlagCompletionFunc("to", completeVersions(f))
	_ = cmd.RegisterFlagCompletionFunc("install", completeVersions(f))
	return cmd
}

func planRun(opts *PlanOptions) error {
	if err := installExclusive(opts.Install, opts.From, opts.To); err != nil {
		return err
	}
	ws, err := opts.F.ValidWorkspace()
	if err != nil {
		return err
	}
	path, err := composePath(ws, opts.Install, opts.From, opts.To)
	if err != nil {
		return err
	}
	rb := templates.NewRunbook(ws, path, opts.F.Generator())
	if opts.JSON {
		for i := range rb.Hops {
			rb.Hops[i].Steps = nil
		}
		rb.Accounting = []templates.Fate{}
		return writeJSON(opts.F.IO.Out, rb)
	}
	return writePlan(opts.F.IO, rb)
}

// givenVersions refuses a version flag given an empty value (--install=""):
// the commands read an empty value as the flag's absence, which would answer
// another question ("--from is required") than the one asked.
func givenVersions(cmd *cobra.Command, names ...string) error {
	for _, name := range names {
		if fl := cmd.Flags().Lookup(name); fl != nil && fl.Changed && strings.TrimSpace(fl.Value.String()) == "" {
			_, err := versionArg("--"+name, fl.Value.String())
			return err
		}
	}
	return nil
}

// installExclusive refuses --install together with --from or --to: a new
// tenant has no version to upgrade from.
func installExclusive(install, from, to string) error {
	if install != "" && (from != "" || to != "") {
		return usageErrorf("--install deploys a new tenant: it takes no --from or --to")
	}
	return nil
}

// composePath composes the deployment of --install, or else the upgrade path
// of --from and --to.
func composePath(ws *releases.Workspace, install, from, to string) (*releases.Path, error) {
	if install != "" {
		v, err := versionArg("--install", install)
		if err != nil {
			return nil, err
		}
		return ws.InstallPlan(v)
	}
	f, t, err := pathArgs(ws, from, to)
	if err != nil {
		return nil, err
	}
	return ws.Plan(f, t)
}

// writePlan prints the plan for people; the same text is stable for scripts.
func writePlan(ios *IOStreams, rb *templates.Runbook) error {
	w := ios.Out
	if rb.Install {
		fmt.Fprintf(w, "%s %s on a new tenant: 1 maintenance window, from the install procedure of %s\n", rb.Product.Name, rb.To, rb.Base)
	} else {
		fmt.Fprintf(w, "%s %s → %s: %d maintenance window%s\n", rb.Product.Name, rb.From, rb.To, len(rb.Hops), plural(len(rb.Hops)))
	}
	for _, h := range rb.Hops {
		if rb.Install {
			fmt.Fprintf(w, "\n%s\n", ios.Bold(fmt.Sprintf("%s (includes %s)", h.Heading, strings.Join(h.Releases, ", "))))
		} else {
			fmt.Fprintf(w, "\n%s\n", ios.Bold(fmt.Sprintf("%s (applies %s)", h.Heading, strings.Join(h.Releases, ", "))))
		}
		tw := newTable(ios, w)
		fmt.Fprintf(tw, "  Window\t%s (at most %s)\n", templates.Minutes(h.Window.EstimateMinutes), templates.Minutes(h.Window.MaxMinutes))
		fmt.Fprintf(tw, "  Hands-on\t%s\n", templates.Minutes(h.HandsOnMinutes))
		if !rb.Install { // a new tenant has no service to interrupt and no content to freeze
			fmt.Fprintf(tw, "  Outages\t%s\n", outages(h.Outages))
			fmt.Fprintf(tw, "  Content freeze\t%s\n", freeze(h.ContentFreeze))
		}
		fmt.Fprintf(tw, "  Global Administrator\t%s\n", adminBlocks(h.GlobalAdmin))
		tw.Flush()
		fmt.Fprintln(w)
		writePresence(ios, w, h.Presence)
	}
	if len(rb.Prerequisites) > 0 {
		fmt.Fprintf(w, "\n%s\n", ios.Bold("Prerequisites (complete before the window)"))
		for _, p := range rb.Prerequisites {
			extra := ""
			if p.LeadTimeDays > 0 {
				extra = fmt.Sprintf(", start %d days ahead", p.LeadTimeDays)
			}
			if p.Blocking {
				extra += ", blocking"
			}
			before := "before " + p.Before
			if rb.Install {
				before = "before the deployment"
			}
			fmt.Fprintf(w, "  - %s (%s, %s): %s, %s%s\n", p.Title, p.Version, before, p.RoleName, templates.Minutes(p.EffortMinutes), extra)
		}
	}
	if len(rb.Hops) > 1 {
		fmt.Fprintf(w, "\nTotal: hands-on %s, %d windows of %s altogether (at most %s)\n", templates.Minutes(rb.Total.HandsOnMinutes),
			len(rb.Hops), templates.Minutes(rb.Total.Window.EstimateMinutes), templates.Minutes(rb.Total.Window.MaxMinutes))
	}
	return nil
}

func writePresence(ios *IOStreams, w io.Writer, presence []templates.Presence) {
	tw := newTable(ios, w)
	fmt.Fprintln(tw, "  ROLE\tENTRA ID ROLE\tHANDS-ON\tWHEN\tPIM")
	for _, p := range presence {
		entra := "none"
		if len(p.EntraRoles) > 0 {
			entra = p.EntraRoles[0]
		}
		var when []string
		if p.BeforeWindow {
			when = append(when, "before the window")
		}
		if p.InWindow {
			when = append(when, fmt.Sprintf("%d:%02d–%d:%02d", p.FromMinute/60, p.FromMinute%60, p.ToMinute/60, p.ToMinute%60))
		}
		pim := "-"
		if p.PIMLikely {
			pim = "activate"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", p.Name, entra, templates.Minutes(p.HandsOnMinutes), strings.Join(when, ", then "), pim)
	}
	tw.Flush()
}

func outages(list []templates.Outage) string {
	if len(list) == 0 {
		return "none"
	}
	parts := make([]string, len(list))
	for i, o := range list {
		parts[i] = fmt.Sprintf("%s %d–%d min", o.Name, o.MinMinutes, o.MaxMinutes)
	}
	return strings.Join(parts, "; ")
}

func freeze(f templates.ContentFreeze) string {
	if f.Decision == "not-needed" {
		return "not needed"
	}
	return fmt.Sprintf("%s, %s", f.Decision, templates.Minutes(f.SpanMinutes))
}

func adminBlocks(blocks []templates.AdminBlock) string {
	if len(blocks) == 0 {
		return "not needed"
	}
	parts := make([]string, len(blocks))
	for i, b := range blocks {
		parts[i] = fmt.Sprintf("%d:%02d–%d:%02d (%s)", b.StartMinute/60, b.StartMinute%60, b.EndMinute/60, b.EndMinute%60, strings.Join(b.Steps, ", "))
	}
	return fmt.Sprintf("%d block%s, one PIM activation each: %s", len(blocks), plural(len(blocks)), strings.Join(parts, "; "))
}
