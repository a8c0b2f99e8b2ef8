package upgrades

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/zendesk"
)

// AnnounceOptions say which release to announce to the customers' owners.
type AnnounceOptions struct {
	// Rollout plans the slots each message proposes (the customer's next
	// Count slots, against the rest of the fleet's plan, as propose finds
	// them).
	Rollout RolloutOptions
	Count   int
	// Templates render the default locale's messages.
	Templates *templates.Set
	// NotesURL links to the release notes; empty for the GitHub release's
	// page (whose text is the notes) when the workspace publishes there.
	NotesURL string
	// Client posts the tickets; nil prepares the messages only.
	Client    *zendesk.Client
	Generator string
	// Lock serialises two announcements of one customer on this machine, as
	// ScheduleOptions.Lock does.
	Lock func(ctx context.Context, key string) (unlock func(), err error)
}

// Announcement is the message to one customer's vendor-side owner.
type Announcement struct {
	Customer string `json:"customer"`
	Name     string `json:"name"`
	Stage    string `json:"stage"`
	// Owner is the vendor-side owner the ticket is assigned to, and OwnerRole
	// their role by the customer's stage.
	Owner      string `json:"owner"`
	OwnerEmail string `json:"ownerEmail"`
	OwnerRole  string `json:"ownerRole"`
	From       string `json:"from"`
	To         string `json:"to"`
	Locale     string `json:"locale"`
	Major      bool   `json:"major"`
	// Slots are the first windows' days proposed, in the customer's zone.
	Slots  []string     `json:"slots"`
	Ticket TicketResult `json:"ticket"`
	// Warnings are things to look at that do not stop the announcement.
	Warnings []string `json:"warnings,omitempty"`
	// File is the message as Markdown, named <customer>.md (in a locale's
	// folder when translated).
	File templates.CommunicationFile `json:"-"`
}

// AnnounceResult is a release's announcements.
type AnnounceResult struct {
	Product string `json:"product"`
	To      string `json:"to"`
	// NotesURL is the link to the release notes the messages carry.
	NotesURL      string         `json:"notesUrl,omitempty"`
	Announcements []Announcement `json:"announcements"`
	// NotAnnounced are the entries without a message, with why: the vendor's
	// own environments, customers up to date or done.
	NotAnnounced []string `json:"notAnnounced"`
}

// announceExternalID identifies the announcement of a release to one
// customer's owner: one ticket each.
func announceExternalID(product, customer, version string) string {
	return product + "-announce-" + customer + "-" + version
}

// AnnounceTag is on every announcement ticket.
const AnnounceTag = "atlas-release-announce"

// Announce prepares, for each customer that needs the release (not the
// vendor's own environments), the message to its vendor-side owner: what is
// new, the townhall, what the customer's path takes, the slots proposed, and
// for a major the pre-upgrade call and the prerequisites. With a client it
// posts each as a ZenDesk ticket assigned to the owner's agent, once per
// customer and release however often it runs (the external id, an
// Idempotency-Key, the lock and the duplicate check of the change tickets);
// every owner is looked up first, and one who is not an agent stops it
// before anything is written. A ticket found is left as it is, but for its
// assignee when the owner changed.
func Announce(ctx context.Context, o AnnounceOptions) (*AnnounceResult, error) {
	ro := o.Rollout
	ws := ro.Workspace
	if ws.Customers == nil {
		return nil, &InputError{ErrNoCustomers}
	}
	cfg := ws.Config
	target, err := ws.Release(ro.To)
	if err != nil {
		return nil, err
	}
	for id := range ro.Completed {
		if ws.Customers.Customer(id) == nil {
			return nil, invalidf("no customer %q in %s (customers: %s)", id, releases.CustomersFile, strings.Join(customerIDs(ws), ", "))
		}
	}
	res := &AnnounceResult{Product: cfg.Product.Name, To: ro.To.String(), NotesURL: o.NotesURL, Announcements: []Announcement{}, NotAnnounced: []string{}}
	if res.NotesURL == "" && cfg.GitHub != nil {
		res.NotesURL = cfg.GitHub.ReleaseURL(target.SemVer().String())
	}
	slots, noSlots, err := proposals(ctx, ro, max(o.Count, 1))
	if err != nil {
		return nil, err
	}
	var messages []templates.Message
	for i := range ws.Customers.Customers {
		c := &ws.Customers.Customers[i]
		entry, p, err := planOne(ws, c, ro.To)
		if err != nil {
			return nil, &InputError{err}
		}
		switch {
		case c.Internal:
			res.NotAnnounced = append(res.NotAnnounced, c.ID+" (the vendor's own environment)")
			continue
		case entry.Status == NeedsInstall:
			// Nothing deployed yet: its implementation lead plans the
			// deployment (upgrades schedule opens its deployment ticket).
			res.NotAnnounced = append(res.NotAnnounced, c.ID+" (new deployment, scheduled by its implementation lead)")
			continue
		case entry.Status != NeedsUpgrade:
			res.NotAnnounced = append(res.NotAnnounced, fmt.Sprintf("%s (%s)", c.ID, entry.Status))
			continue
		case !ro.Completed[c.ID].IsZero():
			res.NotAnnounced = append(res.NotAnnounced, c.ID+" (completed)")
			continue
		}
		eo := templates.EngagementOptions{CommsOptions: templates.CommsOptions{Generator: o.Generator, Customer: c, BundleURL: entry.BundleURL},
			NotesURL: res.NotesURL, Slots: slots[c.ID], NoSlots: noSlots[c.ID]}
		a := Announcement{Customer: c.ID, Name: c.Name, Stage: string(c.Stage), Owner: c.Contact.Name, OwnerEmail: c.Contact.Email,
			OwnerRole: c.Stage.OwnerRole(), From: entry.From, To: entry.To, Locale: cfg.DefaultLocale(), Slots: []string{}}
		for _, s := range eo.Slots {
			a.Slots = append(a.Slots, s.Windows[0].Date+" "+s.Windows[0].Time+" "+s.TimeZone)
		}
		if eo.NoSlots != "" {
			a.Warnings = append(a.Warnings, "no slot to propose: "+eo.NoSlots)
		}
		e := templates.NewEngagement(ws, p, eo)
		a.Major = e.Major
		msg, err := o.Templates.RenderEngagement(e)
		if err != nil {
			return nil, err
		}
		a.File = templates.CommunicationFile{Name: c.ID + ".md", Data: msg.Markdown}
		if c.Locale != "" && c.Locale != cfg.DefaultLocale() {
			lm, ok, err := templates.LocalizedEngagement(ws, p, c.Locale, eo)
			switch {
			case err != nil:
				return nil, err
			case ok:
				msg, a.Locale = lm, c.Locale
				a.File = templates.CommunicationFile{Name: c.Locale + "/" + c.ID + ".md", Data: msg.Markdown}
			default:
				a.Warnings = append(a.Warnings, fmt.Sprintf("the message is not translated into %s for this path: it is in %s", c.Locale, cfg.DefaultLocale()))
			}
		}
		a.Ticket = TicketResult{Action: TicketPlanned, ExternalID: announceExternalID(cfg.Product.ID, c.ID, ro.To.String()), Subject: msg.Subject}
		res.Announcements = append(res.Announcements, a)
		messages = append(messages, msg)
	}
	if o.Client == nil {
		return res, nil
	}
	return res, postAnnouncements(ctx, o, res, messages)
}

