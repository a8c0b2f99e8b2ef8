package cut_test

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/atlas-release/atlas-release/cut"
)

// TestProgressEvents checks what a cut tells its Progress hook as it works:
// every step that runs starts before it is done, a skipped step says so, and
// every bundle starts, reports its bytes as they grow, and is done with its
// final size, before its step is done.
func TestProgressEvents(t *testing.T) {
	for _, tc := range []struct {
		name     string
		snapshot bool
		skip     []string
		steps    []string // the steps that run, in order
		skipped  []string
	}{
		{name: "release", steps: []string{cut.StepValidate, cut.StepRender, cut.StepBundle, cut.StepChecksum, cut.StepSign, cut.StepMetadata}},
		{name: "snapshot without render", snapshot: true, skip: []string{cut.StepRender},
			steps:   []string{cut.StepValidate, cut.StepBundle, cut.StepChecksum, cut.StepMetadata},
			skipped: []string{cut.StepRender, cut.StepSign}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := t.TempDir()
			copyExample(t, ws, time.Now())
			opts := options(t, ws, filepath.Join(t.TempDir(), "dist"))
			opts.Snapshot, opts.Skip = tc.snapshot, tc.skip
			if tc.snapshot {
				opts.Key = nil
			}
			var events []cut.Event
			opts.Progress = func(e cut.Event) { events = append(events, e) }
			meta, _, err := cut.Run(t.Context(), opts)
			if err != nil {
				t.Fatal(err)
			}
			var started, done, skipped []string
			bytes := map[string]int64{}
			itemDone := map[string]bool{}
			for _, e := range events {
				switch {
				case e.Item != "" && e.Kind == cut.Started:
					if e.Step != cut.StepBundle || !slices.Contains(started, cut.StepBundle) || slices.Contains(done, cut.StepBundle) {
						t.Errorf("item %s started outside its step", e.Item)
					}
				case e.Item != "" && e.Kind == cut.Wrote:
					if e.Bytes <= bytes[e.Item] {
						t.Errorf("%s: bytes went from %d to %d", e.Item, bytes[e.Item], e.Bytes)
					}
					bytes[e.Item] = e.Bytes
				case e.Item != "" && e.Kind == cut.Done:
					if e.Bytes != bytes[e.Item] || slices.Contains(done, cut.StepBundle) {
						t.Errorf("%s done with %d bytes after %d written", e.Item, e.Bytes, bytes[e.Item])
					}
					itemDone[e.Item] = true
				case e.Kind == cut.Started:
					started = append(started, e.Step)
				case e.Kind == cut.Done:
					if len(started) != len(done)+1 || started[len(done)] != e.Step {
						t.Errorf("%s done while %v started and %v done", e.Step, started, done)
					}
					if e.Message == "" {
						t.Errorf("%s done without a summary", e.Step)
					}
					done = append(done, e.Step)
				case e.Kind == cut.Skipped:
					skipped = append(skipped, e.Step)
				}
			}
			if !slices.Equal(started, tc.steps) || !slices.Equal(done, tc.steps) || !slices.Equal(skipped, tc.skipped) {
				t.Errorf("started %v, done %v, skipped %v; want %v and %v skipped", started, done, skipped, tc.steps, tc.skipped)
			}
			for _, a := range meta.Files {
				if a.Kind == cut.KindBundle && (!itemDone[a.Name] || bytes[a.Name] != a.Size) {
					t.Errorf("%s: %d bytes reported, done %v; it has %d", a.Name, bytes[a.Name], itemDone[a.Name], a.Size)
				}
			}
		})
	}
}
