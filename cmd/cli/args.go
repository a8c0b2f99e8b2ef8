package cli

import "github.com/spf13/cobra"

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
