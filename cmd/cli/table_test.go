package cli

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/atlas-release/atlas-release/internal/example"
)

// TestTable prints one table on terminals of several widths and through a
// pipe: a terminal's lines fit its width, the widest column cut with "…";
// a pipe gets every byte, aligned as text/tabwriter aligns it.
func TestTable(t *testing.T) {
	const rows = "FILE\tKIND\tURL\n" +
		"atlas-4.3.0-from-4.2.0.tar.gz\tbundle\thttps://github.com/contoso/atlas/releases/download/v4.3.0/atlas-4.3.0-from-4.2.0.tar.gz\n" +
		"SHA256SUMS\tchecksums\t-\n"
	for _, tc := range []struct {
		name   string
		tty    bool
		width  int
		fits   int    // every line at most this many columns; 0: not cut
		has    string // a line that must be there
		absent string
	}{
		{name: "pipe", width: 40, has: "https://github.com/contoso/atlas/releases/download/v4.3.0/atlas-4.3.0-from-4.2.0.tar.gz", absent: "…"},
		{name: "wide terminal", tty: true, width: 200, has: "atlas-4.3.0-from-4.2.0.tar.gz  bundle     https://github.com/contoso/atlas/releases/download/v4.3.0/atlas-4.3.0-from-4.2.0.tar.gz", absent: "…"},
		{name: "terminal of 80", tty: true, width: 80, fits: 80, has: "atlas-4.3.0-from-4.2.0.tar.gz  bundle     https://github.com/contoso/atlas/rele…"},
		{name: "terminal of 40", tty: true, width: 40, fits: 40, has: "atlas-4.3.0-…  bundle     https://githu…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, out, _ := TestIO()
			ios.StdoutTTY, ios.Width = tc.tty, tc.width
			tw := newTable(ios, ios.Out)
			fmt.Fprint(tw, rows)
			if err := tw.Flush(); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			if !strings.Contains(got, tc.has+"\n") || tc.absent != "" && strings.Contains(got, tc.absent) {
				t.Errorf("no %q (or a %q) in\n%s", tc.has, tc.absent, got)
			}
			for line := range strings.SplitSeq(strings.TrimSuffix(got, "\n"), "\n") {
				if n := visibleWidth(line); tc.fits > 0 && n > tc.fits {
					t.Errorf("%d columns: %q", n, line)
				}
			}
			if !tc.tty {
				var want bytes.Buffer
				w := tabwriter.NewWriter(&want, 0, 0, 2, ' ', 0)
				fmt.Fprint(w, rows)
				_ = w.Flush()
				if got != want.String() {
					t.Errorf("a pipe got\n%s\nwant, as tabwriter aligns it,\n%s", got, want.String())
				}
			}
		})
	}
}

// TestTableColours aligns painted cells by what shows, not by their bytes.
func TestTableColours(t *testing.T) {
	ios, _, out, _ := TestIO()
	ios.Color = true
	tw := newTable(ios, ios.Out)
	fmt.Fprintf(tw, "%s\tx\nlonger\ty\n", ios.Red("ab"))
	_ = tw.Flush()
	if want := "\x1b[31mab\x1b[0m      x\nlonger  y\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// TestCalendarFitsTheTerminal runs calendar on a narrow terminal.
func TestCalendarFitsTheTerminal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "atlas")
	if err := example.CopyTo(dir); err != nil {
		t.Fatal(err)
	}
	ios, _, out, errOut := TestIO()
	ios.StdoutTTY, ios.Width = true, 40
	f := &Factory{IO: ios, Getenv: func(string) string { return "" },
		Now: func() time.Time { return time.Date(2023, 11, 25, 12, 0, 0, 0, time.UTC) }, Build: BuildInfo{Version: "v0.0.0-test"}}
	if code := run(f, []string{"-C", dir, "calendar", "2023"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	_, table, _ := strings.Cut(out.String(), "\n\n")
	table, _, _ = strings.Cut(table, "\n\n")
	if !strings.Contains(table, "…") {
		t.Errorf("nothing was cut:\n%s", table)
	}
	for line := range strings.SplitSeq(table, "\n") {
		if visibleWidth(line) > 40 {
			t.Errorf("%d columns: %q", visibleWidth(line), line)
		}
	}
}

// TestTerminalWidth reads COLUMNS first, as shells export it.
func TestTerminalWidth(t *testing.T) {
	for _, tc := range []struct {
		columns string
		want    int
	}{{"120", 120}, {"0", 0}, {"-3", 0}, {"wide", 0}, {"", 0}} {
		// The test's own streams are not terminals: only COLUMNS can say.
		if got := terminalWidth(func(k string) string {
			if k == "COLUMNS" {
				return tc.columns
			}
			return ""
		}); got != tc.want {
			t.Errorf("COLUMNS=%q: width %d, want %d", tc.columns, got, tc.want)
		}
	}
}
