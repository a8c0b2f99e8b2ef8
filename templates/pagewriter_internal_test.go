package templates

import (
	"bufio"
	"html"
	"io"
	"strconv"
	"strings"
	"testing"
)

// written is what f writes through a pageWriter.
func written(f func(w pageWriter)) string {
	var b strings.Builder
	bw := bufio.NewWriterSize(&b, 16) // small: appends that outgrow the buffer
	f(pageWriter{bw})
	_ = bw.Flush()
	return b.String()
}

// TestPageWriterWritesWhatTheStringFormsGive: the pages append numbers,
// durations, clock times and percentages in place; each must be the text the
// string form (used by the templates) gives.
func TestPageWriterWritesWhatTheStringFormsGive(t *testing.T) {
	for _, n := range []int{-61, -5, 0, 1, 9, 10, 59, 60, 61, 65, 119, 125, 600, 1439, 1440, 99999} {
		for _, c := range []struct {
			name  string
			write func(pageWriter, int)
			want  string
		}{
			{"int", pageWriter.int, strconv.Itoa(n)},
			{"minutes", pageWriter.minutes, Minutes(n)},
			{"clock", pageWriter.clock, clock(n)},
			{"percent", func(w pageWriter, n int) { w.percent(n, 480) }, percent(n, 480)},
		} {
			if got := written(func(w pageWriter) { w.raw("x"); c.write(w, n) }); got != "x"+c.want {
				t.Errorf("%s(%d) wrote %q, want %q", c.name, n, got, "x"+c.want)
			}
		}
	}
	for n, want := range map[int]string{0: "0:00", 5: "0:05", 65: "1:05", 600: "10:00"} {
		if got := clock(n); got != want {
			t.Errorf("clock(%d) = %q, want %q", n, got, want)
		}
	}
	for _, c := range []struct {
		part, whole int
		want        string
	}{{0, 0, "0%"}, {5, -1, "0%"}, {1, 8, "12.50%"}, {2, 3, "66.67%"}, {480, 480, "100.00%"}} {
		if got := percent(c.part, c.whole); got != c.want {
			t.Errorf("percent(%d, %d) = %q, want %q", c.part, c.whole, got, c.want)
		}
	}
	if got := written(func(w pageWriter) { w.list([]string{"a", "b", "c"}); w.raw("|"); w.listText([]string{"<x>", "y&"}) }); got != "a, b, c|&lt;x&gt;, y&amp;" {
		t.Errorf("list and listText wrote %q", got)
	}
}

// FuzzPageWriterText: text escapes exactly as html.EscapeString does.
func FuzzPageWriterText(f *testing.F) {
	for _, s := range []string{"", "plain", `<a href="x">'&'</a>`, "&&&", "ünïcödé <", ">"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := written(func(w pageWriter) { w.text(s) }), html.EscapeString(s); got != want {
			t.Fatalf("text(%q) wrote %q, want %q", s, got, want)
		}
	})
}

// TestRunbookPagesAllocateLittlePerStep: a page writes every step's numbers,
// durations and times into its buffer, not as a string apiece (rendering every
// path of a 40-release workspace writes millions of them).
func TestRunbookPagesAllocateLittlePerStep(t *testing.T) {
	rb := longestRunbook(t)
	steps := 0
	for _, h := range rb.Hops {
		steps += len(h.Steps)
	}
	set, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	out := bufio.NewWriterSize(io.Discard, 64<<10)
	for _, f := range []Format{Markdown, HTML} {
		allocs := testing.AllocsPerRun(5, func() {
			if err := set.RenderRunbook(out, rb, f); err != nil {
				t.Fatal(err)
			}
		})
		// What allocates is per release, role or prerequisite; a string per
		// duration or time would be several per step.
		if limit := float64(steps); allocs > limit {
			t.Errorf("%s: rendering %d steps allocates %v times, over %v", f, steps, allocs, limit)
		}
	}
}
