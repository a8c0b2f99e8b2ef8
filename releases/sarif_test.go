package releases

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/atlas-release/atlas-release/internal/golden"
)

func TestWriteGitHubAnnotations(t *testing.T) {
	tests := []struct {
		name string
		d    Diagnostic
		want string
	}{
		{
			name: "error",
			d:    Diagnostic{File: "releases/4.4.0.yaml", Pos: Pos{Line: 19, Col: 11}, Severity: SeverityError, Code: "AR0401", Message: `unknown role "atlas-admn"; did you mean "atlas-admin"?`},
			want: "::error file=releases/4.4.0.yaml,line=19,col=11,title=AR0401::unknown role \"atlas-admn\"; did you mean \"atlas-admin\"?\n",
		},
		{
			name: "warning",
			d:    Diagnostic{File: "releases/4.4.0.yaml", Pos: Pos{Line: 17, Col: 12}, Severity: SeverityWarning, Code: "AR1202", Message: "title"},
			want: "::warning file=releases/4.4.0.yaml,line=17,col=12,title=AR1202::title\n",
		},
		{
			// A message cannot end the command early or inject another one.
			name: "message with newlines, percent and colons",
			d:    Diagnostic{File: "atlas-release.yaml", Pos: Pos{Line: 1, Col: 1}, Severity: SeverityError, Code: "AR0102", Message: "100% bad\r\n::error file=x::injected: a, b"},
			want: "::error file=atlas-release.yaml,line=1,col=1,title=AR0102::100%25 bad%0D%0A::error file=x::injected: a, b\n",
		},
		{
			// A property value cannot close the property list or add one.
			name: "file with delimiters",
			d:    Diagnostic{File: "releases/a,line=9:b%\n.yaml", Pos: Pos{Line: 2, Col: 3}, Severity: SeverityError, Code: "AR0202", Message: "m"},
			want: "::error file=releases/a%2Cline=9%3Ab%25%0A.yaml,line=2,col=3,title=AR0202::m\n",
		},
		{
			// Positions are from 1: a diagnostic of a whole file points at its start.
			name: "no position",
			d:    Diagnostic{File: "customers.yaml", Severity: SeverityError, Code: "AR1504", Message: "m"},
			want: "::error file=customers.yaml,line=1,col=1,title=AR1504::m\n",
		},
		{
			name: "no file",
			d:    Diagnostic{Severity: SeverityError, Code: "AR1301", Message: "m"},
			want: "::error line=1,col=1,title=AR1301::m\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteGitHubAnnotations(&b, Diagnostics{tt.d}); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got  %q\nwant %q", b.String(), tt.want)
			}
			if strings.Count(b.String(), "\n") != 1 {
				t.Errorf("one diagnostic wrote %d lines", strings.Count(b.String(), "\n"))
			}
		})
	}
}

// brokenDiagnostics validates the example with a manifest that breaks rules of
// both severities and a file name that needs escaping in a URI.
func brokenDiagnostics(t *testing.T) Diagnostics {
	t.Helper()
	fsys := exampleFS(t)
	fsys["releases/4.4.0.yaml"] = &fstest.MapFile{Data: []byte(`schemaVersion: 1
version: 4.4.0
kind: minor
releaseDate: 2023-08-14
summary: Atlas 4.4.
changeType: standard
leadTimeDays: 14
features:
  - id: recent-first
    title: Recent pages first
    type: improved
    summary: Search ranks recent pages first.
    extra: typo
steps:
  - id: restart-search-now
    title: Restarting search
    phase: deploy
    kind: manual
    role: atlas-admn
    handsOnMinutes: 15
    elapsedMinutes: {estimate: 20, max: 10}
    verify: The script ends with the new version.
    rollback:
      instructions: Deploy the previous version.
`)}
	fsys["releases/4.5 draft.yaml"] = &fstest.MapFile{Data: []byte("version: [\n")}
	ds := mustLoad(t, fsys).Validate()
	if ds.Errors() == 0 || ds.Warnings() == 0 {
		t.Fatalf("want errors and warnings, got %v", ds)
	}
	return ds
}

