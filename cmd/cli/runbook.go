package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// RunbookOptions are the inputs of `runbook`.
type RunbookOptions struct {
	F        *Factory
	From, To string
	// Install is the version to deploy on a new tenant, instead of an upgrade.
	Install string
	Format  string
	// FormatGiven tells an explicit --format from the default, which the
	// extension of --out overrides.
	FormatGiven bool
	Out         string
	// All writes the runbook of every supported (from, to) pair into the folder Out.
	All bool
	// workers is how many paths --all renders at once; 0 means GOMAXPROCS.
	workers int
}

// NewCmdRunbook builds `runbook`.
func NewCmdRunbook(f *Factory) *cobra.Command {
	opts := &RunbookOptions{F: f}
	cmd := &cobra.Command{
		Use:   "runbook --from VERSION [--to VERSION]",
		Short: "Write the cumulative upgrade runbook for a path",
		Long: `Write the runbook that upgrades a tenant from one version to another: every step of
every release on the path (superseded deployments once, "once" steps once),
through each required stop, with who does what and when, how to verify each step
and how to roll it back.

Formats:
  md    Markdown
  html  one self-contained page: no network access, ticks saved in the browser,
        a role matrix, a timeline, a sign-off table, and a print layout
  json  the runbook as data (schema: atlas-release schema runbook)

--to defaults to the newest release.

--install VERSION writes the runbook that deploys VERSION on a new tenant
instead: the install procedure of the newest release up to VERSION that
declares one, then the steps later releases mark newDeployments, composed by
the same rules, with where every step came from. It is named
<product>-<version>-install and takes no --from or --to.

--all writes the runbook of every supported path (every pair of versions that
an upgrade may go from and to) into the folder --out, one file per runbook and
format, named after the runbook: atlas-4.3.0-from-4.1.0.html. --format then
takes a comma-separated list. The paths are rendered side by side, one per
processor; the files are the same as one runbook at a time would write, each
written whole, and the first path that fails stops the command.`,
		Example: `  atlas-release runbook --from 4.1 --to 4.3
  atlas-release runbook --from 4.1 --out runbook.html
  atlas-release runbook --install 4.3 --format json
  atlas-release runbook --all --format md,html,json --out site/runbooks`,
		Args: rangeArgs(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.FormatGiven = cmd.Flags().Changed("format")
			if err := givenVersions(cmd, "install", "from", "to"); err != nil {
				return err
			}
			return runbookRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "", "the `VERSION` the tenant runs now (required)")
	cmd.Flags().StringVar(&opts.To, "to", "", "the `VERSION` to upgrade to (default: the newest)")
	cmd.Flags().StringVar(&opts.Format, "format", "", "output `FORMAT`: md, html or json (with --all, a comma-separated list; default: from the extension of --out, else md)")
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "write to `FILE` (.md, .html or .json names the format) instead of standard output (with --all, the folder)")
	cmd.Flags().StringVar(&opts.Install, "install", "", "write the runbook that deploys `VERSION` on a new tenant")
	cmd.Flags().BoolVar(&opts.All, "all", false, "write the runbook of every supported path into the folder --out")
	_ = cmd.RegisterFlagCompletionFunc("from", completeVersions(f))
	_ = cmd.RegisterFlagCompletionFunc("to", completeVersions(f))
	_ = cmd.RegisterFlagCompletionFunc("install", completeVersions(f))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"md", "html", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runbookRun(ctx context.Context, opts *RunbookOptions) error {
	if opts.All && opts.Install != "" {
		return usageErrorf("--all writes every upgrade path: it takes no --install")
	}
	if opts.All {
		return runbookAll(ctx, opts)
	}
	if err := installExclusive(opts.Install, opts.From, opts.To); err != nil {
		return err
	}
	if err := outFile("--out", opts.Out); err != nil {
		return err
	}
	format, err := outFormat(opts.Format, opts.FormatGiven, opts.Out)
	if err != nil {
		return err
	}
	ws, err := opts.F.ValidWorkspace()
	if err != nil {
		return err
	}
	path, err := composePath(ws, opts.Install, opts.From, opts.To)
	if err != nil {
		return err
	}
	set, err := opts.F.Templates()
	if err != nil {
		return err
	}
	rb := templates.NewRunbook(ws, path, opts.F.Generator())
	return render(opts.F, opts.Out, func(w io.Writer) error { return set.RenderRunbook(w, rb, format) })
}

// runbookAll writes every supported path's runbook in every format asked for.
// The paths are composed and rendered by up to GOMAXPROCS workers, each with
// its pooled buffer; every file is whole (streamRegenerable), and the files are the
// same bytes whatever the number of workers. A failure stops the workers from
// taking more paths, and the error reported is the one of the first failing
// path in (from, to) order, as a one-at-a-time run would report.
func runbookAll(ctx context.Context, opts *RunbookOptions) error {
	if opts.From != "" || opts.To != "" {
		return usageErrorf("--all writes every path: it takes no --from or --to")
	}
	if opts.Out == "" || opts.Out == "-" {
		return usageErrorf("--all needs --out: the folder to write the runbooks in")
	}
	var formats []templates.Format
	list := opts.Format
	if list == "" && !opts.FormatGiven {
		list = string(templates.Markdown) // as for one runbook: md unless told otherwise
	}
	for _, name := range strings.Split(list, ",") {
		f, err := templates.ParseFormat(strings.TrimSpace(name))
		if err != nil {
			return usageErrorf("--format: %v", err)
		}
		if !slices.Contains(formats, f) {
			formats = append(formats, f)
		}
	}
	ws, err := opts.F.ValidWorkspace()
	if err != nil {
		return err
	}
	set, err := opts.F.Templates()
	if err != nil {
		return err
	}
	type pair struct{ from, to *releases.Manifest }
	var pairs []pair
	for i, from := range ws.Manifests {
		for _, to := range ws.Manifests[i+1:] {
			pairs = append(pairs, pair{from, to})
		}
	}
	generator := opts.F.Generator()
	defer relaxGC()()
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", opts.Out, bareError(err))
	}
	var written, files atomic.Int64 // for the progress line
	write := func(p pair) error {
		path, err := ws.Plan(p.from.SemVer(), p.to.SemVer())
		if errors.Is(err, releases.ErrPathRefused) {
			return nil // not a supported path: no runbook
		}
		if err != nil {
			return err
		}
		rb := templates.NewRunbook(ws, path, generator)
		for _, f := range formats {
			n, err := streamRegenerable(filepath.Join(opts.Out, rb.Bundle+"."+string(f)),
				func(w io.Writer) error { return set.RenderRunbook(w, rb, f) })
			if err != nil {
				return err
			}
			files.Add(1)
			written.Add(n)
		}
		return nil
	}

	// On a terminal, a live line shows what has been written so far.
	prog := newProgress(opts.F.IO, opts.F.Now, progressTick)
	defer prog.stop()
	const task = "runbooks"
	prog.start(task, task, true)
	var (
		next     atomic.Int64 // the index of the next pair to take
		mu       sync.Mutex
		firstErr error
		errAt    = len(pairs) // the index of the first failing pair
	)
	// stopped reports whether the pair at index i need not run: an earlier pair
	// failed, or the command was interrupted.
	stopped := func(i int) bool {
		mu.Lock()
		defer mu.Unlock()
		return i > errAt || ctx.Err() != nil
	}
	var wg sync.WaitGroup
	workers := opts.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	for range min(workers, len(pairs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(pairs) || stopped(i) {
					return
				}
				if err := write(pairs[i]); err != nil {
					mu.Lock()
					if i < errAt {
						errAt, firstErr = i, err
					}
					mu.Unlock()
					continue
				}
				prog.wrote(task, written.Load())
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	prog.finish(task, task, fmt.Sprintf("%d files", files.Load()), false, false)
	return nil
}

// batchGCPercent is the collector's target while runbook --all renders.
// Rendering every path of a workspace of 40 releases allocates about a
// gigabyte of short-lived view models over a live heap of tens of megabytes:
// at the default target (100) the collector ran every few tens of megabytes
// and, with its write barriers, took a fifth of the CPU. Four times the target
// costs about 40 MB more at the peak.
const batchGCPercent = 400

// relaxGC raises the collector's target to batchGCPercent, unless the user
// chose one with GOGC, and returns what puts it back. Overlapping batches
// (tests run commands side by side) share one raise: the last to end restores
// the target the first found.
func relaxGC() (restore func()) {
	if _, chosen := os.LookupEnv("GOGC"); chosen {
		return func() {}
	}
	relaxedGC.Lock()
	defer relaxedGC.Unlock()
	if relaxedGC.batches == 0 {
		relaxedGC.saved = debug.SetGCPercent(batchGCPercent)
	}
	relaxedGC.batches++
	return func() {
		relaxedGC.Lock()
		defer relaxedGC.Unlock()
		if relaxedGC.batches--; relaxedGC.batches == 0 {
			debug.SetGCPercent(relaxedGC.saved)
		}
	}
}

var relaxedGC struct {
	sync.Mutex
	batches int // running batches
	saved   int // the target before the first of them
}
