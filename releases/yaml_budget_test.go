package releases

import (
	"bytes"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"

	"github.com/atlas-release/atlas-release/internal/hostile"
)

// treeSize measures what the parser built: the deepest nesting of mappings and
// lists, and the number of nodes.
func treeSize(n *yaml.Node) (depth, nodes int) {
	nodes = 1
	for _, c := range n.Content {
		d, k := treeSize(c)
		depth, nodes = max(depth, d), nodes+k
	}
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		depth++
	}
	return depth, nodes
}

// parsedSize is what the parser builds of src: the deepest nesting of the
// documents it parses before any error, and their nodes (documents aside).
func parsedSize(src []byte) (depth, nodes int) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var doc yaml.Node
		if err := safeDecode(dec, &doc); err != nil {
			return depth, nodes
		}
		d, n := treeSize(&doc)
		depth, nodes = max(depth, d), nodes+n-1
	}
}

// checkBudgetHolds is the budget's promise, checked against the parser itself:
// the pre-scan counts at least the levels and the nodes the parser builds, so
// whatever it lets through, the parser builds no deeper a tree than the depth
// budget and no more nodes than the node budget.
func checkBudgetHolds(t *testing.T, src []byte, maxDepth, maxNodes int) {
	t.Helper()
	depth, nodes := parsedSize(src)
	s := newYAMLScan(src, math.MaxInt, math.MaxInt)
	s.run()
	if s.deepest < depth || s.nodes < nodes {
		t.Fatalf("the pre-scan counted %d levels and %d nodes in %q, but the parser built %d levels and %d nodes",
			s.deepest, s.nodes, src, depth, nodes)
	}
	bad, _ := scanYAMLBudget(src, maxDepth, maxNodes)
	if bad == nil && (depth > maxDepth || nodes > maxNodes) {
		t.Fatalf("the pre-scan accepted %q (budget %d levels, %d nodes), but the parser built %d levels and %d nodes",
			src, maxDepth, maxNodes, depth, nodes)
	}
	if bad != nil && (bad.pos.Line < 1 || bad.pos.Col < 1 || bad.msg == "") {
		t.Fatalf("malformed violation %+v", bad)
	}
}

// FuzzYAMLBudget checks the pre-scan against the parser on arbitrary text, with
// a small budget so that the fuzzer reaches it.
func FuzzYAMLBudget(f *testing.F) {
	for _, in := range budgetBombs(2 << 10) {
		f.Add([]byte(in.data))
	}
	for _, in := range budgetLookalikes() {
		f.Add([]byte(in))
	}
	addSeeds(f, "../examples/atlas/releases/4.3.0.yaml", "testdata/invalid/0[5-6]*.yaml", "testdata/invalid/1[5-8]*.yaml")
	f.Fuzz(func(t *testing.T, src []byte) {
		checkBudgetHolds(t, src, 4, 40)
	})
}

type bomb struct{ name, data string }

// budgetBombs are texts of about size bytes built to make a parser nest deep or
// build many nodes, in every form YAML allows.
func budgetBombs(size int) []bomb {
	rep := func(s string, n int) string { return strings.Repeat(s, max(n, 1)) }
	indented := func(item func(i int) string) string {
		var b strings.Builder
		for i := 0; ; i++ {
			line := strings.Repeat(" ", i) + item(i) + "\n"
			if b.Len()+len(line) > size {
				return b.String()
			}
			b.WriteString(line)
		}
	}
	return []bomb{
		{"flow-lists", "summary: " + rep("[", size-10)},
		{"flow-lists-closed", "summary: " + rep("[", size/2-5) + rep("]", size/2-5)},
		{"flow-mappings", "summary: " + rep("{a: ", size/4-3)},
		{"flow-mixed", "summary: " + rep("[{a: ", size/5-2)},
		{"flow-keys", "summary: " + rep("{[", size/2-5)},
		// Inside a flow list, "a: " and "? " make a one-pair mapping of the
		// entry: a level and a node more than the brackets show.
		{"flow-pairs", "summary: " + rep("[a: ", size/4-3)},
		{"flow-pairs-closed", "summary: " + rep("[a: ", size/8-3) + "x" + rep("]", size/8-3)},
		{"flow-explicit-pairs", "summary: " + rep("[? ", size/3-3)},
		{"flow-explicit-pairs-tight", "summary: " + rep("[?", size/2-5)},
		{"flow-pairs-in-mappings", "summary: " + rep("[a: {b: ", size/8-2)},
		{"flow-explicit-pairs-in-mappings", "summary: " + rep("{a: [? ", size/7-2)},
		{"flow-list-keys", "summary: " + rep("[", size/8) + "a" + rep("]: x", size/8)},
		{"flow-at-root", rep("[", size)},
		{"block-mappings", indented(func(int) string { return "a:" })},
		{"block-lists", indented(func(int) string { return "-" })},
		{"compact-lists", "summary:\n  " + rep("- ", size/2-10) + "x\n"},
		{"compact-mappings", "summary:\n" + indented(func(int) string { return "- a:" })},
		{"indentless-lists", "summary:\n" + indented(func(i int) string { return "a:\n" + strings.Repeat(" ", i) + "- " })},
		{"after-block-scalar", "summary: |\n  text\nsteps: " + rep("[", size-30)},
		{"after-quoted", "summary: \"it's [not] {here}\"\nsteps: " + rep("[", size-40)},
		{"after-comment", "# ' \" [ {\nsteps: " + rep("[", size-20)},
		{"wide-flow", "summary: [" + rep("a,", size/2-10) + "]"},
		{"wide-empty-flow", "summary: [" + rep("[],", size/3-5) + "]"},
		{"wide-implied-nulls", "summary: {" + rep("a,", size/2-10) + "}"},
		{"wide-explicit-pairs", "summary: [" + rep("?,", size/2-10) + "]"},
		{"wide-pairs", "summary: [" + rep("a: ,", size/4-10) + "]"},
		{"wide-block", "summary:\n" + rep("- a\n", size/4-5)},
		{"wide-empty-items", "summary:\n" + rep("-\n", size/2-5)},
		{"aliases", "summary: &a x\nsteps: [" + rep("*a,", size/3-10) + "]"},
		{"anchored-chain", "summary: [" + rep("&a [", size/4-5)},
		{"documents", rep("--- [[[[\n", size/9)},
	}
}

