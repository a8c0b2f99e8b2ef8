// Package cli is the command-line layer of atlas-release: the only code that knows
// cobra, flags, environment variables, terminals and exit codes. Each command is an
// Options struct filled by its cobra constructor and a run function that does the
// work, so tests can call the run function directly.
//
// One file per command, named after it (validate.go, publish_zendesk.go, …);
// what several commands share lives in files named for what they hold:
// errors.go (the error types and the exit-code table), args.go and
// versions.go (arguments), output.go, files.go, iostreams.go, factory.go,
// passphrase.go and interrupt.go. This file holds Main and run, the one
// caller of exitCode and so the only place an error becomes an exit code, and
// the root command.
package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// Main runs the command line and returns the process exit code.
func Main(args []string, build BuildInfo) int {
	return run(NewFactory(build), args)
}

func run(f *Factory, args []string) int {
	ctx, interrupted, stop := f.handleInterrupts(context.Background())
	defer stop()
	root := NewCmdRoot(f)
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	if sig := interrupted(); sig != nil {
		fmt.Fprintln(f.IO.ErrOut, "atlas-release: interrupted")
		return exitCodeOfSignal(sig)
	}
	code := exitCode(err)
	var silent *silentError
	if !errors.As(err, &silent) {
		fmt.Fprintf(f.IO.ErrOut, "atlas-release: %v\n", err)
	}
	if code == ExitUsage {
		fmt.Fprintln(f.IO.ErrOut, "Run 'atlas-release --help' for usage.")
	}
	return code
}

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *Factory) *cobra.Command {
	var noColor bool
	cmd := &cobra.Command{
		Use:   "atlas-release <command>",
		Short: "Release manifests, upgrade runbooks, signed bundles and release notes",
		Long: `atlas-release turns a product's release manifests into everything customers need
to upgrade: validated manifests, cumulative upgrade runbooks for every path,
signed and reproducible runbook bundles with their change request and user
announcements, a changelog, release notes and upgrade guides published to ZenDesk,
GitHub releases, and customers' change tickets.

It works on a release workspace: a folder with atlas-release.yaml, one manifest
per version under releases/, and the scripts the runbooks run under scripts/.`,
		Example: `  atlas-release init my-product         # create a workspace
  atlas-release new 4.4                  # start the manifest of the next release
  atlas-release validate                 # check every manifest
  atlas-release plan --from 4.1          # what an upgrade from 4.1 takes
  atlas-release cut 4.3                  # release day: bundles, checksums, signatures
  atlas-release publish 4.3              # the GitHub release, then the ZenDesk articles
  atlas-release upgrades plan            # which customer needs which upgrade`,
		Version:       f.Build.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRun: func(*cobra.Command, []string) {
			if noColor {
				f.IO.Color = false
			}
		},
	}
	cmd.PersistentFlags().StringVarP(&f.Dir, "dir", "C", "", "run in `DIR`: the workspace or a folder inside it (default: the nearest parent with atlas-release.yaml)")
	cmd.PersistentFlags().BoolVar(&noColor, "no-color", false, "disable colours (also: NO_COLOR=1)")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	cmd.SetUsageTemplate(cmd.UsageTemplate() + exitStatusHelp)

	cmd.AddCommand(
		NewCmdInit(f),
		NewCmdNew(f),
		NewCmdValidate(f),
		NewCmdPlan(f),
		NewCmdRunbook(f),
		NewCmdNotes(f),
		NewCmdChangelog(f),
		NewCmdDiff(f),
		NewCmdCut(f),
		NewCmdKeygen(f),
		NewCmdVerify(f),
		NewCmdPublish(f),
		NewCmdUpgrades(f),
		NewCmdCalendar(f),
		NewCmdSchema(f),
		NewCmdServe(f),
	)
	return cmd
}
