package templates_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/atlas-release/atlas-release/internal/golden"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

func example(t *testing.T) (*releases.Workspace, *templates.Set) {
	t.Helper()
	ws, err := releases.Load(os.DirFS("../examples/atlas"))
	if err != nil {
		t.Fatal(err)
	}
	if diags := ws.Validate(); len(diags) > 0 {
		t.Fatalf("example does not validate: %v", diags)
	}
	set, err := templates.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	return ws, set
}

var formats = []templates.Format{templates.Markdown, templates.HTML, templates.JSON}

// TestRunbookGolden renders the runbooks of every path to 4.3 in every format.
// The figures were checked by hand against the manifests.
func TestRunbookGolden(t *testing.T) {
	ws, set := example(t)
	for _, from := range []string{"4.0.0", "4.1.0", "4.2.0"} {
		p, err := ws.Plan(mustVersion(t, from), mustVersion(t, "4.3.0"))
		if err != nil {
			t.Fatal(err)
		}
		rb := templates.NewRunbook(ws, p, "atlas-release test")
		for _, f := range formats {
			var b bytes.Buffer
			if err := set.RenderRunbook(&b, rb, f); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", fmt.Sprintf("runbook-%s-to-4.3.0.%s", from, f)), b.Bytes())
		}
	}
}

// TestNotesGolden renders the notes of every release in every format.
func TestNotesGolden(t *testing.T) {
	ws, set := example(t)
	for _, m := range ws.Manifests {
		n, err := templates.NewNotes(ws, m.SemVer(), "atlas-release test")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range formats {
			var b bytes.Buffer
			if err := set.RenderNotes(&b, n, f); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", fmt.Sprintf("notes-%s.%s", m.SemVer(), f)), b.Bytes())
		}
	}
}
