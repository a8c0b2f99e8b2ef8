package upgrades

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/zendesk"
)

// ScheduleOptions say which upgrade to schedule.
type ScheduleOptions struct {
	Workspace *releases.Workspace
	// Templates render the default locale's communications.
	Templates *templates.Set
	// Client opens the ticket; nil with DryRun.
	Client   *zendesk.Client
	Customer string
	To       *semver.Version
	// Date is the day of the first window; At its local start (HH:MM),
	// empty for the customer's preferred time.
	Date releases.Date
	At   string
	// DryRun prepares the ticket and the communications without writing.
	DryRun    bool
	Generator string
	// Lock, when set, is held across the look-up and the create of the ticket,
	// keyed by the ticket's external id: two schedules of one upgrade on this
	// machine take turns, and the second finds the ticket of the first. Runs on
	// other machines are covered by the check that follows every create.
	Lock func(ctx context.Context, key string) (unlock func(), err error)
	// AssigneeID assigns the ticket to an agent (the standby engineer of a
	// rollout); 0 leaves the assignee alone.
	AssigneeID int64
	// Tags are the rollout's tags (ring-N, cab-pending or cab-approved): added
	// to the ticket, and tags of those kinds it no longer should have removed.
	// People's own tags are never touched.
	Tags []string
	// Today is the day the schedule is made (required): a change board's lead
	// time counts from it, unless History records the board's approval.
	Today   releases.Date
	History *releases.History
	// RequestedOn, when set, is the day the change request already went to
	// the board (a rollout keeping an open ticket's slot): the lead time
	// counts from it instead.
	RequestedOn releases.Date
}

// TicketAction says what scheduling did to the ticket.
type TicketAction string

// The ticket actions.
const (
	TicketCreated     TicketAction = "created"
	TicketFound       TicketAction = "found"
	TicketRescheduled TicketAction = "rescheduled"
	// TicketUpdated: found, and reassigned or retagged, at the same date.
	TicketUpdated TicketAction = "updated"
	TicketPlanned TicketAction = "planned"
)

// ScheduleResult is a scheduled upgrade.
type ScheduleResult struct {
	Customer string `json:"customer"`
	// From is empty for a deployment.
	From string `json:"from,omitempty"`
	To   string `json:"to"`
	// Deployment: the customer runs nothing yet, and the ticket is the
	// deployment of To from its install bundle.
	Deployment bool `json:"deployment,omitempty"`
	// Windows are the planned windows, in the customer's time zone.
	Windows  []templates.ScheduledWindow `json:"windows"`
	TimeZone string                      `json:"timeZone"`
	Ticket   TicketResult                `json:"ticket"`
	// Warnings are things to look at that do not stop the schedule.
	Warnings []string `json:"warnings,omitempty"`
	// Files are the communications for the customer: the change request and
	// the calendar, and the announcements in the customer's language when the
	// workspace translates them.
	Files []templates.CommunicationFile `json:"-"`
}

// TicketResult is the change ticket.
type TicketResult struct {
	Action     TicketAction `json:"action"`
	ID         int64        `json:"id,omitempty"`
	URL        string       `json:"url,omitempty"`
	ExternalID string       `json:"externalId"`
	Subject    string       `json:"subject"`
	// Replayed reports a create that ZenDesk answered from its idempotency
	// cache: a repeat of a create whose answer was lost.
	Replayed bool `json:"replayed,omitempty"`
}

// Schedule plans one customer's upgrade for a day and opens its change ticket,
// or finds it: the ticket is looked up by its external id first (idempotency
// keys expire after two hours), then created with an idempotency key derived
// from the upgrade and the day, so that a create whose answer is lost can be
// repeated safely; a key already used with another body (the manifest changed
// meanwhile) falls back to the look-up. A ticket found for another day gets a
// comment saying the upgrade moved. Re-running never opens a second ticket;
// two runs at once are serialised by Lock on one machine, and after every create
// the external id is looked up again: of two tickets opened at once, the oldest
// is kept and the younger solved as its duplicate.
func Schedule(ctx context.Context, o ScheduleOptions) (*ScheduleResult, error) {
	ws := o.Workspace
	cfg := ws.Config
	if ws.Customers == nil {
		return nil, ErrNoCustomers
	}
	c := ws.Customers.Customer(o.Customer)
	if c == nil {
		var ids []string
		for _, cu := range ws.Customers.Customers {
			ids = append(ids, cu.ID)
		}
		return nil, invalidf("no customer %q in %s (customers: %s)", o.Customer, releases.CustomersFile, strings.Join(ids, ", "))
	}
	deploy := c.NeedsDeployment()
	var (
		from *semver.Version
		err  error
	)
	if deploy {
		// Nothing deployed yet: the install procedure of the target, or the
		// reason there is none.
		if _, err := ws.InstallPlan(o.To); err != nil {
			return nil, fmt.Errorf("%s has nothing deployed yet: %w", c.ID, err)
		}
	} else {
		if from, err = releases.ParseVersion(c.Version); err != nil {
			return nil, err
		}
		if !from.LessThan(o.To) {
			return nil, invalidf("%s runs %s already: nothing to upgrade to %s", c.ID, from, o.To)
		}
	}
	target, err := ws.Release(o.To)
	if err != nil {
		return nil, err
	}
	if earliest := target.ReleaseDate.AddDays(target.LeadTimeDays); o.Date.Before(earliest) {
		return nil, invalidf("%s can be installed from %s (released %s, %d days' lead time), not on %s",
			o.To, earliest, target.ReleaseDate, target.LeadTimeDays, o.Date)
	}
	cabWarning, err := checkLeadTime(o, c)
	if err != nil {
		return nil, err
	}
	window := c.Window
	if o.At != "" {
		window.Start = o.At
	}
	start, err := window.StartOn(o.Date)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.ID, err)
	}
	entry, p, err := planOne(ws, c, o.To)
	if err != nil {
		return nil, err
	}
	res := &ScheduleResult{Customer: c.ID, To: o.To.String(), Deployment: deploy, TimeZone: start.Location().String()}
	if !deploy {
		res.From = from.String()
	}
	if start.Weekday() != c.Window.Weekday() {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s is a %s; %s prefers %ss", o.Date, start.Weekday(), c.ID, c.Window.Weekday()))
	}
	if cabWarning != "" {
		res.Warnings = append(res.Warnings, cabWarning)
	}
	if entry.Note != "" {
		res.Warnings = append(res.Warnings, entry.Note)
	}
	comms := templates.NewCommunications(ws, p, templates.CommsOptions{Generator: o.Generator, Customer: c, Start: start, BundleURL: entry.BundleURL})
	res.Windows = comms.Schedule.Windows
	kind := ticketKinds[deploy]
	if deploy {
		res.Files, err = o.Templates.RenderDeployment(comms)
	} else {
		res.Files, err = o.Templates.RenderCommunications(comms, false)
	}
	if err != nil {
		return nil, err
	}
	if !deploy && c.Locale != "" && c.Locale != cfg.DefaultLocale() {
		localized, ok, err := templates.LocalizedAnnouncements(ws, p, c.Locale, templates.CommsOptions{Generator: o.Generator, Customer: c, Start: start, BundleURL: entry.BundleURL})
		if err != nil {
			return nil, err
		}
		if ok {
			for _, f := range localized {
				f.Name = c.Locale + "/" + f.Name
				res.Files = append(res.Files, f)
			}
		} else {
			res.Warnings = append(res.Warnings, fmt.Sprintf("the announcements are not translated into %s for this path: they are in %s", c.Locale, cfg.DefaultLocale()))
		}
	}
	var body bytes.Buffer
	if err := o.Templates.RenderCommunication(&body, kind.template, comms, templates.HTML); err != nil {
		return nil, err
	}
	first := res.Windows[0]
	res.Ticket = TicketResult{Action: TicketPlanned, ExternalID: kind.externalID(cfg.Product.ID, c.ID, o.To.String()),
		Subject: kind.subject(c.Name, cfg.Product.Name, o.To.String(), first, res.TimeZone)}
	if o.DryRun {
		return res, nil
	}
	ticket := zendesk.NewTicket{Subject: res.Ticket.Subject, ExternalID: res.Ticket.ExternalID,
		Comment:    zendesk.TicketComment{HTMLBody: body.String(), Public: false},
		Tags:       append([]string{ownTag, cfg.Product.ID + "-" + kind.name, "customer-" + c.ID, cfg.Product.ID + "-" + o.To.String()}, o.Tags...),
		AssigneeID: o.AssigneeID}
	if o.Lock != nil {
		unlock, err := o.Lock(ctx, res.Ticket.ExternalID)
		if err != nil {
			return res, fmt.Errorf("waiting for another schedule of %s to %s: %w", c.ID, o.To, err)
		}
		defer unlock()
	}
	job := ticketJob{t: ticket, key: res.Ticket.ExternalID + "@" + first.StartUTC.Format(time.RFC3339), managed: o.Tags, reschedules: true, who: c.ID}
	return res, openTicket(ctx, o.Client, job, &res.Ticket, &res.Warnings)
}

