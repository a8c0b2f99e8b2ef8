package releases

import (
	"bufio"
	"os"
	"path"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

type corpusCase struct {
	file, placedAt, code string
	line                 int
}

func readCorpus(t *testing.T) []corpusCase {
	t.Helper()
	f, err := os.Open("testdata/invalid/cases.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []corpusCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) != 4 {
			t.Fatalf("cases.txt: bad line %q", sc.Text())
		}
		line, err := strconv.Atoi(fields[3])
		if err != nil {
			t.Fatalf("cases.txt: bad line number in %q", sc.Text())
		}
		cases = append(cases, corpusCase{fields[0], fields[1], fields[2], line})
	}
	return cases
}

// TestExampleIsClean guards the base every corpus case is derived from.
func TestExampleIsClean(t *testing.T) {
	ws := mustLoad(t, exampleFS(t))
	if diags := ws.Validate(); len(diags) > 0 {
		t.Fatalf("the example workspace has diagnostics:\n%v", diags)
	}
	if len(ws.Manifests) != 4 {
		t.Fatalf("loaded %d manifests, want 4", len(ws.Manifests))
	}
}

// TestCorpus places each invalid input into a copy of the example workspace and
// expects its diagnostic, with its code, at its file and line.
func TestCorpus(t *testing.T) {
	for _, c := range readCorpus(t) {
		t.Run(strings.TrimSuffix(c.file, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(path.Join("testdata/invalid", c.file))
			if err != nil {
				t.Fatal(err)
			}
			fsys := exampleFS(t)
			fsys[c.placedAt] = &fstest.MapFile{Data: data, Mode: 0o644}
			fsys["scripts/Invoke-AtlasSmokeTest.ps1"] = &fstest.MapFile{Data: mustRead(t, "testdata/invalid/scripts/Invoke-AtlasSmokeTest.ps1")}
			diags := mustLoad(t, fsys).Validate()
			for _, d := range diags {
				if d.Code == c.code && d.File == c.placedAt && d.Line == c.line {
					if d.Col < 1 || d.Message == "" || d.Help == "" {
						t.Errorf("incomplete diagnostic: %+v", d)
					}
					rule, _ := RuleFor(c.code)
					if d.Severity != rule.Severity {
						t.Errorf("severity %s, want %s", d.Severity, rule.Severity)
					}
					return
				}
			}
			t.Errorf("want %s at %s:%d; got:\n%s", c.code, c.placedAt, c.line, diagLines(diags))
		})
	}
}

// TestCorpusCoversEveryRule keeps the corpus complete as rules are added.
func TestCorpusCoversEveryRule(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range readCorpus(t) {
		covered[c.code] = true
	}
	for _, r := range Rules {
		if !covered[r.Code] {
			t.Errorf("no corpus case for %s (%s)", r.Code, r.Summary)
		}
	}
}

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func diagLines(ds Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString("  " + d.String() + "\n")
	}
	return b.String()
}

// TestREADMEListsEveryRule keeps the user guide's table of rules complete.
func TestREADMEListsEveryRule(t *testing.T) {
	readme := string(mustRead(t, "../README.md"))
	for _, r := range Rules {
		if !strings.Contains(readme, "| "+r.Code+" | "+string(r.Severity)+" |") {
			t.Errorf("README.md does not list %s (%s) as %s", r.Code, r.Summary, r.Severity)
		}
	}
}
