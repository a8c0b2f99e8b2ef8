package templates

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestWriteJSONMatchesMarshalIndent checks the fast indenter against encoding/json
// on values with every kind of JSON token, tricky strings included.
func TestWriteJSONMatchesMarshalIndent(t *testing.T) {
	values := []any{
		map[string]any{"a": []any{}, "b": map[string]any{}, "c": []any{1, "two", nil, true, 3.5}, "d": map[string]any{"e": []int{1}}},
		[]string{`quote " and backslash \ and braces {}[],:`, "<html> & unicode ünï ✓", "\u2028 \t \n"},
		struct {
			X []struct{ Y string }
			Z *int
		}{X: []struct{ Y string }{{"{"}, {"]"}}},
		"plain", 42, []any{[]any{[]any{}}},
	}
	for _, v := range values {
		var got bytes.Buffer
		if err := WriteJSON(&got, v); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
		}
	}
}

// TestWriteJSONSplitWrites feeds the indenter compact JSON in every chunk size, so
// that strings, escapes and empty containers are cut between writes, and checks
// it against json.Indent.
func TestWriteJSONSplitWrites(t *testing.T) {
	inputs := []string{
		`{"a":[],"b":{},"c":[1,"two",null,true,3.5],"d":{"e":[1]}}`,
		`["quote \" and backslash \\ and braces {}[],:","\\","\\\"",""]`,
		`[[[]],{},[{}],{"":""}]`,
		`"plain"`,
		strings.Repeat(`[{"a":`, 20) + `-1.5e+3` + strings.Repeat(`}]`, 20), // deeper than the cached indentation
	}
	for _, in := range inputs {
		for size := 1; size <= len(in); size++ {
			if got, want := indentInChunks(t, in, size), indentReference(t, in); got != want {
				t.Fatalf("chunks of %d of %s:\ngot\n%s\nwant\n%s", size, in, got, want)
			}
		}
	}
}

// TestWriteJSONOnePass checks that the indented form of a large document is
// streamed to the writer, not built whole and then written: no write is larger
// than the buffer, and the bytes are json.MarshalIndent's.
func TestWriteJSONOnePass(t *testing.T) {
	type item struct {
		ID   int      `json:"id"`
		Name string   `json:"name"`
		Tags []string `json:"tags"`
	}
	v := make([]item, 20000)
	for i := range v {
		v[i] = item{ID: i, Name: "a step with a name", Tags: []string{"x", "y"}}
	}
	var out chunkWriter
	if err := WriteJSON(&out, v); err != nil {
		t.Fatal(err)
	}
	if out.largest > 64<<10 {
		t.Errorf("wrote %d bytes with a write of %d: the indented document was held whole", out.Len(), out.largest)
	}
	want, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), append(want, '\n')) {
		t.Error("the streamed document differs from json.MarshalIndent's")
	}
}

// chunkWriter keeps what is written and the size of the largest write.
type chunkWriter struct {
	bytes.Buffer
	largest int
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	w.largest = max(w.largest, len(p))
	return w.Buffer.Write(p)
}

// FuzzWriteJSONIndent checks the indenter against json.Indent on any valid JSON,
// written in chunks of any size.
func FuzzWriteJSONIndent(f *testing.F) {
	f.Add(`{"a":[],"b":{"c":"\"}"}}`, 1)
	f.Add(`[1,[[]],{"x":"\\"}]`, 3)
	f.Fuzz(func(t *testing.T, in string, size int) {
		var compact bytes.Buffer
		if json.Compact(&compact, []byte(in)) != nil {
			return
		}
		if size <= 0 || size > compact.Len() {
			size = compact.Len()
		}
		if got, want := indentInChunks(t, compact.String(), size), indentReference(t, compact.String()); got != want {
			t.Fatalf("got\n%s\nwant\n%s", got, want)
		}
	})
}

func indentInChunks(t *testing.T, compact string, size int) string {
	t.Helper()
	var b bytes.Buffer
	bw := bufio.NewWriter(&b)
	ind := &indenter{w: bw}
	for s := compact; len(s) > 0; {
		n := min(size, len(s))
		if _, err := ind.Write([]byte(s[:n])); err != nil {
			t.Fatal(err)
		}
		s = s[n:]
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func indentReference(t *testing.T, compact string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(compact), "", "  "); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestRunbookJSONMatchesEncodingJSON is the property that the runbook's own
// encoder writes what encoding/json writes: random runbooks, every field filled
// by reflection (so a field added to the runbook's types and not to the
// encoder fails here), with nil, empty and full lists, zero and non-zero
// values, and strings that need every kind of escape.
func TestRunbookJSONMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 2))
	for i := range 500 {
		rb := &Runbook{}
		fillRandom(rng, reflect.ValueOf(rb).Elem(), 0)
		var got bytes.Buffer
		if err := WriteJSON(&got, rb); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rb); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			g, w := strings.Split(got.String(), "\n"), strings.Split(want.String(), "\n")
			for l := range min(len(g), len(w)) {
				if g[l] != w[l] {
					t.Fatalf("runbook %d, line %d:\ngot  %s\nwant %s", i, l+1, g[l], w[l])
				}
			}
			t.Fatalf("runbook %d: got %d lines, want %d", i, len(g), len(w))
		}
	}
}

// jsonStrings are the strings fillRandom picks from: plain, empty, and every
// kind that encoding/json escapes (HTML characters it leaves alone here).
var jsonStrings = []string{
	"", "deploy-backend", `quote " backslash \ slash /`, "<b>&amp;</b>", "tab\tnew\nline\rcr",
	"\b\f\x00\x01\x1f\x7f", "ünïcödé ✓ 😀", "\u2028 and \u2029", "bad \xff utf-8 \xe2\x82", "\xc0",
}

// fillRandom sets every exported field of v, recursively, to a random value.
func fillRandom(rng *rand.Rand, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(jsonStrings[rng.IntN(len(jsonStrings))])
	case reflect.Int:
		v.SetInt([]int64{0, 1, -7, 1 << 40, int64(rng.Int32())}[rng.IntN(5)])
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillRandom(rng, v.Field(i), depth)
			}
		}
	case reflect.Slice:
		switch n := rng.IntN(4); {
		case n == 0:
			v.SetZero() // nil
		case depth > 2:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			v.Set(reflect.MakeSlice(v.Type(), n-1, n-1)) // empty, or 1 or 2 elements
			for i := range v.Len() {
				fillRandom(rng, v.Index(i), depth+1)
			}
		}
	default:
		panic("fillRandom: no random " + v.Type().String())
	}
}

// TestRunbookJSONStreams checks that a large runbook reaches the writer in
// chunks, not built whole, and that a failing writer fails the render.
func TestRunbookJSONStreams(t *testing.T) {
	rb := &Runbook{Hops: []Hop{{Steps: make([]Step, 5000)}}}
	var out chunkWriter
	if err := WriteJSON(&out, rb); err != nil {
		t.Fatal(err)
	}
	if out.largest > 64<<10 || out.Len() < 1<<20 {
		t.Errorf("wrote %d bytes with a write of %d: the document was held whole", out.Len(), out.largest)
	}
	if err := WriteJSON(failingWriter{}, rb); !errors.Is(err, errWrite) {
		t.Errorf("a failing writer: got %v, want %v", err, errWrite)
	}
}

var errWrite = errors.New("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }
