package upgrades_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/internal/example"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/upgrades"
)

// syntheticCustomers are n ring-2 customers on 4.0.0 to append to the
// example's customers.yaml. Spread, their windows are spread over the week at
// times the example's standby roster covers, so that all of them get a slot;
// otherwise every one wants Saturday 08:00 in Berlin, which only Jonas Weber
// (capacity 2) covers: the hostile tester's fleet.
func syntheticCustomers(n int, spread bool) string {
	type window struct{ day, start, zone string }
	covered := []window{
		{"monday", "09:00", "Europe/London"}, {"monday", "13:00", "Europe/London"}, {"monday", "17:00", "Europe/London"},
		{"tuesday", "09:00", "Europe/London"}, {"tuesday", "13:00", "Europe/London"}, {"tuesday", "19:00", "America/Chicago"},
		{"wednesday", "09:00", "Europe/London"}, {"wednesday", "15:00", "Europe/London"}, {"wednesday", "18:00", "America/Chicago"},
		{"thursday", "10:00", "Europe/London"}, {"thursday", "14:00", "Europe/London"}, {"thursday", "20:00", "America/Chicago"},
		{"friday", "09:00", "Europe/London"}, {"friday", "12:00", "Europe/London"}, {"friday", "16:00", "Europe/London"},
		{"saturday", "08:00", "Europe/Berlin"}, {"saturday", "11:00", "Europe/Berlin"},
		{"sunday", "07:00", "Europe/Berlin"}, {"sunday", "10:00", "Europe/Berlin"},
	}
	var b strings.Builder
	for i := range n {
		w := window{"saturday", "08:00", "Europe/Berlin"}
		if spread {
			w = covered[i%len(covered)]
		}
		fmt.Fprintf(&b, `
  - id: c%d
    name: Customer %d
    version: 4.0.0
    tenant: c%d.onmicrosoft.com
    stage: bau
    ring: 2
    contact: {name: A B, email: a%d@x.example}
    changeProcess: standard
    window: {day: %s, start: "%s", timeZone: %s}
`, i, i, i, i, w.day, w.start, w.zone)
	}
	return b.String()
}

// fleetWorkspace is the example workspace with n synthetic customers.
func fleetWorkspace(tb testing.TB, n int, spread bool) *releases.Workspace {
	tb.Helper()
	fsys := example.FS(tb)
	fsys[releases.CustomersFile].Data = append(fsys[releases.CustomersFile].Data, syntheticCustomers(n, spread)...)
	ws, err := releases.Load(fsys)
	if err != nil {
		tb.Fatal(err)
	}
	if d := ws.Validate(); d.Errors() > 0 {
		tb.Fatal(d)
	}
	return ws
}

// BenchmarkRollout plans fleets of 40, 100 and 400 customers: spread over the
// week (every one placed), and all on Saturday 08:00 in Berlin (more than the
// roster can cover in 52 weeks from 100 on: the refusal, with what would fit).
func BenchmarkRollout(b *testing.B) {
	for _, spread := range []bool{true, false} {
		for _, n := range []int{40, 100, 400} {
			name := fmt.Sprintf("saturday/%d", n)
			if spread {
				name = fmt.Sprintf("spread/%d", n)
			}
			b.Run(name, func(b *testing.B) {
				ws := fleetWorkspace(b, n, spread)
				o := rolloutOptions(ws)
				b.ResetTimer()
				for range b.N {
					_, err := upgrades.PlanRollout(context.Background(), o)
					var ie *upgrades.InputError
					if err != nil && (spread || !errors.As(err, &ie)) {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
