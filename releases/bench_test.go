package releases

import (
	"testing"

	"github.com/atlas-release/atlas-release/internal/synth"
)

// BenchmarkValidate loads and validates a synthetic workspace of 40 releases with
// 60 steps each (target: under 100 ms and 50 MB).
func BenchmarkValidate(b *testing.B) {
	fsys := synth.Workspace(synth.Options{Releases: 40, Steps: 60, Seed: 1})
	b.ReportAllocs()
	for b.Loop() {
		ws, err := Load(fsys)
		if err != nil {
			b.Fatal(err)
		}
		if diags := ws.Validate(); diags.Errors() > 0 {
			b.Fatalf("synthetic workspace does not validate:\n%s", diagLines(diags))
		}
	}
}
