package upgrades

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/zendesk"
)

// StatusOptions say how to read the fleet's status.
type StatusOptions struct {
	Workspace *releases.Workspace
	// Client reads the change tickets; nil leaves them unknown.
	Client *zendesk.Client
	// Today is the day the status is as of: windows before it are overdue.
	Today releases.Date
	// History is the newest release's history (approvals and outcomes).
	History   *releases.History
	Generator string
}

// SupportedReleases is policy.supportedReleases or, omitted, a year of
// releases at the cadence (4 for quarterly releases).
func SupportedReleases(p *releases.Policy) int {
	if p.SupportedReleases > 0 {
		return p.SupportedReleases
	}
	return max(1, 12/max(1, p.Cadence.MonthsBetweenReleases))
}

// FleetStatus says where every entry of customers.yaml stands against the newest
// release: its version and how many releases behind, its ring, the change
// ticket's status as ZenDesk says it now (read, never stored), the day of its
// window, the change board's approval and the standby engineer; and the
// fleet's summary: the share on the newest release, the entries out of
// support, the upgrades in flight and those overdue (window passed, ticket
// not solved).
func FleetStatus(ctx context.Context, o StatusOptions) (*templates.FleetStatus, error) {
	ws := o.Workspace
	if ws.Customers == nil {
		return nil, &InputError{ErrNoCustomers}
	}
	latest, err := ws.Latest()
	if err != nil {
		return nil, err
	}
	to := latest.SemVer()
	policy := &ws.Config.Policy
	st := &templates.FleetStatus{Product: ws.Config.Product.Name, Latest: to.String(), Today: o.Today.String(), TicketsRead: o.Client != nil,
		SupportedReleases: SupportedReleases(policy), Generator: o.Generator}
	for _, r := range policy.RingList() {
		st.Rings = append(st.Rings, r.Name)
	}
	tickets, engineers, err := readStatusTickets(ctx, o, to.String())
	if err != nil {
		return nil, err
	}
	versions := map[string]int{}
	for i := range ws.Customers.Customers {
		c := &ws.Customers.Customers[i]
		e := templates.StatusEntry{Customer: c.ID, Name: c.Name, Internal: c.Internal, Ring: c.RingOf(policy), Version: c.Version,
			Target: to.String(), ChangeProcess: string(c.ChangeProcess), Approval: approvalOf(o.History, c.ID)}
		if c.NeedsDeployment() {
			// Being implemented, nothing deployed: not behind, and not out of
			// support; its ticket is the deployment's.
			e.Supported = true
		} else {
			runs, err := releases.ParseVersion(c.Version)
			if err != nil {
				return nil, &InputError{fmt.Errorf("%s: %w", c.ID, err)}
			}
			for _, m := range ws.Manifests {
				if m.SemVer().GreaterThan(runs) && !m.SemVer().GreaterThan(to) {
					e.Behind++
				}
			}
			e.Supported = e.Behind <= st.SupportedReleases
			versions[runs.String()]++
		}
		if h := o.History; h != nil {
			if he := h.Entry(c.ID); he != nil && he.Completion != nil {
				e.Outcome = string(he.Completion.Outcome)
				if w := he.Completion.Windows; len(w) > 0 && len(w[len(w)-1].Finished) >= 10 {
					e.Day = w[len(w)-1].Finished[:10]
				}
			}
		}
		if tk, ok := tickets[c.ID]; ok {
			t := &templates.StatusTicket{ID: tk.ID, URL: o.Client.TicketURL(tk.ID), Status: tk.Status, Engineer: engineers[tk.AssigneeID]}
			if day, start, ok := parseChangeSubject(tk.Subject); ok {
				t.Scheduled, t.Start = day.String(), start
			}
			e.Ticket = t
		}
		e.State = entryState(&e, o.Today)
		if e.State == templates.StateScheduled || e.State == templates.StateOverdue {
			e.Day = e.Ticket.Scheduled
		}
		st.Entries = append(st.Entries, e)
	}
	summarize(st, versions, ws.Config.Standby)
	return st, nil
}

