package releases

import (
	"testing"
	"testing/fstest"

	"github.com/atlas-release/atlas-release/internal/hostile"
)

// TestHostileInputs loads manifests built to hurt a parser. Each must give its
// error with a position, never a panic; `make bench` measures their time and
// memory through the real binary.
func TestHostileInputs(t *testing.T) {
	for _, in := range hostile.Inputs() {
		t.Run(in.Name, func(t *testing.T) {
			fsys := exampleFS(t)
			fsys["releases/4.4.0.yaml"] = &fstest.MapFile{Data: in.Data}
			diags := mustLoad(t, fsys).Validate()
			for _, d := range diags {
				if d.File == "releases/4.4.0.yaml" && d.Code == in.Code && d.Line >= 1 && d.Col >= 1 {
					return
				}
			}
			t.Fatalf("want %s with a position in releases/4.4.0.yaml; got:\n%s", in.Code, diagLines(diags))
		})
	}
}

// TestFuzzBaseIsValid keeps the fuzz targets' base workspace valid, so that their
// "a valid workspace composes" check is exercised.
func TestFuzzBaseIsValid(t *testing.T) {
	ws := mustLoad(t, fuzzBaseFS(t))
	if diags := ws.Validate(); len(diags) > 0 {
		t.Fatalf("fuzz base has diagnostics:\n%s", diagLines(diags))
	}
}
