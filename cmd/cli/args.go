package cli

import (
	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/releases"
)

// rangeArgs is a cobra argument check that reports a usage error.
func rangeArgs(minArgs, maxArgs int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < minArgs || len(args) > maxArgs {
			switch {
			case minArgs == maxArgs:
				return usageErrorf("%s takes %d argument(s), got %d", cmd.CommandPath(), minArgs, len(args))
			case len(args) < minArgs:
				return usageErrorf("%s needs at least %d argument(s)", cmd.CommandPath(), minArgs)
			default:
				return usageErrorf("%s takes at most %d argument(s), got %d", cmd.CommandPath(), maxArgs, len(args))
			}
		}
		return nil
	}
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
