package cli

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/atlas-release/atlas-release/internal/example"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

// TestTable prints tables on terminals of several widths and through a pipe.
// A terminal's lines fit its width: the identifying column (the first, or the
// one kept whole) is never cut, the widest of the others is, never below its
// heading; a table that cannot fit so is printed whole, as a pipe gets it:
// every byte, aligned as text/tabwriter aligns it.
func TestTable(t *testing.T) {
	const files = "FILE\tKIND\tURL\n" +
		"atlas-4.3.0-from-4.2.0.tar.gz\tbundle\thttps://github.com/contoso/atlas/releases/download/v4.3.0/atlas-4.3.0-from-4.2.0.tar.gz\n" +
		"atlas-4.3.0-from-4.1.0.tar.gz\tbundle\thttps://github.com/contoso/atlas/releases/download/v4.3.0/atlas-4.3.0-from-4.1.0.tar.gz\n" +
		"SHA256SUMS\tchecksums\t-\n"
	const headed = "NAME\tDESCRIPTION\tX\n" +
		"a\tthe first of the rows, described at length\tb\n"
	for _, tc := range []struct {
		name  string
		rows  string
		keep  int
		tty   bool
		width int
		whole bool     // printed as tabwriter prints it, nothing cut
		has   []string // lines that must be there
	}{
		{name: "pipe", rows: files, width: 40, whole: true},
		{name: "wide terminal", rows: files, tty: true, width: 200, whole: true},
		{name: "terminal of 80", rows: files, tty: true, width: 80, has: []string{
			"atlas-4.3.0-from-4.2.0.tar.gz  bundle     https://github.com/contoso/atlas/rele…",
			"atlas-4.3.0-from-4.1.0.tar.gz  bundle     https://github.com/contoso/atlas/rele…",
		}},
		{name: "terminal of 50", rows: files, tty: true, width: 50, has: []string{
			"atlas-4.3.0-from-4.2.0.tar.gz  bundle    https://…",
			"SHA256SUMS                     checksu…  -",
		}},
		// The file's name and the other columns at their narrowest take 45
		// columns: cutting would leave rows nobody can tell apart.
		{name: "terminal too narrow", rows: files, tty: true, width: 40, whole: true},
		{name: "URL kept whole", rows: files, keep: 2, tty: true, width: 110, has: []string{
			"atlas-4.3…  bundle     https://github.com/contoso/atlas/releases/download/v4.3.0/atlas-4.3.0-from-4.2.0.tar.gz",
			"atlas-4.3…  bundle     https://github.com/contoso/atlas/releases/download/v4.3.0/atlas-4.3.0-from-4.1.0.tar.gz",
			"SHA256SUMS  checksums  -",
		}},
		{name: "URL kept whole, too narrow", rows: files, keep: 2, tty: true, width: 100, whole: true},
		{name: "never below the heading", rows: headed, tty: true, width: 20, has: []string{
			"NAME  DESCRIPTION  X",
			"a     the first …  b",
		}},
		{name: "heading too wide", rows: headed, tty: true, width: 19, whole: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, out, _ := TestIO()
			ios.StdoutTTY, ios.Width = tc.tty, tc.width
			tw := newTable(ios, ios.Out)
			tw.keepWhole(tc.keep)
			fmt.Fprint(tw, tc.rows)
			if err := tw.Flush(); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			if tc.whole {
				var want bytes.Buffer
				w := tabwriter.NewWriter(&want, 0, 0, 2, ' ', 0)
				fmt.Fprint(w, tc.rows)
				_ = w.Flush()
				if got != want.String() {
					t.Errorf("got\n%s\nwant it whole, as tabwriter aligns it,\n%s", got, want.String())
				}
				return
			}
			lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
			for _, want := range tc.has {
				if !slices.Contains(lines, want) {
					t.Errorf("no line %q in\n%s", want, got)
				}
			}
			for _, line := range lines {
				if n := visibleWidth(line); n > tc.width {
					t.Errorf("%d columns: %q", n, line)
				}
			}
		})
	}
}