// ticketJob is one ticket to find or open, one per external id however often
// it runs: the ticket as it should be and the idempotency key of its create.
type ticketJob struct {
	t   zendesk.NewTicket
	key string
	// managed are the rollout tags a found ticket is brought in line with.
	managed []string
	// reschedules: a ticket found with another subject was planned for
	// another start; it gets the new subject and a comment that says when the
	// upgrade is now. Without it, a found ticket's subject and comments are
	// left as they are (an announcement is made once).
	reschedules bool
	// who names the ticket's customer in errors.
	who string
}

// checkLeadTime refuses a window inside a CAB customer's board lead time,
// counted from today (or the day the request went to the board), unless the
// board approved it; an approval of another day is a warning.
func checkLeadTime(o ScheduleOptions, c *releases.Customer) (warning string, err error) {
	if c.ChangeProcess != releases.CABProcess {
		return "", nil
	}
	if o.Today.IsZero() {
		return "", errors.New("upgrades: schedule without a day to count the change board's lead time from")
	}
	a := approval(o.History, c.ID)
	if a != nil && (a.Window.IsZero() || a.Window.String() == o.Date.String()) {
		return "", nil
	}
	requested := o.Today
	if !o.RequestedOn.IsZero() && o.RequestedOn.Before(requested) {
		requested = o.RequestedOn
	}
	if earliest := requested.AddDays(c.CABLeadTimeDays); o.Date.Before(earliest) {
		return "", invalidf("%s's change board needs %d days from the request (cabLeadTimeDays in %s): the earliest window requested on %s is %s, not %s; "+
			"choose a later --date, or record the board's approval of this window first (upgrades approve %s --to %s --ref …)",
			c.ID, c.CABLeadTimeDays, releases.CustomersFile, requested, earliest, o.Date, c.ID, o.To)
	}
	if a != nil {
		return fmt.Sprintf("%s's change board approved the window of %s (%s): %s needs its approval again", c.ID, a.Window, a.Ref, o.Date), nil
	}
	return "", nil
}

// ticketKind is what a customer's ticket opens: an upgrade of what the
// customer runs, or the new deployment of a customer being implemented. Both
// go through the same look-up, lock and duplicate check; they differ in the
// request, the subject and the external id.
type ticketKind struct {
	// name goes into the external id and the <product>-<name> tag.
	name     string
	template string
	// verb starts the subject; parseChangeSubject reads back both kinds'.
	verb string
}

// ticketKinds are the kinds, by whether the customer needs a deployment.
var ticketKinds = map[bool]ticketKind{
	false: {name: "upgrade", template: templates.ChangeRequestMarkdown, verb: "Upgrade"},
	true:  {name: "deployment", template: templates.DeploymentRequestMarkdown, verb: "Deploy"},
}

// subject is a ticket's subject: it says when the first window starts, so
// that a ticket moved to another start gets a new one, and a rollout reads
// back the slot an open ticket holds (parseChangeSubject).
func (k ticketKind) subject(customer, product, to string, first templates.ScheduledWindow, zone string) string {
	if k.template == templates.DeploymentRequestMarkdown {
		return fmt.Sprintf("%s %s %s for %s on %s %s (%s)", k.verb, product, to, customer, first.Date, first.Time, zone)
	}
	return fmt.Sprintf("%s %s to %s %s on %s %s (%s)", k.verb, customer, product, to, first.Date, first.Time, zone)
}

