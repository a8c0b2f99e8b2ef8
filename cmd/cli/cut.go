package cli

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"aead.dev/minisign"
	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/internal/human"
	"github.com/atlas-release/atlas-release/signing"
)

// Environment variables that cut reads.
const (
	SigningKeyEnv      = "ATLAS_SIGNING_KEY"
	SourceDateEpochEnv = "SOURCE_DATE_EPOCH"
)

// CutOptions are the inputs of `cut`.
type CutOptions struct {
	F        *Factory
	Version  string
	Key      string
	Dist     string
	Clean    bool
	Snapshot bool
	Skip     []string
	JSON     bool
}

// NewCmdCut builds `cut`.
func NewCmdCut(f *Factory) *cobra.Command {
	opts := &CutOptions{F: f}
	cmd := &cobra.Command{
		Use:   "cut <version>",
		Short: "Produce everything customers get for a release",
		Long: `Cut a release: validate the workspace, render the release notes and the upgrade
guide (in every locale that translates the release: release-notes.de.html, …;
the HTML is what publish zendesk publishes), build one runbook bundle per supported source version (policy.bundleSources,
newest first) and the install bundle <product>-<version>-install.tar.gz that new
deployments take (from the release's install procedure; a first release has only
this one), write SHA256SUMS over every file, sign every bundle and SHA256SUMS
(minisign, prehashed), and write metadata.json — into dist/<version>/.

Steps: validate, render, bundle, checksum, sign, metadata. --skip render or
--skip bundle leaves those out. --snapshot makes an unsigned rehearsal in
dist/<version>-snapshot/ that verify and publish refuse.

The cut is written into a temporary folder next to dist/<version>/ and moved into
place only when every step succeeded: after a failure or an interruption there is
no partial dist/<version>/. An existing one is replaced only with --clean, in one
atomic step. Two cuts of one version never run at once.

The secret key comes from --key or ATLAS_SIGNING_KEY (a path); its passphrase from
ATLAS_SIGNING_PASSPHRASE, standard input, or a prompt. Archive entries carry the
release date as their time, or SOURCE_DATE_EPOCH: the same workspace always gives
the same bytes.

Progress goes to standard error: on a terminal, each step and each bundle is
announced when it starts, shows a spinner and the bytes written while it runs,
and its duration when done; elsewhere (a pipe, a CI log), each step is one plain
line once it is over, the same on every run.`,
		Example: `  atlas-release cut 4.3 --key ~/.atlas-release/atlas-release.key
  ATLAS_SIGNING_KEY=release.key ATLAS_SIGNING_PASSPHRASE=… atlas-release cut 4.3 --clean
  atlas-release cut 4.3 --snapshot`,
		Args:              rangeArgs(1, 1),
		ValidArgsFunction: completeVersions(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Version = args[0]
			return cutRun(cmd, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Key, "key", "", "the secret key `FILE` (default: $ATLAS_SIGNING_KEY)")
	cmd.Flags().StringVar(&opts.Dist, "dist", "", "write into `DIR`/<version>/ (default: the workspace's dist/)")
	cmd.Flags().BoolVar(&opts.Clean, "clean", false, "replace an existing output folder")
	cmd.Flags().BoolVar(&opts.Snapshot, "snapshot", false, "make an unsigned rehearsal, not a release")
	cmd.Flags().StringSliceVar(&opts.Skip, "skip", nil, "leave out `STEPS` (comma-separated): "+strings.Join(cut.Skippable, ", "))
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print metadata.json instead of the summary")
	return cmd
}

func cutRun(cmd *cobra.Command, opts *CutOptions) error {
	f := opts.F
	if err := cut.CheckSkip(opts.Skip); err != nil {
		return usageErrorf("--skip: %v", err)
	}
	v, err := versionArg("", opts.Version)
	if err != nil {
		return err
	}
	keyPath := opts.Key
	if keyPath == "" {
		keyPath = f.Getenv(SigningKeyEnv)
	}
	if keyPath == "" && !opts.Snapshot {
		return usageErrorf("cut needs the secret key: --key FILE or %s (or --snapshot for an unsigned rehearsal)", SigningKeyEnv)
	}
	modTime := time.Time{}
	if epoch := f.Getenv(SourceDateEpochEnv); epoch != "" {
		secs, err := strconv.ParseInt(epoch, 10, 64)
		if err != nil {
			return usageErrorf("%s=%q is not a number of seconds", SourceDateEpochEnv, epoch)
		}
		modTime = time.Unix(secs, 0).UTC()
	}
	ws, err := f.Workspace()
	if err != nil {
		return err
	}
	set, err := f.Templates()
	if err != nil {
		return err
	}
	var key *minisign.PrivateKey
	if !opts.Snapshot {
		k, err := signing.LoadSecretKey(keyPath, func() (string, error) { return f.passphrase(false) })
		if err != nil {
			return err
		}
		key = &k
	}
	root, err := f.WorkspaceRoot()
	if err != nil {
		return err
	}
	dist := opts.Dist
	if dist == "" {
		dist = filepath.Join(root, "dist")
	}
	ios := f.IO
	prog := newProgress(ios, f.Now, progressTick)
	defer prog.stop()
	meta, dir, err := cut.Run(cmd.Context(), cut.Options{
		Workspace: ws, Templates: set, Version: v, Dist: dist, Clean: opts.Clean, Snapshot: opts.Snapshot, Skip: opts.Skip,
		Key: key, Generator: f.Generator(), ModTime: modTime, Progress: prog.cut,
	})
	prog.stop()
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(ios.Out, meta)
	}
	what := "Release"
	if meta.Snapshot {
		what = "Snapshot (unsigned, not for customers)"
	}
	fmt.Fprintf(ios.Out, "%s %s %s in %s\n\n", what, meta.Product, meta.Version, dir)
	tw := newTable(ios, ios.Out)
	fmt.Fprintln(tw, "FILE\tKIND\tSIZE\tSHA-256")
	for _, a := range meta.Files {
		kind := a.Kind
		if a.Install && a.Kind == cut.KindBundle {
			kind += " (install)" // the bundle new deployments take
		}
		// The whole digest: a pipe gets every byte, and a terminal's table
		// cuts it, not the file's name, when the line is too long.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Name, kind, human.Size(a.Size), a.SHA256)
	}
	tw.Flush()
	if meta.PublicKey != "" {
		fmt.Fprintf(ios.Out, "\nSigned with key %s. Customers check a bundle with\n  minisign -H -Vm <bundle> -P %s\n", meta.KeyID, meta.PublicKey)
	}
	return nil
}