// entryState says where an entry is; an open ticket whose subject no longer
// says its day (edited by hand) counts as scheduled, never as overdue.
func entryState(e *templates.StatusEntry, today releases.Date) string {
	solved := e.Ticket != nil && (e.Ticket.Status == "solved" || e.Ticket.Status == "closed")
	switch {
	case e.Behind == 0 && e.Version != "":
		return templates.StateUpToDate
	case e.Outcome == string(releases.OutcomeRolledBack) && (e.Ticket == nil || !solved):
		return templates.StateRolledBack
	case e.Outcome == string(releases.OutcomeOK) || solved:
		// Done, and customers.yaml not yet saying so (completed elsewhere).
		return templates.StateCompleted
	case e.Ticket == nil:
		return templates.StateNotScheduled
	}
	if d, err := releases.ParseDate(e.Ticket.Scheduled); err == nil && d.Before(today) {
		return templates.StateOverdue
	}
	return templates.StateScheduled
}

// summarize sums the entries up: versions newest first, engineers by load.
func summarize(st *templates.FleetStatus, versions map[string]int, standby *releases.Standby) {
	s := &st.Summary
	s.Entries = len(st.Entries)
	s.OutOfSupport, s.InFlight, s.Overdue = []string{}, []string{}, []string{}
	load := map[string]int{}
	for _, e := range st.Entries {
		if e.Version == st.Latest {
			s.OnLatest++
		}
		if e.Version == "" {
			s.Implementing++
		}
		if !e.Supported {
			s.OutOfSupport = append(s.OutOfSupport, e.Customer)
		}
		switch e.State {
		case templates.StateScheduled:
			s.InFlight = append(s.InFlight, e.Customer)
		case templates.StateOverdue:
			s.Overdue = append(s.Overdue, e.Customer)
		}
		if e.Ticket != nil && e.Ticket.Engineer != "" && (e.State == templates.StateScheduled || e.State == templates.StateOverdue) {
			load[e.Ticket.Engineer]++
		}
	}
	if running := s.Entries - s.Implementing; running > 0 {
		s.OnLatestPercent = (s.OnLatest*100 + running/2) / running
	}
	for v, n := range versions {
		s.Versions = append(s.Versions, templates.VersionCount{Version: v, Count: n})
	}
	slices.SortFunc(s.Versions, func(a, b templates.VersionCount) int {
		va, _ := releases.ParseVersion(a.Version)
		vb, _ := releases.ParseVersion(b.Version)
		return vb.Compare(va)
	})
	s.Engineers = []templates.EngineerLoad{}
	if standby != nil {
		for _, en := range standby.Engineers {
			s.Engineers = append(s.Engineers, templates.EngineerLoad{Email: en.Email, Name: en.Name, Upgrades: load[en.Email]})
		}
	}
	slices.SortStableFunc(s.Engineers, func(a, b templates.EngineerLoad) int {
		return cmp.Or(cmp.Compare(b.Upgrades, a.Upgrades), cmp.Compare(a.Email, b.Email))
	})
}

// readStatusTickets reads each entry's change ticket of the target, solved
// or not, and which standby engineer each agent is. Nothing is written.
func readStatusTickets(ctx context.Context, o StatusOptions, to string) (map[string]zendesk.Ticket, map[int64]string, error) {
	tickets, engineers := map[string]zendesk.Ticket{}, map[int64]string{}
	if o.Client == nil {
		return tickets, engineers, nil
	}
	ws := o.Workspace
	assigned := false
	for _, c := range ws.Customers.Customers {
		found, err := o.Client.TicketsByExternalID(ctx, ticketID(ws.Config.Product.ID, &c, to))
		if err != nil {
			return nil, nil, fmt.Errorf("reading the change ticket of %s: %w", c.ID, err)
		}
		if tk := oldestTicket(found); tk != nil {
			tickets[c.ID] = *tk
			assigned = assigned || tk.AssigneeID != 0
		}
	}
	if !assigned || ws.Config.Standby == nil {
		return tickets, engineers, nil
	}
	for _, en := range ws.Config.Standby.Engineers {
		u, err := o.Client.AgentByEmail(ctx, en.Email)
		var none *zendesk.NoAgentError
		switch {
		case errors.As(err, &none):
		case err != nil:
			return nil, nil, fmt.Errorf("looking up the ZenDesk agent %s: %w", en.Email, err)
		default:
			engineers[u.ID] = en.Email
		}
	}
	return tickets, engineers, nil
}