// proposals are the slots each customer's message proposes: its next count
// slots against the rest of the fleet's plan, as propose finds them, or why
// there are none.
func proposals(ctx context.Context, o RolloutOptions, count int) (map[string][]templates.ProposedSlot, map[string]string, error) {
	slots, none := map[string][]templates.ProposedSlot{}, map[string]string{}
	ws := o.Workspace
	if ws.Config.Standby == nil {
		for _, c := range ws.Customers.Customers {
			none[c.ID] = fmt.Sprintf("%s has no standby roster to plan slots against; the release manager proposes dates", releases.ConfigFile)
		}
		return slots, none, nil
	}
	f, err := buildFleet(o)
	if err != nil {
		return nil, nil, err
	}
	p, err := f.in.schedule(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, fe := range f.in.entries {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if fe.cu.Internal || !fe.done.IsZero() {
			continue
		}
		found, why := f.in.alternatives(p, fe, count)
		if len(found) == 0 {
			var reasons []string
			for _, s := range why {
				reasons = append(reasons, s.String())
			}
			none[fe.cu.ID] = fmt.Sprintf("no slot in the %d weeks from %s (%s)", f.in.weeks, f.in.from, strings.Join(reasons, "; "))
			continue
		}
		for _, a := range found {
			s := f.slot(o, fe, a)
			ps := templates.ProposedSlot{TimeZone: s.TimeZone, Windows: s.Windows, Engineer: s.Engineer, Waiting: s.Status == SlotWaiting}
			if fe.cu.ChangeProcess == releases.CABProcess && s.Approval == "" {
				first, err := releases.ParseDate(s.Windows[0].Date)
				if err != nil {
					return nil, nil, err
				}
				ps.RequestBy = first.AddDays(-fe.cu.CABLeadTimeDays).String()
			}
			slots[fe.cu.ID] = append(slots[fe.cu.ID], ps)
		}
	}
	return slots, none, nil
}

// postAnnouncements posts each message as a ticket assigned to its owner's
// agent: every owner is looked up before anything is written.
func postAnnouncements(ctx context.Context, o AnnounceOptions, res *AnnounceResult, messages []templates.Message) error {
	cfg := o.Rollout.Workspace.Config
	agents := map[string]int64{}
	for _, a := range res.Announcements {
		if _, ok := agents[a.OwnerEmail]; ok {
			continue
		}
		u, err := o.Client.AgentByEmail(ctx, a.OwnerEmail)
		var none *zendesk.NoAgentError
		if errors.As(err, &none) {
			return &InputError{fmt.Errorf("%s's owner %s: %w: make them a ZenDesk agent, or fix contact.email of %s in %s", a.Customer, a.OwnerEmail, err, a.Customer, releases.CustomersFile)}
		}
		if err != nil {
			return fmt.Errorf("looking up the ZenDesk agent %s: %w", a.OwnerEmail, err)
		}
		agents[a.OwnerEmail] = u.ID
	}
	for i := range res.Announcements {
		a := &res.Announcements[i]
		t := zendesk.NewTicket{Subject: a.Ticket.Subject, ExternalID: a.Ticket.ExternalID,
			Comment:    zendesk.TicketComment{HTMLBody: messages[i].HTML, Public: false},
			Tags:       []string{ownTag, AnnounceTag, "customer-" + a.Customer, cfg.Product.ID + "-" + a.To},
			AssigneeID: agents[a.OwnerEmail]}
		if err := announceOne(ctx, o, ticketJob{t: t, key: t.ExternalID, who: a.Customer}, a); err != nil {
			return fmt.Errorf("%s: %w", a.Customer, err)
		}
	}
	return nil
}

func announceOne(ctx context.Context, o AnnounceOptions, job ticketJob, a *Announcement) error {
	if o.Lock != nil {
		unlock, err := o.Lock(ctx, job.t.ExternalID)
		if err != nil {
			return fmt.Errorf("waiting for another announcement to %s: %w", a.Customer, err)
		}
		defer unlock()
	}
	return openTicket(ctx, o.Client, job, &a.Ticket, &a.Warnings)
}
