package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// RunbookOptions are the inputs of `runbook`.
type RunbookOptions struct {
	F        *Factory
	From, To string
	Format   string
	// FormatGiven tells an explicit --format from the default, which the
	// extension of --out overrides.
	FormatGiven bool
	Out         string
	// All writes the runbook of every supported (from, to) pair into the folder Out.
	All bool
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

--all writes the runbook of every supported path (every pair of versions that
an upgrade may go from and to) into the folder --out, one file per runbook and
format, named after the runbook: atlas-4.3.0-from-4.1.0.html. --format then
takes a comma-separated list.`,
		Example: `  atlas-release runbook --from 4.1 --to 4.3
  atlas-release runbook --from 4.1 --out runbook.html
  atlas-release runbook --all --format md,html,json --out site/runbooks`,
		Args: rangeArgs(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.FormatGiven = cmd.Flags().Changed("format")
			return runbookRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "", "the `VERSION` the tenant runs now (required)")
	cmd.Flags().StringVar(&opts.To, "to", "", "the `VERSION` to upgrade to (default: the newest)")
	cmd.Flags().StringVar(&opts.Format, "format", "md", "output `FORMAT`: md, html or json (with --all, a comma-separated list; default: from the extension of --out, else md)")
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "write to `FILE` (.md, .html or .json names the format) instead of standard output (with --all, the folder)")
	cmd.Flags().BoolVar(&opts.All, "all", false, "write the runbook of every supported path into the folder --out")
	_ = cmd.RegisterFlagCompletionFunc("from", completeVersions(f))
	_ = cmd.RegisterFlagCompletionFunc("to", completeVersions(f))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"md", "html", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runbookRun(opts *RunbookOptions) error {
	if opts.All {
		return runbookAll(opts)
	}
	format, err := outFormat(opts.Format, opts.FormatGiven, opts.Out)
	if err != nil {
		return err
	}
	ws, err := opts.F.ValidWorkspace()
	if err != nil {
		return err
	}
	from, to, err := pathArgs(ws, opts.From, opts.To)
	if err != nil {
		return err
	}
	path, err := ws.Plan(from, to)
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

// runbookAll writes every supported path's runbook in every format asked for,
// composing each path once and reusing one buffer for every file.
func runbookAll(opts *RunbookOptions) error {
	if opts.From != "" || opts.To != "" {
		return usageErrorf("--all writes every path: it takes no --from or --to")
	}
	if opts.Out == "" || opts.Out == "-" {
		return usageErrorf("--all needs --out: the folder to write the runbooks in")
	}
	var formats []templates.Format
	for _, name := range strings.Split(opts.Format, ",") {
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
	var buf bytes.Buffer
	for i, from := range ws.Manifests {
		for _, to := range ws.Manifests[i+1:] {
			path, err := ws.Plan(from.SemVer(), to.SemVer())
			if errors.Is(err, releases.ErrPathRefused) {
				continue // not a supported path: no runbook
			}
			if err != nil {
				return err
			}
			rb := templates.NewRunbook(ws, path, opts.F.Generator())
			for _, f := range formats {
				buf.Reset()
				if err := set.RenderRunbook(&buf, rb, f); err != nil {
					return err
				}
				if err := writeRegenerable(filepath.Join(opts.Out, rb.Bundle+"."+string(f)), buf.Bytes()); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// writeRegenerable writes one of many files that a rerun regenerates: through a
// temporary file and a rename, as writeFileAtomic does, so that a reader never
// sees half a runbook, but without syncing each file to disk, which costs more
// than rendering it when there are thousands (40 releases: 2,340 files).
func writeRegenerable(path string, data []byte) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("write %s: %w", path, bareError(err))
		}
	}()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		_ = os.Remove(name)
	}
	return err
}
