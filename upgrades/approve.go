package upgrades

import (
	"context"
	"fmt"
	"html"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/zendesk"
)

// ApproveOptions say which change board approval to record.
type ApproveOptions struct {
	Workspace *releases.Workspace
	// Client updates the change ticket; nil records in the workspace only
	// (a dry run prepares both and writes neither).
	Client   *zendesk.Client
	Customer string
	To       *semver.Version
	Ref      string
	// Today is the day the approval is recorded.
	Today releases.Date
	// History is the release's history as loaded (releases.LoadHistory).
	History *releases.History
	// Window is the day of the first window the board approved; zero for the
	// slot the rollout of Rollout (when set) plans for the customer.
	Window  releases.Date
	Rollout *RolloutOptions
	DryRun  bool
}

// ApproveResult is a recorded approval.
type ApproveResult struct {
	Customer string `json:"customer"`
	To       string `json:"to"`
	Ref      string `json:"ref"`
	Date     string `json:"date"`
	Window   string `json:"window,omitempty"`
	// Ticket is the change ticket, nil when none is open yet (rollout --apply
	// opens it as approved).
	Ticket *TicketResult `json:"ticket,omitempty"`
	// File is the workspace file the approval is recorded in; Data its new
	// content, nil when it already recorded this approval.
	File     string   `json:"file"`
	Data     []byte   `json:"-"`
	Warnings []string `json:"warnings,omitempty"`
}

// Approve records a change board's approval of a CAB customer's upgrade: as an
// internal note and the cab-approved tag on the change ticket (cab-pending
// removed), and in the workspace's history of the release, which the caller
// writes (Data). Running it again with the same reference writes nothing.
func Approve(ctx context.Context, o ApproveOptions) (*ApproveResult, error) {
	ws := o.Workspace
	if ws.Customers == nil {
		return nil, &InputError{ErrNoCustomers}
	}
	c := ws.Customers.Customer(o.Customer)
	if c == nil {
		return nil, invalidf("no customer %q in %s (customers: %s)", o.Customer, releases.CustomersFile, strings.Join(customerIDs(ws), ", "))
	}
	if c.ChangeProcess != releases.CABProcess {
		return nil, invalidf("%s's changes are %s: there is no change board approval to record (set changeProcess: cab in %s if it has a board)", c.ID, c.ChangeProcess, releases.CustomersFile)
	}
	if ref := strings.TrimSpace(o.Ref); ref == "" || ref != o.Ref || len(ref) > 200 || strings.ContainsFunc(ref, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return nil, invalidf("--ref %q is not a change board reference like CAB-2291: one line of text, at most 200 characters", o.Ref)
	}
	if from, err := releases.ParseVersion(c.Version); !c.NeedsDeployment() && (err != nil || !from.LessThan(o.To)) {
		return nil, invalidf("%s runs %s: there is no upgrade to %s to approve", c.ID, c.Version, o.To)
	}
	if _, err := ws.Release(o.To); err != nil {
		return nil, err
	}
	if o.Window.IsZero() && o.Rollout != nil {
		ro := *o.Rollout
		ro.History = o.History
		w, err := ApprovedWindow(ctx, ro, c.ID)
		if err != nil {
			return nil, err
		}
		o.Window = w
	}
	h := o.History
	if h == nil {
		h = &releases.History{SchemaVersion: 1, Version: o.To.String()}
	}
	res := &ApproveResult{Customer: c.ID, To: o.To.String(), Ref: o.Ref, Date: o.Today.String(), File: releases.HistoryFile(o.To)}
	if !o.Window.IsZero() {
		res.Window = o.Window.String()
	}
	changed := h.Approve(c.ID, releases.Approval{Ref: o.Ref, Date: o.Today, Window: o.Window})
	if !changed {
		res.Date = h.Entry(c.ID).Approval.Date.String()
	}
	if changed {
		data, err := h.Marshal()
		if err != nil {
			return nil, err
		}
		res.Data = data
	}
	if o.Client == nil {
		return res, nil
	}
	ext := ticketID(ws.Config.Product.ID, c, o.To.String())
	tickets, err := o.Client.TicketsByExternalID(ctx, ext)
	if err != nil {
		return nil, err
	}
	tk := oldestTicket(tickets)
	if tk == nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("no change ticket %s yet: `upgrades rollout --apply` opens it as approved", ext))
		return res, nil
	}
	res.Ticket = &TicketResult{Action: TicketFound, ID: tk.ID, URL: o.Client.TicketURL(tk.ID), ExternalID: ext, Subject: tk.Subject}
	if !changed && slices.Contains(tk.Tags, CABApprovedTag) && !slices.Contains(tk.Tags, CABPendingTag) {
		return res, nil
	}
	if o.DryRun {
		res.Ticket.Action = TicketPlanned
		return res, nil
	}
	approved := ""
	if res.Window != "" {
		approved = " for the window of " + res.Window
	}
	note := zendesk.TicketComment{HTMLBody: fmt.Sprintf("<p><strong>Change board approval obtained</strong>%s: %s, recorded %s.</p>", approved, html.EscapeString(o.Ref), res.Date)}
	if _, err := o.Client.UpdateTicket(ctx, tk.ID, zendesk.TicketUpdate{Comment: &note, AdditionalTags: []string{CABApprovedTag}, RemoveTags: []string{CABPendingTag}}); err != nil {
		return nil, fmt.Errorf("recording the approval on ticket %d: %w", tk.ID, err)
	}
	res.Ticket.Action = TicketUpdated
	return res, nil
}

// ApprovedWindow is the day of a customer's first window in the rollout's
// plan: what its change board approves.
func ApprovedWindow(ctx context.Context, o RolloutOptions, customer string) (releases.Date, error) {
	r, err := PlanRollout(ctx, o)
	if err != nil {
		return releases.Date{}, err
	}
	for _, s := range r.Slots {
		if s.Customer == customer && len(s.Windows) > 0 {
			return releases.ParseDate(s.Windows[0].Date)
		}
	}
	return releases.Date{}, invalidf("%s has no slot in the rollout of %s to approve", customer, o.To)
}