// externalID identifies a customer's upgrade, or deployment, of a version:
// one ticket each. The kind is part of it, so that the deployment ticket and
// a later upgrade ticket of one customer never share an id.
func (k ticketKind) externalID(product, customer, version string) string {
	return product + "-" + k.name + "-" + customer + "-" + version
}

// subjectSlot finds the slot at the end of a change ticket's subject.
var subjectSlot = regexp.MustCompile(` on ([0-9]{4}-[0-9]{2}-[0-9]{2}) ([0-9]{2}:[0-9]{2}) \([^()]*\)$`)

// parseChangeSubject reads the first window's day and local start from a
// change ticket's subject; ok is false for a subject this tool did not write
// (or that people edited).
func parseChangeSubject(subject string) (day releases.Date, start string, ok bool) {
	m := subjectSlot.FindStringSubmatch(subject)
	ours := false
	for _, k := range ticketKinds {
		ours = ours || strings.HasPrefix(subject, k.verb+" ")
	}
	if m == nil || !ours {
		return releases.Date{}, "", false
	}
	d, err := releases.ParseDate(m[1])
	if err != nil {
		return releases.Date{}, "", false
	}
	if h, mm, _ := strings.Cut(m[2], ":"); h > "23" || mm > "59" {
		return releases.Date{}, "", false
	}
	return d, m[2], true
}

// ticketID is the external id of a customer's ticket for a version: its
// deployment when it runs nothing yet, else its upgrade.
func ticketID(product string, c *releases.Customer, version string) string {
	return ticketKinds[c.NeedsDeployment()].externalID(product, c.ID, version)
}

// DuplicateTag marks a ticket solved as the duplicate of another: two runs
// opened the same upgrade's ticket at once.
const DuplicateTag = "atlas-release-duplicate"

// ownTag is on every ticket this tool opens.
const ownTag = "atlas-release"

// openTicket finds or creates the ticket, then makes sure it is the only one.
// What it did goes into res, and what to look at into warnings.
func openTicket(ctx context.Context, client *zendesk.Client, job ticketJob, res *TicketResult, warnings *[]string) error {
	t := job.t
	found, err := findTicket(ctx, client, job, res, warnings)
	if err != nil || found {
		return err
	}
	created, replayed, err := client.CreateTicket(ctx, t, job.key)
	var e *zendesk.Error
	if errors.As(err, &e) && e.Code == zendesk.IdempotentConflict {
		// The key was used with another body: a ticket exists.
		if found, ferr := findTicket(ctx, client, job, res, warnings); ferr != nil || found {
			return ferr
		}
		return fmt.Errorf("ZenDesk says the ticket of %s was already created, but no ticket has the external id %s: %w", job.who, t.ExternalID, err)
	}
	if err != nil {
		return err
	}
	res.Action, res.ID, res.URL, res.Replayed = TicketCreated, created.ID, client.TicketURL(created.ID), replayed
	// Another run may have opened the ticket meanwhile (on another machine, or
	// a create of its that landed late): the oldest is kept, ours is solved as
	// its duplicate, and the schedule goes on with the oldest.
	tickets, err := client.TicketsByExternalID(ctx, t.ExternalID)
	if err != nil {
		return fmt.Errorf("ticket %d was opened, but looking for a duplicate failed: %w", created.ID, err)
	}
	oldest := oldestTicket(tickets)
	if oldest == nil || oldest.ID == created.ID {
		return nil
	}
	if err := markDuplicate(ctx, client, created.ID, oldest.ID, t.ExternalID); err != nil {
		return err
	}
	*warnings = append(*warnings, fmt.Sprintf("ticket %d, opened at the same time as %d by another run, was solved as its duplicate", created.ID, oldest.ID))
	res.Replayed = false
	_, err = useTicket(ctx, client, job, *oldest, res)
	return err
}