// budgetLookalikes look like bombs but hold their brackets where the parser
// sees text: the pre-scan must let them through.
func budgetLookalikes() []string {
	deep := strings.Repeat("[", 200) + strings.Repeat("{", 200)
	return []string{
		"summary: |\n  " + deep + "\n  more text\nversion: 1.0.0\n",
		"summary: >-\n\n    " + deep + "\n\n      " + deep + "\nversion: 1.0.0\n",
		"- a: |2\n     " + deep + "\n  b: c\n",
		"summary: '" + deep + "'\n",
		"summary: \"" + deep + "\\\"\n  " + deep + "\"\n",
		"summary: plain " + deep + "\n  continued " + deep + "\n",
		"summary: 'it''s " + deep + "'\n",
		"# " + deep + "\nsummary: x # " + deep + "\n",
		"summary: a" + deep + "\n",
		"key: value\n  'continued " + deep + "\n",
	}
}

func TestYAMLBudgetRefusesBombs(t *testing.T) {
	for _, b := range budgetBombs(MaxFileSize - 64) {
		t.Run(b.name, func(t *testing.T) {
			if len(b.data) > MaxFileSize {
				t.Fatalf("bomb of %d bytes is over the size limit", len(b.data))
			}
			bad, _ := scanYAMLBudget([]byte(b.data), MaxYAMLDepth, MaxYAMLNodes)
			if bad == nil {
				t.Fatal("the pre-scan accepted it")
			}
			if bad.pos.Line < 1 || bad.pos.Col < 1 {
				t.Fatalf("no position: %+v", bad)
			}
		})
	}
}

func TestYAMLBudgetHoldsOnSmallBombs(t *testing.T) {
	for _, b := range budgetBombs(600) {
		t.Run(b.name, func(t *testing.T) { checkBudgetHolds(t, []byte(b.data), 4, 40) })
	}
}

func TestYAMLBudgetAcceptsLookalikes(t *testing.T) {
	for i, src := range budgetLookalikes() {
		if bad, _ := scanYAMLBudget([]byte(src), 4, 40); bad != nil {
			t.Errorf("lookalike %d refused at %v: %s\n%s", i, bad.pos, bad.msg, src)
		}
	}
}

// TestYAMLBudgetPositions checks the position of the first level too many.
func TestYAMLBudgetPositions(t *testing.T) {
	tests := []struct {
		src   string
		depth int
		want  Pos // of the deepest level
	}{
		{"a: [[[[\n", 5, Pos{1, 7}},
		{"a:\n  b:\n    c:\n      d:\n        e: 1\n", 5, Pos{5, 9}},
		{"a:\n- - - - x\n", 5, Pos{2, 7}},
		{"a:\n- b:\n  - c: [x]\n", 6, Pos{3, 8}},
		{"a: {b: {c: [d, [e]]}}\n", 5, Pos{1, 16}},
		{"- - a: [b]\n", 4, Pos{1, 8}},
		{"a:\n  - b\nc:\n- d: {e: f}\n", 4, Pos{4, 6}},
	}
	for _, tt := range tests {
		bad, _ := scanYAMLBudget([]byte(tt.src), tt.depth-1, 100)
		if bad == nil || bad.pos != tt.want {
			t.Errorf("%q: violation %+v, want at %v", tt.src, bad, tt.want)
		}
		if bad, _ := scanYAMLBudget([]byte(tt.src), tt.depth, 100); bad != nil {
			t.Errorf("%q: refused with a budget of %d levels: %+v", tt.src, tt.depth, bad)
		}
	}
}

