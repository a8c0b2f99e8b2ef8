// Package cli is the command-line layer of atlas-release: the only code that knows
// cobra, flags, environment variables, terminals and exit codes. Each command is an
// Options struct filled by its cobra constructor and a run function that does the
// work, so tests can call the run function directly.
package cli

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/bundle"
	"github.com/atlas-release/atlas-release/ghrelease"
	"github.com/atlas-release/atlas-release/internal/wsfs"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/signing"
	"github.com/atlas-release/atlas-release/zendesk"
)

// Exit codes, as documented in every command's help.
const (
	ExitOK         = 0
	ExitError      = 1
	ExitUsage      = 2
	ExitValidation = 3
	ExitAuth       = 4
	// ExitInterrupted is 128 + SIGINT, as shells report a Ctrl-C; SIGTERM gives
	// 128 + 15.
	ExitInterrupted = 130
)

const exitStatusHelp = `
Exit status:
  0    success
  1    error
  2    wrong usage (unknown command or flag, bad arguments)
  3    validation or verification failed
  4    remote authentication or permission failure
  130  interrupted (Ctrl-C)
`

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

// interruptGrace is how long a command has, after the first Ctrl-C, to notice
// its cancelled context and clean up (a cut removes its temporary folder)
// before the process ends anyway: a read blocked in a system call, such as a
// passphrase read from a pipe or a file on a hung network file system, never
// sees the context. Well under a second, so that Ctrl-C always ends the tool
// within one.
const interruptGrace = 500 * time.Millisecond

// handleInterrupts cancels the returned context at the first SIGINT or
// SIGTERM, then ends the process with f.Exit if the command has not returned
// interruptGrace later, or at once on a second signal. interrupted returns the
// first signal received, or nil; stop ends the handling.
func (f *Factory) handleInterrupts(parent context.Context) (ctx context.Context, interrupted func() os.Signal, stop func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, interrupted, stopWatching := f.watchInterrupts(parent, sigs, interruptGrace)
	return ctx, interrupted, func() {
		signal.Stop(sigs)
		stopWatching()
	}
}

// watchInterrupts is handleInterrupts with the signals and the grace period
// given.
func (f *Factory) watchInterrupts(parent context.Context, sigs <-chan os.Signal, grace time.Duration) (ctx context.Context, interrupted func() os.Signal, stop func()) {
	ctx, cancel := context.WithCancel(parent)
	var (
		mu    sync.Mutex
		first os.Signal
	)
	interrupted = func() os.Signal {
		mu.Lock()
		defer mu.Unlock()
		return first
	}
	done := make(chan struct{})
	go func() {
		var expired <-chan time.Time
		for {
			select {
			case <-done:
				return
			case sig := <-sigs:
				mu.Lock()
				again := first != nil
				if !again {
					first = sig
				}
				mu.Unlock()
				if again {
					f.exitInterrupted(sig)
					return
				}
				cancel()
				expired = time.After(grace)
			case <-expired:
				f.exitInterrupted(interrupted())
				return
			}
		}
	}()
	return ctx, interrupted, func() {
		close(done)
		cancel()
	}
}

// exitInterrupted ends the process after a signal, undoing first what must not
// outlive it (a terminal without echo). Without f.Exit (tests that run commands
// in-process) it does nothing: the command ends when it sees the context.
func (f *Factory) exitInterrupted(sig os.Signal) {
	if f.Exit == nil {
		return
	}
	f.onExit.run()
	fmt.Fprintln(f.IO.ErrOut, "atlas-release: interrupted")
	f.Exit(exitCodeOfSignal(sig))
}

func exitCodeOfSignal(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return ExitInterrupted
}

// exitHooks are what to undo before the process is ended while a command
// runs: the command's own defers do not run then.
type exitHooks struct {
	mu    sync.Mutex
	next  int
	hooks map[int]func()
}

// add registers fn until remove is called.
func (h *exitHooks) add(fn func()) (remove func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.hooks == nil {
		h.hooks = map[int]func(){}
	}
	id := h.next
	h.next++
	h.hooks[id] = fn
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.hooks, id)
	}
}

// run calls the registered functions, the latest first, once.
func (h *exitHooks) run() {
	h.mu.Lock()
	ids := slices.Sorted(maps.Keys(h.hooks))
	fns := make([]func(), 0, len(ids))
	for _, id := range slices.Backward(ids) {
		fns = append(fns, h.hooks[id])
	}
	clear(h.hooks)
	h.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// exitCode classifies an error. It is the only place that decides exit codes.
func exitCode(err error) int {
	var (
		usage    *usageError
		silent   *silentError
		invalid  *releases.ValidationError
		verified *verificationError
		auth     *authError
	)
	switch {
	case errors.As(err, &silent):
		return silent.code
	case errors.As(err, &usage), strings.HasPrefix(err.Error(), "unknown command"):
		return ExitUsage
	case errors.As(err, &invalid), errors.As(err, &verified):
		return ExitValidation
	case errors.As(err, &auth), zendesk.KindOf(err) == zendesk.KindAuth, zendesk.KindOf(err) == zendesk.KindPermission,
		ghrelease.KindOf(err) == ghrelease.KindAuth, ghrelease.KindOf(err) == ghrelease.KindPermission:
		return ExitAuth
	case isVerificationFailure(err):
		return ExitValidation
	}
	return ExitError
}

// isVerificationFailure reports a file that failed its checks: a signature, a
// bundle or a cut, or a file that is not a regular file where one is read (a
// link or a named pipe in the workspace, a device given as a key).
func isVerificationFailure(err error) bool {
	return errors.Is(err, signing.ErrVerification) || errors.Is(err, bundle.ErrInvalid) ||
		errors.Is(err, wsfs.ErrRefused) || errors.Is(err, releases.ErrNotRegular)
}

// usageError is a mistake in how the command was called.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// silentError ends the process with a code after the command has already said why.
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

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
		NewCmdInit(f, nil),
		NewCmdNew(f, nil),
		NewCmdValidate(f, nil),
		NewCmdPlan(f, nil),
		NewCmdRunbook(f, nil),
		NewCmdNotes(f, nil),
		NewCmdChangelog(f, nil),
		NewCmdDiff(f, nil),
		NewCmdCut(f, nil),
		NewCmdKeygen(f, nil),
		NewCmdVerify(f, nil),
		NewCmdPublish(f),
		NewCmdUpgrades(f),
		NewCmdCalendar(f, nil),
		NewCmdSchema(f, nil),
	)
	return cmd
}

// exactArgs and rangeArgs are cobra argument checks that report usage errors.
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

// completeVersions offers the workspace's versions for shell completion.
func completeVersions(f *Factory) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		ws, err := f.Workspace()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, m := range ws.Manifests {
			out = append(out, m.SemVer().String())
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
