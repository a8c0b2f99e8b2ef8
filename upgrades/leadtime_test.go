package upgrades_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/upgrades"
	"github.com/atlas-release/atlas-release/zendesk"
)

// TestScheduleChangeBoardLeadTime: a window inside a CAB customer's board
// lead time (counted from today, or from the day an open ticket went to the
// board) is refused with the earliest allowed day, and nothing is written,
// unless the board approved that window; a day that is not the customer's
// preferred one is a warning.
func TestScheduleChangeBoardLeadTime(t *testing.T) {
	approved := func(window releases.Date) *releases.History {
		h := &releases.History{Version: "4.3.0"}
		h.Approve("contoso", releases.Approval{Ref: "CAB-7", Date: releases.NewDate(2026, 11, 30), Window: window})
		return h
	}
	for name, c := range map[string]struct {
		customer  string
		date      string
		today     releases.Date
		requested releases.Date
		history   *releases.History
		refused   string
		warning   string
	}{
		// Contoso's board needs 14 days: from 1 December, 15 December is the first.
		"inside the lead time": {customer: "contoso", date: "2026-12-12", today: releases.NewDate(2026, 12, 1),
			refused: "contoso's change board needs 14 days from the request (cabLeadTimeDays in customers.yaml): the earliest window requested on 2026-12-01 is 2026-12-15, not 2026-12-12"},
		"the day before the first":     {customer: "contoso", date: "2026-12-12", today: releases.NewDate(2026, 11, 29), refused: "is 2026-12-13, not 2026-12-12"},
		"the first day allowed":        {customer: "contoso", date: "2026-12-12", today: releases.NewDate(2026, 11, 28)},
		"approved for any window":      {customer: "contoso", date: "2026-12-05", today: releases.NewDate(2026, 12, 1), history: approved(releases.Date{})},
		"approved for that window":     {customer: "contoso", date: "2026-12-05", today: releases.NewDate(2026, 12, 1), history: approved(releases.NewDate(2026, 12, 5))},
		"approved for another window":  {customer: "contoso", date: "2026-12-12", today: releases.NewDate(2026, 12, 1), history: approved(releases.NewDate(2026, 12, 5)), refused: "earliest window requested on 2026-12-01 is 2026-12-15"},
		"approved, moved outside":      {customer: "contoso", date: "2026-12-19", today: releases.NewDate(2026, 12, 1), history: approved(releases.NewDate(2026, 12, 5)), warning: "approved the window of 2026-12-05 (CAB-7): 2026-12-19 needs its approval again"},
		"requested when opened":        {customer: "contoso", date: "2026-12-12", today: releases.NewDate(2026, 12, 5), requested: releases.NewDate(2026, 11, 27)},
		"a request later than today":   {customer: "contoso", date: "2026-12-12", today: releases.NewDate(2026, 11, 20), requested: releases.NewDate(2026, 12, 1)},
		"standard customers have none": {customer: "fabrikam", date: "2026-12-08", today: releases.NewDate(2026, 12, 7)},
		"not the preferred day":        {customer: "contoso", date: "2026-12-20", today: releases.NewDate(2026, 12, 1), warning: "2026-12-20 is a Sunday; contoso prefers Saturdays"},
		"northwind's 21 days":          {customer: "northwind", date: "2026-12-20", today: releases.NewDate(2026, 12, 1), refused: "earliest window requested on 2026-12-01 is 2026-12-22"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			ws := workspace(t, nil)
			set, err := templates.Load(ws.FS)
			if err != nil {
				t.Fatal(err)
			}
			client, err := zendesk.New(zendesk.Options{BaseURL: e.srv.URL, Credentials: zendesk.BearerToken("tok"), Clock: e.clock.Now, Sleep: e.clock.Sleep})
			if err != nil {
				t.Fatal(err)
			}
			date, err := releases.ParseDate(c.date)
			if err != nil {
				t.Fatal(err)
			}
			res, err := upgrades.Schedule(context.Background(), upgrades.ScheduleOptions{Workspace: ws, Templates: set, Client: client, Customer: c.customer,
				To: semver.MustParse("4.3.0"), Date: date, Generator: "test", Today: c.today, History: c.history, RequestedOn: c.requested})
			if c.refused != "" {
				var ie *upgrades.InputError
				if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.refused) || e.srv.Writes() != 0 {
					t.Fatalf("got %v (%d writes), want an InputError saying %q", err, e.srv.Writes(), c.refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.warning != "" && !strings.Contains(strings.Join(res.Warnings, "\n"), c.warning) {
				t.Errorf("warnings %q, want %q", res.Warnings, c.warning)
			}
			if len(e.tickets()) != 1 {
				t.Errorf("%d tickets", len(e.tickets()))
			}
		})
	}
	// Without a day to count from, a CAB customer cannot be scheduled.
	ws := workspace(t, nil)
	set, _ := templates.Load(ws.FS)
	if _, err := upgrades.Schedule(context.Background(), upgrades.ScheduleOptions{Workspace: ws, Templates: set, Customer: "contoso", To: semver.MustParse("4.3.0"),
		Date: releases.NewDate(2027, 1, 9), DryRun: true}); err == nil {
		t.Error("scheduled a CAB customer without today")
	}
}
