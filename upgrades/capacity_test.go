package upgrades_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/upgrades"
)

// TestRolloutFullRoster: 100 more customers on Saturday 08:00 in Berlin,
// which only Jonas Weber covers, two at once. Of the 52 Saturdays from
// 2026-12-01, 3 are before ring 1's soak ends and 2 in the December freeze:
// 47 × 2 = 94 upgrades, for 101 customers (contoso too). The refusal is
// right, and says so: how many fit, and what would fit them all — each
// checked here.
func TestRolloutFullRoster(t *testing.T) {
	ws := fleetWorkspace(t, 100, false)
	o := rolloutOptions(ws)
	_, err := upgrades.PlanRollout(context.Background(), o)
	var ie *upgrades.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("want an InputError, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"the standby roster is full: Jonas Weber (2 at once) covers 95 upgrades in the 52 weeks from 2026-12-01; 7 more, whose windows only Jonas Weber covers, have no slot: c94, c95, c96, c97, c98, c99 and contoso\n",
		"  all 7 get a slot with Jonas Weber's capacity at 3, or with --weeks 56 (or another engineer on standby who covers their windows)\n",
		"no slot for c94, c95, c96, c97, c98 and c99 in the 52 weeks from 2026-12-01 (6 entries, passed over for the same reasons):\n",
		"  47 days: Jonas Weber, who covers 08:00–10:00 Europe/Berlin, is at capacity\n",
		"no slot for contoso in the 52 weeks from 2026-12-01:\n",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refusal lacks %q:\n%s", want, msg)
		}
	}
	// What it proposes works; one week fewer does not.
	if _, err := upgrades.PlanRollout(context.Background(), withWeeks(o, 56)); err != nil {
		t.Errorf("--weeks 56: %v", err)
	}
	if _, err := upgrades.PlanRollout(context.Background(), withWeeks(o, 55)); err == nil {
		t.Error("--weeks 55 places everyone: the refusal asked for more than needed")
	}
	for i := range ws.Config.Standby.Engineers {
		if en := &ws.Config.Standby.Engineers[i]; en.Name == "Jonas Weber" {
			en.Capacity = 3
		}
	}
	if _, err := upgrades.PlanRollout(context.Background(), o); err != nil {
		t.Errorf("Jonas Weber's capacity at 3: %v", err)
	}
}

func withWeeks(o upgrades.RolloutOptions, weeks int) upgrades.RolloutOptions {
	o.Weeks = weeks
	return o
}

// TestRolloutCancelled: Ctrl-C (a cancelled context) ends a plan of a large
// fleet with the context's error.
func TestRolloutCancelled(t *testing.T) {
	ws := fleetWorkspace(t, 400, false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := upgrades.PlanRollout(ctx, rolloutOptions(ws)); !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
}