func TestSARIFValidatesAgainstTheSchema(t *testing.T) {
	raw, err := os.ReadFile("testdata/sarif/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		diags Diagnostics
	}{
		{"broken", brokenDiagnostics(t)},
		{"clean", nil},
		{"no file", Diagnostics{{Severity: SeverityError, Code: "AR1301", Message: "m"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := json.MarshalIndent(SARIF(tt.diags, "v1.2.3"), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("SARIF output does not validate: %v", err)
			}
			if tt.name == "broken" {
				// The golden holds the results, not the rules: a new rule must
				// not change it (TestSARIFRulesAndResults checks every rule is there).
				log := SARIF(tt.diags, "v1.2.3")
				log.Runs[0].Tool.Driver.Rules = log.Runs[0].Tool.Driver.Rules[:1]
				trimmed, err := json.MarshalIndent(log, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				golden.Check(t, "testdata/sarif/broken.sarif.json", append(trimmed, '\n'))
			}
		})
	}
	// The schema check is not vacuous: a log without the version fails it.
	bad, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"runs": []}`))
	if err != nil {
		t.Fatal(err)
	}
	if schema.Validate(bad) == nil {
		t.Error("the SARIF schema accepts a log without version")
	}
}

func TestSARIFRulesAndResults(t *testing.T) {
	log := SARIF(brokenDiagnostics(t), "v1.2.3")
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != len(Rules) {
		t.Fatalf("driver lists %d rules, want every one of %d", len(run.Tool.Driver.Rules), len(Rules))
	}
	for _, res := range run.Results {
		rule := run.Tool.Driver.Rules[res.RuleIndex]
		if rule.ID != res.RuleID {
			t.Errorf("result %s points at rule %d, %s", res.RuleID, res.RuleIndex, rule.ID)
		}
		if res.Level != rule.DefaultConfiguration.Level {
			t.Errorf("result %s has level %s, its rule %s", res.RuleID, res.Level, rule.DefaultConfiguration.Level)
		}
	}
	uris := map[string]bool{}
	for _, res := range run.Results {
		uris[res.Locations[0].PhysicalLocation.ArtifactLocation.URI] = true
	}
	if !uris["releases/4.5%20draft.yaml"] || !uris["releases/4.4.0.yaml"] {
		t.Errorf("URIs %v: want workspace-relative, escaped", uris)
	}
}

// FuzzGitHubAnnotations: whatever a diagnostic holds, it is one workflow
// command on one line, whose properties and message unescape to its own.
func FuzzGitHubAnnotations(f *testing.F) {
	f.Add("releases/4.4.0.yaml", "AR0401", "unknown role", 19, 11)
	f.Add("a,b:c%d\r\n.yaml", "AR0102", "100%\n::error::x", 0, -3)
	f.Add("", "", "", 1, 1)
	f.Fuzz(func(t *testing.T, file, code, msg string, line, col int) {
		var b bytes.Buffer
		d := Diagnostic{File: file, Pos: Pos{Line: line, Col: col}, Severity: SeverityWarning, Code: code, Message: msg}
		if err := WriteGitHubAnnotations(&b, Diagnostics{d}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if strings.Count(out, "\n") != 1 || strings.ContainsRune(strings.TrimSuffix(out, "\n"), '\r') {
			t.Fatalf("not one line: %q", out)
		}
		props, data, ok := strings.Cut(strings.TrimPrefix(strings.TrimSuffix(out, "\n"), "::warning "), "::")
		if !ok {
			t.Fatalf("no :: between properties and message: %q", out)
		}
		unescape := strings.NewReplacer("%25", "%", "%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",")
		if got := unescape.Replace(data); got != msg {
			t.Fatalf("message %q comes back as %q", msg, got)
		}
		fields := strings.Split(props, ",")
		if file != "" && unescape.Replace(strings.TrimPrefix(fields[0], "file=")) != file {
			t.Fatalf("file %q comes back as %q", file, fields[0])
		}
		if title := fields[len(fields)-1]; unescape.Replace(strings.TrimPrefix(title, "title=")) != code {
			t.Fatalf("code %q comes back as %q", code, title)
		}
	})
}
