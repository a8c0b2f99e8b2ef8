package cli

import (
	"bytes"
	"io"
	"os"
	"strconv"

	"golang.org/x/term"
)

// IOStreams carries the standard streams and what is known about them. Data goes
// to Out, progress and chatter to ErrOut; output for people (colour, progress,
// tables) is only produced on terminals, so scripts always see stable text.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	StdinTTY, StdoutTTY, StderrTTY bool
	// Color enables ANSI colours on Out and ErrOut.
	Color bool
	// Width is the terminal's width in columns, 0 when output goes elsewhere;
	// COLUMNS overrides what the terminal says.
	Width int
}

// SystemIO returns the process's streams. Colour is on for terminals unless
// NO_COLOR is set (https://no-color.org).
func SystemIO(getenv func(string) string) *IOStreams {
	io := &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		StdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		StdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		StderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}
	io.Color = io.StdoutTTY && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
	if io.StdoutTTY || io.StderrTTY {
		io.Width = terminalWidth(getenv)
	}
	return io
}

// terminalWidth is COLUMNS when it is a positive number, else the width of
// whichever of standard output and error is a terminal.
func terminalWidth(getenv func(string) string) int {
	if n, err := strconv.Atoi(getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	for _, f := range []*os.File{os.Stdout, os.Stderr} {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	return 0
}

// width is the columns a line on a terminal may take; without a known width,
// the traditional 80.
func (s *IOStreams) width() int {
	if s.Width > 0 {
		return s.Width
	}
	return 80
}

// TestIO returns streams backed by buffers, as a script would see them.
func TestIO() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

func (s *IOStreams) paint(code, text string) string {
	if !s.Color {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

// Red marks errors when colour is on.
func (s *IOStreams) Red(t string) string { return s.paint("31", t) }

// Yellow marks warnings when colour is on.
func (s *IOStreams) Yellow(t string) string { return s.paint("33", t) }

// Green marks success when colour is on.
func (s *IOStreams) Green(t string) string { return s.paint("32", t) }

// Cyan marks positions when colour is on.
func (s *IOStreams) Cyan(t string) string { return s.paint("36", t) }

// Bold marks headings when colour is on.
func (s *IOStreams) Bold(t string) string { return s.paint("1", t) }

// Dim marks hints when colour is on.
func (s *IOStreams) Dim(t string) string { return s.paint("2", t) }