// TestYAMLBudgetCountsImplicitPairs is the hostile review's finding: inside a
// flow list each "a: " or "? " opens a one-pair mapping, so "[a: [a: x]]" is
// four levels deep, not two; the file is refused one level past the budget,
// not twice as deep.
func TestYAMLBudgetCountsImplicitPairs(t *testing.T) {
	rep := strings.Repeat
	for _, tt := range []struct {
		name  string
		src   func(n int) string
		depth func(n int) int // what the parser builds
	}{
		{"pairs", func(n int) string { return "schemaVersion: 1\nsteps: " + rep("[a: ", n) + "x" + rep("]", n) + "\n" }, func(n int) int { return 1 + 2*n }},
		{"explicit pairs", func(n int) string { return "schemaVersion: 1\nsteps: " + rep("[? ", n) + "x" + rep("]", n) + "\n" }, func(n int) int { return 1 + 2*n }},
		{"pairs in mappings", func(n int) string {
			return "schemaVersion: 1\nsteps: " + rep("[a: {b: ", n) + "x" + rep("}]", n) + "\n"
		}, func(n int) int { return 1 + 3*n }},
		{"list keys", func(n int) string { return "schemaVersion: 1\nsteps: [" + rep("[", n) + "a" + rep("]: x", n) + "]\n" }, func(n int) int { return 2 + 2*n }},
	} {
		for n := 1; n < 70; n++ {
			src := []byte(tt.src(n))
			depth, _ := parsedSize(src)
			if depth != tt.depth(n) {
				t.Fatalf("%s × %d: the parser built %d levels, the test expects %d", tt.name, n, depth, tt.depth(n))
			}
			bad, _ := scanYAMLBudget(src, MaxYAMLDepth, MaxYAMLNodes)
			if (bad != nil) != (depth > MaxYAMLDepth) {
				t.Fatalf("%s × %d (%d levels): violation %+v", tt.name, n, depth, bad)
			}
		}
	}
	// The reviewer's file, through the loader.
	src := "schemaVersion: 1\nsteps: " + rep("[a: ", 63) + "x" + rep("]", 63)
	ds := diagsOf(t, "releases/4.3.0.yaml", src)
	if len(ds) != 1 || ds[0].Code != "AR0111" || ds[0].Line != 2 || ds[0].Col < 8 {
		t.Fatalf("want one AR0111 on line 2; got:\n%s", diagLines(ds))
	}
}

// TestYAMLBudgetCountsNodes compares the node count with what the parser
// builds where entries imply empty keys and values.
func TestYAMLBudgetCountsNodes(t *testing.T) {
	for _, src := range []string{"[?,?,?]", "[? ]", "{a, b}", "{a}", "{?}", "[a: , b: ]", "? a\n? b\n", "[[a]: b, [c]: ]", "{[a]: b}", "!", "---", "--- !!str\n--- &a\n---\n...\n", "[!, !!str , &a]"} {
		_, nodes := parsedSize([]byte(src))
		s := newYAMLScan([]byte(src), math.MaxInt, math.MaxInt)
		s.run()
		if s.nodes < nodes {
			t.Errorf("%q: counted %d nodes, the parser built %d", src, s.nodes, nodes)
		}
	}
}