// oldestTicket is the ticket opened first, nil for none.
func oldestTicket(tickets []zendesk.Ticket) *zendesk.Ticket {
	if len(tickets) == 0 {
		return nil
	}
	tickets = slices.Clone(tickets)
	slices.SortFunc(tickets, func(a, b zendesk.Ticket) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return &tickets[0]
}

// markDuplicate solves a ticket as the duplicate of another and gives up its
// external id, so that look-ups find only the one kept.
func markDuplicate(ctx context.Context, client *zendesk.Client, id, of int64, externalID string) error {
	solved, ext := "solved", fmt.Sprintf("%s-duplicate-of-%d", externalID, of)
	note := zendesk.TicketComment{HTMLBody: fmt.Sprintf("<p>Duplicate of ticket %d: two schedules of this upgrade ran at once. Solved automatically; follow ticket %d.</p>", of, of)}
	if _, err := client.UpdateTicket(ctx, id, zendesk.TicketUpdate{Status: &solved, ExternalID: &ext, Comment: &note}); err != nil {
		return fmt.Errorf("solving ticket %d as a duplicate of %d: %w", id, of, err)
	}
	return nil
}

// findTicket looks the ticket up by its external id and uses the oldest. Younger
// ones that this tool opened and nobody has worked on yet (still new) are solved
// as duplicates; others are left to people, with a warning.
func findTicket(ctx context.Context, client *zendesk.Client, job ticketJob, res *TicketResult, warnings *[]string) (bool, error) {
	t := job.t
	tickets, err := client.TicketsByExternalID(ctx, t.ExternalID)
	if err != nil || len(tickets) == 0 {
		return false, err
	}
	tk := *oldestTicket(tickets)
	var others []string
	for _, o := range tickets {
		switch {
		case o.ID == tk.ID:
		case o.Status == "new" && slices.Contains(o.Tags, ownTag):
			if err := markDuplicate(ctx, client, o.ID, tk.ID, t.ExternalID); err != nil {
				return true, err
			}
			*warnings = append(*warnings, fmt.Sprintf("ticket %d duplicated %d; it was solved as its duplicate", o.ID, tk.ID))
		default:
			others = append(others, fmt.Sprint(o.ID))
		}
	}
	if len(others) > 0 {
		*warnings = append(*warnings, fmt.Sprintf("tickets %s also have the external id %s; the oldest, %d, is used", strings.Join(others, ", "), t.ExternalID, tk.ID))
	}
	return useTicket(ctx, client, job, tk, res)
}

// useTicket reports a ticket found; a change ticket planned for another start
// gets a comment that says when the upgrade is now. With managed tags (a
// rollout), those tags are brought in line too, and the assignee, in the same
// update; nothing is written when all is as it should be.
func useTicket(ctx context.Context, client *zendesk.Client, job ticketJob, tk zendesk.Ticket, res *TicketResult) (bool, error) {
	t, managed := job.t, job.managed
	res.Action, res.ID, res.URL = TicketFound, tk.ID, client.TicketURL(tk.ID)
	var u zendesk.TicketUpdate
	if len(managed) > 0 {
		for _, tag := range managed {
			if !slices.Contains(tk.Tags, tag) {
				u.AdditionalTags = append(u.AdditionalTags, tag)
			}
		}
		for _, tag := range tk.Tags {
			if rolloutTag(tag) && !slices.Contains(managed, tag) {
				u.RemoveTags = append(u.RemoveTags, tag)
			}
		}
	}
	if t.AssigneeID != 0 && tk.AssigneeID != t.AssigneeID {
		u.AssigneeID = &t.AssigneeID
	}
	moved := job.reschedules && tk.Subject != t.Subject
	if !moved && u.AdditionalTags == nil && u.RemoveTags == nil && u.AssigneeID == nil {
		return true, nil
	}
	res.Action = TicketUpdated
	if moved {
		// Moved to another start: the subject says when, and a comment the new plan.
		note := zendesk.TicketComment{HTMLBody: fmt.Sprintf("<p><strong>Rescheduled:</strong> %s.</p>%s", html.EscapeString(t.Subject), t.Comment.HTMLBody)}
		u.Subject, u.Comment = &t.Subject, &note
		res.Action = TicketRescheduled
	}
	if _, err := client.UpdateTicket(ctx, tk.ID, u); err != nil {
		return true, err
	}
	return true, nil
}

// rolloutTag reports a tag a rollout manages: the ring and the change board's
// state.
func rolloutTag(tag string) bool {
	return strings.HasPrefix(tag, "ring-") || tag == CABPendingTag || tag == CABApprovedTag
}

// The tags of a CAB customer's change ticket: waiting for the board, or
// approved.
const (
	CABPendingTag  = "cab-pending"
	CABApprovedTag = "cab-approved"
)
