package upgrades

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/zendesk"
)

// OpenTicket is an entry's change ticket that is not solved yet: the slot it
// holds.
type OpenTicket struct {
	ID int64 `json:"id"`
	// Day and Start are the first window's day and local start, as the
	// ticket's subject says them.
	Day   releases.Date `json:"day"`
	Start string        `json:"start"`
	// Opened is the day the ticket was opened (UTC): the day the change
	// request went to a change board.
	Opened releases.Date `json:"opened"`
	// Engineer is the email of the ticket's assignee when they are an
	// engineer of the standby roster; "" otherwise.
	Engineer string `json:"engineer,omitempty"`
}

// TicketStates are what ZenDesk says about the change tickets of a release.
type TicketStates struct {
	// Completed are the entries whose ticket is solved or closed, as of the
	// ticket's last update.
	Completed map[string]time.Time
	// Open are the other tickets, whose slots a rollout keeps. A ticket whose
	// subject no longer says its day (edited by hand) is left out.
	Open map[string]OpenTicket
}

// ReadTickets reads each entry's change ticket of the target: solved or
// closed ones complete their entry (until the workspace records outcomes in
// history/<version>.yaml, this is how a ring is known to be complete), and
// open ones hold their slot. It only reads: the standby engineers' agents are
// looked up to know whose a ticket is, and one who is not an agent is no
// error here (ApplyRollout refuses them before writing).
func ReadTickets(ctx context.Context, client *zendesk.Client, ws *releases.Workspace, to *semver.Version) (*TicketStates, error) {
	out := &TicketStates{Completed: map[string]time.Time{}, Open: map[string]OpenTicket{}}
	if ws.Customers == nil {
		return out, nil
	}
	engineers := map[int64]string{}
	var lookedUp bool
	for _, c := range ws.Customers.Customers {
		if !c.NeedsDeployment() {
			from, err := releases.ParseVersion(c.Version)
			if err != nil || !from.LessThan(to) {
				continue
			}
		}
		tickets, err := client.TicketsByExternalID(ctx, ticketID(ws.Config.Product.ID, &c, to.String()))
		if err != nil {
			return nil, fmt.Errorf("reading the change ticket of %s: %w", c.ID, err)
		}
		tk := oldestTicket(tickets)
		switch {
		case tk == nil:
			continue
		case tk.Status == "solved" || tk.Status == "closed":
			out.Completed[c.ID] = tk.UpdatedAt
			continue
		}
		day, start, ok := parseChangeSubject(tk.Subject)
		if !ok {
			continue
		}
		if tk.AssigneeID != 0 && !lookedUp && ws.Config.Standby != nil {
			lookedUp = true
			for _, en := range ws.Config.Standby.Engineers {
				u, err := client.AgentByEmail(ctx, en.Email)
				var none *zendesk.NoAgentError
				switch {
				case errors.As(err, &none):
				case err != nil:
					return nil, fmt.Errorf("looking up the ZenDesk agent %s: %w", en.Email, err)
				default:
					engineers[u.ID] = en.Email
				}
			}
		}
		out.Open[c.ID] = OpenTicket{ID: tk.ID, Day: day, Start: start, Opened: releases.DateOf(tk.CreatedAt.UTC()), Engineer: engineers[tk.AssigneeID]}
	}
	return out, nil
}

// ApplyOptions say how to apply a rollout.
type ApplyOptions struct {
	Workspace *releases.Workspace
	Templates *templates.Set
	Client    *zendesk.Client
	Generator string
	Lock      func(ctx context.Context, key string) (unlock func(), err error)
	// Today and History are the rollout's (RolloutOptions): change boards'
	// lead times count from Today, unless approved.
	Today   releases.Date
	History *releases.History
}

// ApplyRollout opens or finds the change ticket of every scheduled or
// tentative slot, as `upgrades schedule` does (one ticket per upgrade, however
// often it runs), assigned to the standby engineer's ZenDesk agent and tagged
// with the ring and the change board's state. Every engineer's agent is looked
// up before anything is written; one who is not an agent is an InputError.
// Slots that wait for an earlier ring get no ticket yet. A re-run writes
// nothing when nothing changed, and updates only the tickets whose date,
// engineer or tags changed.
func ApplyRollout(ctx context.Context, o ApplyOptions, r *Rollout) error {
	agents := map[string]int64{}
	var emails []string
	for _, s := range r.Slots {
		if applies(s) && !slices.Contains(emails, s.EngineerEmail) {
			emails = append(emails, s.EngineerEmail)
		}
	}
	slices.Sort(emails)
	for _, email := range emails {
		u, err := o.Client.AgentByEmail(ctx, email)
		var none *zendesk.NoAgentError
		if errors.As(err, &none) {
			return &InputError{fmt.Errorf("standby engineer %s: %w: make them a ZenDesk agent, or fix their email under standby in %s", email, err, releases.ConfigFile)}
		}
		if err != nil {
			return fmt.Errorf("looking up the ZenDesk agent %s: %w", email, err)
		}
		agents[email] = u.ID
	}
	to, err := releases.ParseVersion(r.To)
	if err != nil {
		return err
	}
	for i := range r.Slots {
		s := &r.Slots[i]
		if !applies(*s) {
			continue
		}
		day, err := releases.ParseDate(s.Windows[0].Date)
		if err != nil {
			return err
		}
		res, err := Schedule(ctx, ScheduleOptions{Workspace: o.Workspace, Templates: o.Templates, Client: o.Client, Customer: s.Customer, To: to,
			Date: day, Generator: o.Generator, Lock: o.Lock, AssigneeID: agents[s.EngineerEmail], Tags: slotTags(*s),
			Today: o.Today, History: o.History, RequestedOn: s.requested})
		if res != nil {
			s.Ticket = &res.Ticket
		}
		if err != nil {
			return fmt.Errorf("%s: %w", s.Customer, err)
		}
	}
	return nil
}

// applies reports whether --apply opens the slot's ticket.
func applies(s Slot) bool { return s.Status == SlotScheduled || s.Status == SlotTentative }

// slotTags are the rollout's tags of a slot's ticket.
func slotTags(s Slot) []string {
	tags := []string{"ring-" + strconv.Itoa(s.Ring)}
	switch {
	case s.ChangeProcess != string(releases.CABProcess):
	case s.Approval != "":
		tags = append(tags, CABApprovedTag)
	default:
		tags = append(tags, CABPendingTag)
	}
	return tags
}