// TestYAMLBudgetAcceptsEveryRealFile runs the pre-scan with the real budget on
// every YAML file of the repository's examples and test data.
func TestYAMLBudgetAcceptsEveryRealFile(t *testing.T) {
	n := 0
	for _, root := range []string{"../examples", "testdata"} {
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(p, ".yaml") || strings.Contains(p, "invalid/") {
				return err
			}
			n++
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if bad, _ := scanYAMLBudget(src, MaxYAMLDepth, MaxYAMLNodes); bad != nil {
				t.Errorf("%s:%v: %s", p, bad.pos, bad.msg)
			}
			// A tenth of the budget is still far more than real files use.
			if bad, _ := scanYAMLBudget(src, 10, MaxYAMLNodes/10); bad != nil {
				t.Errorf("%s:%v: %s (with a tenth of the budget)", p, bad.pos, bad.msg)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 5 {
		t.Fatalf("only %d files checked", n)
	}
}

// entryPoints are the YAML files of a workspace, each with a valid base text.
var entryPoints = []string{"releases/4.4.0.yaml", ConfigFile, "locales/de/releases/4.3.0.yaml", "locales/de/language.yaml", CustomersFile}

// TestYAMLBudgetAtEveryEntryPoint loads a bomb in place of each YAML file of a
// workspace and expects AR0111 at its first line, with a column.
func TestYAMLBudgetAtEveryEntryPoint(t *testing.T) {
	for _, file := range entryPoints {
		for _, b := range []bomb{
			{"flow", "schemaVersion: 1\nsummary: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n"},
			{"block", "schemaVersion: 1\n" + budgetBombs(10_000)[6].data},
			{"wide", "schemaVersion: 1\nsummary: [" + strings.Repeat("a,", MaxYAMLNodes) + "]\n"},
		} {
			t.Run(file+"/"+b.name, func(t *testing.T) {
				fsys := exampleFS(t)
				fsys[file] = &fstest.MapFile{Data: []byte(b.data)}
				ws, err := Load(fsys)
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range ws.Validate() {
					if d.File == file && d.Code == "AR0111" && d.Line >= 2 && d.Col >= 1 {
						return
					}
				}
				t.Fatalf("want AR0111 in %s; got:\n%s", file, diagLines(ws.Validate()))
			})
		}
	}
}

// TestYAMLBudgetBoundsMemory validates a workspace whose manifest is each of the
// worst inputs at the size limit, with a syntax error at its end so that the
// parser that positions errors is consulted too, and bounds what it allocates.
func TestYAMLBudgetBoundsMemory(t *testing.T) {
	const limit = 64 << 20
	inputs := budgetBombs(MaxFileSize - 64)
	// Just under the budget: what the parsers do get to see.
	inputs = append(inputs,
		bomb{"under-budget-wide", "summary: [" + strings.Repeat("a,", MaxYAMLNodes/2-10) + "]\n\tbroken: ["},
		bomb{"under-budget-deep", strings.Repeat("- "+strings.Repeat("[", MaxYAMLDepth-2)+strings.Repeat("]", MaxYAMLDepth-2)+"\n", MaxYAMLNodes/(2*MaxYAMLDepth)) + "\tbroken"},
		bomb{"under-budget-block", "summary:\n" + strings.Repeat("- a\n", MaxYAMLNodes/2-10) + "\tbroken"},
		bomb{"prose", "summary: |\n" + strings.Repeat("  lorem [ipsum] {dolor} sit amet, 'consectetur' \"adipiscing\" elit\n", MaxFileSize/70) + "\tbroken"},
	)
	for _, in := range hostile.Inputs() {
		inputs = append(inputs, bomb{"hostile-" + in.Name, string(in.Data)})
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			fsys := exampleFS(t)
			fsys["releases/4.4.0.yaml"] = &fstest.MapFile{Data: []byte(in.data)}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			ws, err := Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			diags := ws.Validate()
			runtime.ReadMemStats(&after)
			if got := after.TotalAlloc - before.TotalAlloc; got > limit {
				t.Errorf("allocated %d MB validating %d bytes, want under %d MB", got>>20, len(in.data), limit>>20)
			}
			if diags.Errors() == 0 {
				t.Errorf("no error for %s", in.name)
			}
			t.Logf("%s: %d KB in, %d MB allocated, %s", in.name, len(in.data)>>10, (after.TotalAlloc-before.TotalAlloc)>>20, firstError(diags))
		})
	}
}

func firstError(ds Diagnostics) string {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return d.String()
		}
	}
	return fmt.Sprint(ds)
}

// TestPositionInputIsBounded keeps the parser that positions syntax errors on
// small inputs: its memory grows with its input and the square of the nesting.
func TestPositionInputIsBounded(t *testing.T) {
	big := strings.Repeat("a: b\n", MaxFileSize/5)
	tests := []struct {
		name    string
		src     string
		line    int
		want    bool
		wantLen int
	}{
		{"small file", "a: [b\n", 1, true, 6},
		{"error near the top of a big file", "a: [b\n" + big, 1, true, 6 + 5},
		{"error at the end of a big file", big + "a: [b\n", MaxFileSize / 5, false, 0},
		{"line unknown in a big file", big, 0, false, 0},
		{"many brackets", strings.Repeat("[", maxPositionBrackets+1), 1, false, 0},
	}
	for _, tt := range tests {
		in, ok := positionInput([]byte(tt.src), tt.line)
		if ok != tt.want || (ok && len(in) != tt.wantLen) || len(in) > maxPositionInput {
			t.Errorf("%s: %d bytes, %v; want %d bytes, %v", tt.name, len(in), ok, tt.wantLen, tt.want)
		}
	}
	// Without the second parser, the error keeps the first parser's line.
	p, msg := syntaxErrorPosition([]byte(big+"a: [b\n"), fmt.Errorf("yaml: line %d: did not find expected ',' or ']'", MaxFileSize/5+1))
	if p.Line != MaxFileSize/5+1 || p.Col != 1 || msg == "" {
		t.Errorf("got %v %q", p, msg)
	}
}
