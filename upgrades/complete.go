package upgrades

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/zendesk"
)

// CompleteOptions say which upgrade ended, and how.
type CompleteOptions struct {
	Workspace *releases.Workspace
	// Client records the outcome on the change ticket; nil with NoTicket or
	// DryRun (a dry run without a client does not check the ticket).
	Client   *zendesk.Client
	Customer string
	To       *semver.Version
	Outcome  releases.Outcome
	// Windows are the windows as they happened (ParseActual reads them).
	Windows        []releases.ActualWindow
	HandsOnMinutes int
	Note           string
	// History is the release's history as loaded (releases.LoadHistory).
	History *releases.History
	// NoTicket records the outcome in the workspace only: there is no change
	// ticket (an upgrade made outside the tool).
	NoTicket bool
	DryRun   bool
}

// CompleteResult is a recorded outcome.
type CompleteResult struct {
	Customer string `json:"customer"`
	// From is empty for a deployment.
	From string `json:"from,omitempty"`
	To   string `json:"to"`
	// Deployment: the customer ran nothing before; the ticket is its
	// deployment ticket, and customers.yaml gains its version.
	Deployment bool             `json:"deployment,omitempty"`
	Outcome    releases.Outcome `json:"outcome"`
	// Minutes are the windows' lengths, in order.
	Minutes []int `json:"minutes"`
	// Version is what customers.yaml says the customer runs now.
	Version string `json:"version"`
	// Ticket is the change ticket; nil with NoTicket.
	Ticket *TicketResult `json:"ticket,omitempty"`
	// HistoryFile and CustomersFile are the workspace files the outcome goes
	// into; HistoryData and CustomersData their new content, nil when
	// unchanged (the caller writes them).
	HistoryFile   string   `json:"historyFile"`
	HistoryData   []byte   `json:"-"`
	CustomersFile string   `json:"customersFile"`
	CustomersData []byte   `json:"-"`
	Warnings      []string `json:"warnings,omitempty"`
}

// Changed reports whether the workspace's files change.
func (r *CompleteResult) Changed() bool { return r.HistoryData != nil || r.CustomersData != nil }

// The tags of a change ticket by outcome: the ticket of an upgrade that did
// not end well stays open, tagged for people to follow it up.
const (
	OutcomeOKTag         = "upgrade-ok"
	OutcomeRolledBackTag = "upgrade-rolled-back"
	OutcomePartialTag    = "upgrade-partial"
)

// outcomeTag is the tag of an outcome.
func outcomeTag(o releases.Outcome) string {
	return map[releases.Outcome]string{releases.OutcomeOK: OutcomeOKTag, releases.OutcomeRolledBack: OutcomeRolledBackTag,
		releases.OutcomePartial: OutcomePartialTag}[o]
}

