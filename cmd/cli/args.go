package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/releases"
)

// rangeArgs is a cobra argument check that reports a usage error saying what
// the command expects: the arguments its Use line names and, when some are
// missing, the first of its examples that gives them ("cut needs a version,
// e.g. `atlas-release cut 4.3`").
func rangeArgs(minArgs, maxArgs int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) >= minArgs && len(args) <= maxArgs {
			return nil
		}
		name := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
		names := argNames(cmd.Use)
		switch {
		case len(args) < minArgs:
			missing := fmt.Sprintf("%d arguments", minArgs)
			switch {
			case minArgs == 1 && len(names) > 0:
				missing = article(names[0]) + " " + names[0]
			case minArgs == len(names):
				missing += " (<" + strings.Join(names, "> <") + ">)"
			}
			msg := fmt.Sprintf("%s needs %s", name, missing)
			if eg := exampleOf(cmd, minArgs); eg != "" {
				msg += ", e.g. `" + eg + "`"
			}
			return usageErrorf("%s", msg)
		case maxArgs == 0:
			return usageErrorf("%s takes no arguments, got %s", name, quoteArgs(args))
		case maxArgs == 1 && len(names) > 0:
			return usageErrorf("%s takes one %s, got %d: %s", name, names[0], len(args), quoteArgs(args))
		case minArgs == maxArgs:
			return usageErrorf("%s takes %d arguments, got %d: %s", name, maxArgs, len(args), quoteArgs(args))
		default:
			return usageErrorf("%s takes at most %d arguments, got %d: %s", name, maxArgs, len(args), quoteArgs(args))
		}
	}
}

// argNames are the positional arguments a Use line names: "<version>" and
// "[year]" are, the value of a flag ("--to <version>") and "|" are not.
func argNames(use string) []string {
	var names []string
	fields := strings.Fields(use)
	for i := 1; i < len(fields); i++ {
		f := strings.Trim(fields[i], "[]<>.")
		switch {
		case strings.HasPrefix(strings.TrimLeft(fields[i], "["), "-"):
			if !strings.HasSuffix(fields[i], "]") {
				i++ // the flag's value: "--to <version>", "[--to VERSION]"
			}
		case f == "" || f == "|" || strings.ContainsAny(f, "|-"):
		default:
			names = append(names, f)
		}
	}
	return names
}

// exampleOf is the first example of cmd that gives it n arguments, cut down to
// the command and those arguments.
func exampleOf(cmd *cobra.Command, n int) string {
	path := cmd.CommandPath()
	for _, line := range strings.Split(cmd.Example, "\n") {
		_, rest, ok := strings.Cut(line, path+" ")
		if !ok {
			continue
		}
		rest, _, _ = strings.Cut(rest, "#")
		var args []string
		for _, a := range strings.Fields(rest) {
			if strings.HasPrefix(a, "-") || strings.ContainsAny(a, "|<>&;") {
				break
			}
			args = append(args, a)
		}
		if len(args) >= n {
			return path + " " + strings.Join(args[:n], " ")
		}
	}
	return ""
}

// article is "a" or "an" before a word, by its first letter.
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
}

// quoteArgs lists arguments quoted, so that a stray space or control character
// shows; past three, it counts the rest.
func quoteArgs(args []string) string {
	const shown = 3
	var b strings.Builder
	for i, a := range args {
		if i == shown {
			fmt.Fprintf(&b, " and %d more", len(args)-shown)
			break
		}
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(strconv.Quote(a))
	}
	return b.String()
}

// dateArg parses a day given on the command line (YYYY-MM-DD) within the
// range a workspace accepts, so that a flag never writes or plans a date that
// validation would then refuse.
func dateArg(flag, s string) (releases.Date, error) {
	d, err := releases.ParseDate(s)
	if err == nil {
		err = d.CheckRange()
	}
	if err != nil {
		return d, usageErrorf("%s: %v", flag, err)
	}
	return d, nil
}
