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
	"strings"

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
	ran, err := root.ExecuteContextC(ctx)
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
		// The usage of the command that was called, not the root's: a
		// mistake in `cut` is answered by the help of cut.
		if ran == nil {
			ran = root
		}
		fmt.Fprintf(f.IO.ErrOut, "Usage: %s\nRun '%s --help' for more.\n", ran.UseLine(), ran.CommandPath())
	}
	return code
}

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *Factory) *cobra.Command {
	var noColor bool
	var jq string
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
		PersistentPreRunE: func(c *cobra.Command, _ []string) error {
			if noColor {
				f.IO.Color = false
			}
			return setupJQ(c, f, jq)
		},
	}
	cmd.PersistentFlags().StringVarP(&f.Dir, "dir", "C", "", "run in `DIR`: the workspace or a folder inside it (default: the nearest parent with atlas-release.yaml)")
	cmd.PersistentFlags().BoolVar(&noColor, "no-color", false, "disable colours (also: NO_COLOR=1)")
	cmd.SetFlagErrorFunc(flagError)
	// The exit statuses are the same for every command: the root's help
	// lists them, once.
	cmd.SetUsageTemplate(cmd.UsageTemplate() + "{{if not .HasParent}}" + exitStatusHelp + "{{end}}")

	// The root help lists the commands by what people do with them, as gh
	// does, in the order of a release's life.
	for _, g := range commandGroups {
		cmd.AddGroup(&cobra.Group{ID: g.id, Title: g.title})
	}
	add := func(group string, cmds ...*cobra.Command) {
		for _, c := range cmds {
			c.GroupID = group
			cmd.AddCommand(c)
		}
	}
	add(groupAuthoring, NewCmdNew(f), NewCmdValidate(f), NewCmdPlan(f), NewCmdRunbook(f), NewCmdNotes(f),
		NewCmdChangelog(f), NewCmdDiff(f), NewCmdCalendar(f), NewCmdServe(f))
	add(groupReleaseDay, NewCmdCut(f), NewCmdVerify(f), NewCmdPublish(f))
	add(groupCustomers, NewCmdUpgrades(f))
	add(groupAuthoring, NewCmdTranslations(f))
	add(groupSetup, NewCmdInit(f), NewCmdKeygen(f), NewCmdSchema(f))
	cmd.SetHelpCommandGroupID(groupSetup)
	cmd.SetCompletionCommandGroupID(groupSetup)
	cmd.InitDefaultCompletionCmd()
	completionUsage(cmd)
	addJQFlags(cmd, &jq)
	return cmd
}

// The groups of commands in the root help.
const (
	groupAuthoring  = "authoring"
	groupReleaseDay = "release-day"
	groupCustomers  = "customers"
	groupSetup      = "setup"
)

var commandGroups = []struct{ id, title string }{
	{groupAuthoring, "Authoring a release:"},
	{groupReleaseDay, "Release day:"},
	{groupCustomers, "Customers' upgrades:"},
	{groupSetup, "Setup:"},
}

// completionUsage makes `completion` with no shell, or one cobra does not
// know (tcsh), wrong usage (exit 2): cobra shows the help and exits 0,
// so a script would install an empty completion file and carry on.
func completionUsage(root *cobra.Command) {
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		var shells []string
		for _, sh := range c.Commands() {
			shells = append(shells, sh.Name())
		}
		list := strings.Join(shells, ", ")
		c.Args = func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("no completion for shell %q; shells: %s", args[0], list)
			}
			return usageErrorf("completion needs a shell: %s", list)
		}
		c.RunE = func(*cobra.Command, []string) error { return nil }
	}
}