// TestCutTable prints the summary of a cut: through a pipe every digest is
// whole, as in SHA256SUMS; on a terminal each file's name is whole, whatever
// its width, and the lines fit it when they can.
func TestCutTable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "atlas")
	if err := example.CopyTo(dir); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		tty   bool
		width int
		fits  bool // every line fits the width
		whole bool // every digest is whole
	}{
		{name: "pipe", width: 40, whole: true},
		{name: "terminal of 80", tty: true, width: 80, fits: true},
		{name: "terminal of 40", tty: true, width: 40, whole: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, out, errOut := TestIO()
			ios.StdoutTTY, ios.Width = tc.tty, tc.width
			f := &Factory{IO: ios, Getenv: func(string) string { return "" },
				Now: func() time.Time { return time.Date(2023, 11, 25, 12, 0, 0, 0, time.UTC) }, Build: BuildInfo{Version: "v0.0.0-test"}}
			if code := run(f, []string{"-C", dir, "cut", "4.3", "--snapshot", "--clean", "--dist", t.TempDir()}); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			_, table, _ := strings.Cut(out.String(), "\n\n")
			lines := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
			names := map[string]bool{}
			for _, line := range lines[1:] {
				fields := strings.Fields(line)
				names[fields[0]] = true
				digest := fields[len(fields)-1]
				if full := len(digest) == 64 && !strings.Contains(digest, "…"); full != tc.whole {
					t.Errorf("digest %q (want whole: %v)", digest, tc.whole)
				}
				if tc.fits && visibleWidth(line) > tc.width {
					t.Errorf("%d columns: %q", visibleWidth(line), line)
				}
			}
			for _, name := range []string{"atlas-4.3.0-from-4.2.0.tar.gz", "atlas-4.3.0-from-4.1.0.tar.gz", "atlas-4.3.0-install.tar.gz", "SHA256SUMS"} {
				if !names[name] {
					t.Errorf("no row for %s in\n%s", name, table)
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

// TestPublishZendeskTable prints what publish zendesk did on terminals: each
// row's URL, which tells the articles apart, is whole; the lines fit a
// terminal they can fit, and a narrower one gets the table whole.
func TestPublishZendeskTable(t *testing.T) {
	st := zendesktest.NewState("en-us", "de")
	st.Sections = []zendesktest.Section{{ID: 4410293001, Name: "Release notes", Locale: "en-us"}}
	st.PermissionGroups = []zendesktest.PermissionGroup{{ID: 1764201, Name: "Managers"}}
	emu := zendesktest.New(st, zendesktest.Config{Tokens: []string{"tok"}})
	defer emu.Close()
	dir := example.Copy(t)
	url := regexp.MustCompile(`https?://\S+`)
	for _, tc := range []struct {
		width int
		fits  bool
	}{{width: 0}, {width: 110, fits: true}, {width: 40}} {
		t.Run(strconv.Itoa(tc.width), func(t *testing.T) {
			ios, _, out, errOut := TestIO()
			ios.StdoutTTY, ios.Width = tc.width > 0, tc.width
			env := map[string]string{"ZENDESK_URL": emu.URL, "ZENDESK_OAUTH_TOKEN": "tok", "ATLAS_PUBLIC_KEY": testPublicKey}
			f := &Factory{IO: ios, Getenv: func(k string) string { return env[k] },
				Now: func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }, Build: BuildInfo{Version: "v0.0.0-test"}}
			if code := run(f, []string{"-C", dir, "publish", "zendesk", "4.3", "--unsigned-from-workspace"}); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			_, table, _ := strings.Cut(out.String(), "\n\n")
			table, _, _ = strings.Cut(table, "\n\n")
			lines := strings.Split(table, "\n")
			if len(lines) < 3 {
				t.Fatalf("no table in\n%s", out)
			}
			if cut := strings.Contains(table, "…"); cut != tc.fits {
				t.Errorf("cut: %v, want %v:\n%s", cut, tc.fits, table)
			}
			for _, line := range lines[1:] {
				u := url.FindString(line)
				if u == "" || strings.Contains(u, "…") || !strings.Contains(u, "/articles/") {
					t.Errorf("the URL is not whole: %q", line)
				}
				if tc.fits && visibleWidth(line) > tc.width {
					t.Errorf("%d columns: %q", visibleWidth(line), line)
				}
			}
		})
	}
}