// Complete records how a customer's upgrade to a release ended: in the
// release's history (the windows as they happened, hands-on minutes, the
// outcome, a note), in customers.yaml (the customer's version becomes the
// release when the outcome is ok, edited in place), and on the change ticket
// (an internal comment with the figures; solved when ok, left open with the
// outcome's tag otherwise). The caller writes the files (Data), and only
// after the ticket is updated, so that nothing is recorded that the ticket
// does not say. It refuses, writing nothing, a release the customer does not
// run towards, windows whose times are out of order, and a missing ticket
// unless NoTicket. Running it again writes nothing: the ticket already carries
// the outcome's tag, and the files already say it.
func Complete(ctx context.Context, o CompleteOptions) (*CompleteResult, error) {
	ws := o.Workspace
	if ws.Customers == nil {
		return nil, &InputError{ErrNoCustomers}
	}
	c := ws.Customers.Customer(o.Customer)
	if c == nil {
		return nil, invalidf("no customer %q in %s (customers: %s)", o.Customer, releases.CustomersFile, strings.Join(customerIDs(ws), ", "))
	}
	if _, err := ws.Release(o.To); err != nil {
		return nil, err
	}
	h := o.History
	if h == nil {
		h = &releases.History{SchemaVersion: 1, Version: o.To.String()}
	}
	// The version the upgrade started from: customers.yaml until the upgrade
	// is recorded, then the history's (customers.yaml says the release then).
	// A new deployment (a customer being implemented, no version yet) is
	// recorded as from the release itself, as releases.Path of an install
	// has it: no history path of an upgrade starts there.
	deploy := c.NeedsDeployment()
	from := o.To
	if !deploy {
		runs, err := releases.ParseVersion(c.Version)
		if err != nil {
			return nil, &InputError{fmt.Errorf("%s: %w", c.ID, err)}
		}
		from = runs
		if e := h.Entry(c.ID); e != nil && e.Completion != nil && runs.Equal(o.To) {
			if from, err = releases.ParseVersion(e.Completion.From); err != nil {
				return nil, &InputError{fmt.Errorf("%s: %w", releases.HistoryFile(o.To), err)}
			}
			deploy = from.Equal(o.To)
		}
		if !deploy && !from.LessThan(o.To) {
			return nil, invalidf("%s runs %s: there is no upgrade to %s to complete", c.ID, c.Version, o.To)
		}
	}
	what := "upgrade to"
	if deploy {
		what = "deployment of"
	}
	comp := releases.Completion{From: from.String(), Outcome: o.Outcome, Windows: o.Windows, HandsOnMinutes: o.HandsOnMinutes, Note: o.Note}
	if err := comp.Check(); err != nil {
		return nil, &InputError{fmt.Errorf("%s's %s %s: %w", c.ID, what, o.To, err)}
	}
	if strings.ContainsFunc(o.Note, func(r rune) bool { return r < ' ' && r != '\n' || r == 0x7f }) || len(o.Note) > 2000 {
		return nil, invalidf("--note: at most 2000 characters of text, without control characters")
	}
	res := &CompleteResult{Customer: c.ID, From: from.String(), To: o.To.String(), Deployment: deploy, Outcome: o.Outcome, Version: c.Version,
		HistoryFile: releases.HistoryFile(o.To), CustomersFile: releases.CustomersFile}
	if deploy {
		res.From = ""
	}
	for _, w := range o.Windows {
		res.Minutes = append(res.Minutes, w.Minutes())
	}
	planned := *c
	planned.Version = from.String()
	path := fmt.Sprintf("the path from %s to %s", from, o.To)
	if deploy {
		planned.Version, planned.Stage = "", releases.StageImplementation
		path = fmt.Sprintf("the deployment of %s", o.To)
	}
	if entry, _, err := planOne(ws, &planned, o.To); err == nil && len(entry.Windows) != len(o.Windows) && o.Outcome == releases.OutcomeOK {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s plans windows: %d, recorded: %d", path, len(entry.Windows), len(o.Windows)))
	}
	// The files first, in memory: an edit that cannot be made in place
	// refuses the completion before the ticket is touched.
	if h.Complete(c.ID, comp) {
		var err error
		if res.HistoryData, err = h.Marshal(); err != nil {
			return nil, err
		}
	}
	if o.Outcome == releases.OutcomeOK {
		src, err := fs.ReadFile(ws.FS, releases.CustomersFile)
		if err != nil {
			return nil, err
		}
		out, changed, err := SetCustomerVersion(src, c.ID, o.To.String())
		if err != nil {
			return nil, &InputError{err}
		}
		if changed {
			res.CustomersData = out
		}
		res.Version = o.To.String()
	}
	if o.NoTicket || o.Client == nil {
		return res, nil
	}
	if err := completeTicket(ctx, o, c, comp, res); err != nil {
		return nil, err
	}
	return res, nil
}

