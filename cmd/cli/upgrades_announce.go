package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/upgrades"
)

func newCmdUpgradesAnnounce(f *Factory) *cobra.Command {
	opts := &RolloutOptions{F: f}
	cmd := &cobra.Command{
		Use:   "announce --to <version>",
		Short: "Tell each customer's owner about a release: what is new, what their upgrade takes, the dates proposed",
		Long: `After the townhall, prepare for every customer that needs the release (not the
vendor's own environments) a message to its vendor-side owner (contact in
customers.yaml: the implementation lead or the customer success agent, by
stage): what is new and the link to the release notes (--notes-url, default
the GitHub release's page), the townhall's recording and slides, what the
customer's path takes (windows, effort, people, Global Administrator, what
goes offline), the next --count slots of its preferred window that satisfy the
rollout's constraints (as propose finds them; for a change board, the day the
request must reach it), for a major release the pre-upgrade call to book and
the prerequisites to complete first, and the offer of training or a screen
share. The message is in the customer's language when the workspace translates
engagement.md.tmpl (locales/<locale>/templates/) and every release of the path.

--out DIR writes each message as <customer>.md (<locale>/<customer>.md when
translated). --apply posts each as a ZenDesk ticket (an internal note)
assigned to the owner's agent, looked up by email before anything is written:
one ticket per customer and release (external id
<product>-announce-<customer>-<version>), however often it runs; a ticket found
is left as it is, but for its assignee when the owner changed.

` + zendeskEnvHelp,
		Example: `  atlas-release upgrades announce --to 4.3 --out announce
  atlas-release upgrades announce --to 4.3 --notes-url https://support.example/hc/en-us/articles/123 --apply`,
		Args: rangeArgs(0, 0),
		RunE: func(cmd *cobra.Command, _ []string) error { return upgradesAnnounceRun(cmd, opts) },
	}
	opts.rolloutFlags(cmd)
	cmd.Flags().IntVar(&opts.Count, "count", 3, "how many slots each message proposes (`N`)")
	cmd.Flags().StringVar(&opts.NotesURL, "notes-url", "", "link the release notes at `URL` (default: the GitHub release's page)")
	cmd.Flags().StringVar(&opts.Out, "out", "", "write each message into `DIR`")
	cmd.Flags().BoolVar(&opts.ReadTickets, "read-tickets", false, "read the change tickets from ZenDesk (completed entries, open tickets' slots) without writing")
	cmd.Flags().BoolVar(&opts.Apply, "apply", false, "post each message as a ZenDesk ticket assigned to the owner (reads the change tickets first)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the result as JSON")
	return cmd
}

func upgradesAnnounceRun(cmd *cobra.Command, opts *RolloutOptions) error {
	f := opts.F
	if opts.Count < 1 {
		return usageErrorf("--count %d: give 1 to 100", opts.Count)
	}
	if u := opts.NotesURL; u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return usageErrorf("--notes-url %q is not a web address (https://…)", u)
	}
	ro, err := opts.rolloutInputs()
	if err != nil {
		return err
	}
	set, err := f.Templates()
	if err != nil {
		return err
	}
	ao := upgrades.AnnounceOptions{Rollout: ro, Count: opts.Count, Templates: set, NotesURL: opts.NotesURL, Generator: f.Generator()}
	if opts.Apply || opts.ReadTickets {
		client, err := f.ZendeskClient("", ro.Workspace.Config)
		if err != nil {
			return err
		}
		if err := readTickets(cmd.Context(), client, &ao.Rollout); err != nil {
			return err
		}
		if opts.Apply {
			root, err := f.WorkspaceRoot()
			if err != nil {
				return err
			}
			ao.Client, ao.Lock = client, scheduleLock(filepath.Join(root, "dist"))
		}
	} else {
		notReadNote(f)
	}
	res, err := upgrades.Announce(cmd.Context(), ao)
	if err != nil {
		return err
	}
	ios := f.IO
	if opts.Out != "" {
		var files []templates.CommunicationFile
		for _, a := range res.Announcements {
			files = append(files, a.File)
		}
		if err := writeCommunications(opts.Out, files); err != nil {
			return err
		}
	}
	for _, a := range res.Announcements {
		for _, w := range a.Warnings {
			fmt.Fprintf(ios.ErrOut, "%s %s: %s\n", ios.Yellow("warning:"), a.Customer, w)
		}
	}
	if opts.JSON {
		return writeJSON(ios.Out, res)
	}
	fmt.Fprintf(ios.Out, "Announcements of %s %s: %d customer%s\n", res.Product, res.To, len(res.Announcements), plural(len(res.Announcements)))
	if res.NotesURL != "" {
		fmt.Fprintf(ios.Out, "Release notes: %s\n", res.NotesURL)
	}
	fmt.Fprintln(ios.Out)
	tw := newTable(ios, ios.Out)
	fmt.Fprintln(tw, "CUSTOMER\tOWNER\tPATH\tLANGUAGE\tFIRST SLOT\tTICKET")
	for _, a := range res.Announcements {
		first := "none yet"
		if len(a.Slots) > 0 {
			first = a.Slots[0]
		}
		ticket := "would open"
		if a.Ticket.Action != upgrades.TicketPlanned {
			ticket = fmt.Sprintf("%s #%d", a.Ticket.Action, a.Ticket.ID)
		}
		path := a.From + " → " + a.To
		if a.Major {
			path += " (major)"
		}
		fmt.Fprintf(tw, "%s\t%s <%s>, %s\t%s\t%s\t%s\t%s\n", a.Customer, a.Owner, a.OwnerEmail, a.OwnerRole, path, a.Locale, first, ticket)
	}
	tw.Flush()
	if len(res.NotAnnounced) > 0 {
		fmt.Fprintf(ios.Out, "\nNot announced: %s\n", strings.Join(res.NotAnnounced, ", "))
	}
	if opts.Out != "" {
		var names []string
		for _, a := range res.Announcements {
			names = append(names, a.File.Name)
		}
		fmt.Fprintf(ios.Out, "Messages in %s: %s\n", opts.Out, strings.Join(names, ", "))
	}
	return nil
}
