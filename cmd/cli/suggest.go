package cli

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/atlas-release/atlas-release/releases"
)

// flagError makes a mistake in the flags a usage error and, for an unknown
// flag, proposes the closest flags the command has, in the words cobra uses
// for an unknown command. "-from" (one dash) is taken as a try at --from.
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	name, ok := strings.CutPrefix(msg, "unknown flag: --")
	if !ok {
		if i := strings.LastIndex(msg, " in -"); strings.HasPrefix(msg, "unknown shorthand flag: ") && i >= 0 {
			name, ok = msg[i+len(" in -"):], true
		}
	}
	if name, _, _ = strings.Cut(name, "="); ok {
		if s := closestFlags(cmd, name); len(s) > 0 {
			err = fmt.Errorf("%w\n\nDid you mean this?\n\t--%s", err, strings.Join(s, "\n\t--"))
		}
	}
	return &usageError{err}
}

// closestFlags are the visible flags of cmd (its own and those it inherits)
// within two edits of name, or that name begins, closest first; only the
// one when name is a flag but for its case or dashes.
func closestFlags(cmd *cobra.Command, name string) []string {
	type match struct {
		flag string
		dist int
	}
	var matches []match
	seen := map[string]bool{}
	visit := func(f *pflag.Flag) {
		if f.Hidden || seen[f.Name] {
			return
		}
		seen[f.Name] = true
		d := releases.EditDistance(strings.ToLower(name), strings.ToLower(f.Name))
		switch {
		case d <= 2 && d < len(name):
		case len(name) >= 2 && strings.HasPrefix(f.Name, name):
			d = 3 // after every near miss
		default:
			return
		}
		matches = append(matches, match{f.Name, d})
	}
	cmd.Flags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	slices.SortFunc(matches, func(a, b match) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), strings.Compare(a.flag, b.flag))
	})
	if len(matches) > 0 && matches[0].dist == 0 {
		matches = matches[:1] // "-from" meant --from, not --from-date too
	}
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = m.flag
	}
	return names
}