// completeTicket writes the outcome on the change ticket, once: a ticket that
// carries the outcome's tag (and, for ok, is solved) already says it.
func completeTicket(ctx context.Context, o CompleteOptions, c *releases.Customer, comp releases.Completion, res *CompleteResult) error {
	// Not ticketID: once recorded, customers.yaml says the customer runs the
	// release, and its ticket is still the deployment's.
	kind := ticketKinds[res.Deployment]
	ext := kind.externalID(o.Workspace.Config.Product.ID, c.ID, o.To.String())
	tickets, err := o.Client.TicketsByExternalID(ctx, ext)
	if err != nil {
		return err
	}
	tk := oldestTicket(tickets)
	if tk == nil {
		if res.Deployment {
			return invalidf("no deployment ticket %s for %s's deployment of %s: schedule it first, or record a deployment made without one with --no-ticket", ext, c.ID, o.To)
		}
		return invalidf("no change ticket %s for %s's upgrade to %s: schedule it first, or record an upgrade made without one with --no-ticket", ext, c.ID, o.To)
	}
	res.Ticket = &TicketResult{Action: TicketFound, ID: tk.ID, URL: o.Client.TicketURL(tk.ID), ExternalID: ext, Subject: tk.Subject}
	tag := outcomeTag(comp.Outcome)
	solved := tk.Status == "solved" || tk.Status == "closed"
	if slices.Contains(tk.Tags, tag) && (comp.Outcome != releases.OutcomeOK || solved) {
		return nil
	}
	if tk.Status == "closed" {
		res.Warnings = append(res.Warnings, fmt.Sprintf("ticket %d is closed, and ZenDesk does not update a closed ticket: the outcome is recorded in the workspace only", tk.ID))
		return nil
	}
	if o.DryRun {
		res.Ticket.Action = TicketPlanned
		return nil
	}
	// A safe update: a ticket people changed since it was read is not
	// overwritten (409); running again reads it afresh.
	stamp := tk.UpdatedAt
	u := zendesk.TicketUpdate{Comment: &zendesk.TicketComment{HTMLBody: completionComment(c.ID, o.To, comp, res.Deployment)}, AdditionalTags: []string{tag}, UpdatedStamp: &stamp}
	for _, t := range []string{OutcomeOKTag, OutcomeRolledBackTag, OutcomePartialTag} {
		if t != tag && slices.Contains(tk.Tags, t) {
			u.RemoveTags = append(u.RemoveTags, t)
		}
	}
	switch {
	case comp.Outcome == releases.OutcomeOK:
		s := "solved"
		u.Status = &s
	case solved:
		// Solved before the outcome said otherwise: reopened for follow-up.
		s := "open"
		u.Status = &s
	}
	if _, err := o.Client.UpdateTicket(ctx, tk.ID, u); err != nil {
		var ze *zendesk.Error
		switch {
		case errors.As(err, &ze) && ze.Code == zendesk.UpdateConflict:
			return fmt.Errorf("ticket %d changed while the outcome was being recorded; nothing was written: run the command again: %w", tk.ID, err)
		case errors.As(err, &ze) && ze.Status == 422:
			return &InputError{fmt.Errorf("recording the outcome on ticket %d: %w", tk.ID, err)}
		}
		return fmt.Errorf("recording the outcome on ticket %d: %w", tk.ID, err)
	}
	res.Ticket.Action = TicketUpdated
	return nil
}

// completionComment is the ticket's internal comment: the figures of the
// upgrade.
func completionComment(customer string, to *semver.Version, c releases.Completion, deployment bool) string {
	var b strings.Builder
	if deployment {
		fmt.Fprintf(&b, "<p><strong>Deployment of %s %s: %s.</strong></p><ul>", html.EscapeString(customer), to, c.Outcome)
	} else {
		fmt.Fprintf(&b, "<p><strong>Upgrade of %s from %s to %s: %s.</strong></p><ul>", html.EscapeString(customer), html.EscapeString(c.From), to, c.Outcome)
	}
	for i, w := range c.Windows {
		fmt.Fprintf(&b, "<li>Window %d: %s to %s (%d min)</li>", i+1, html.EscapeString(w.Started), html.EscapeString(w.Finished), w.Minutes())
	}
	if c.HandsOnMinutes > 0 {
		fmt.Fprintf(&b, "<li>Hands-on: %d min</li>", c.HandsOnMinutes)
	}
	b.WriteString("</ul>")
	if c.Note != "" {
		fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(c.Note))
	}
	return b.String()
}

// ParseActual reads a time of an upgrade as people give it: RFC 3339 with an
// offset (2026-12-19T08:02:00+01:00), or a local time without one
// (2026-12-19T08:02 or "2026-12-19 08:02") in the customer's time zone. It
// returns RFC 3339 with the offset, as the history records it.
func ParseActual(s string, loc *time.Location) (string, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Format(time.RFC3339), nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.Format(time.RFC3339), nil
		}
	}
	return "", fmt.Errorf("%q is not a time like 2026-12-19T08:02 (the customer's time zone) or 2026-12-19T08:02:00+01:00", s)
}
