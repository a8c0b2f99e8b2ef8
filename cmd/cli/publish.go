package cli

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/Masterminds/semver/v3"
	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/publish"
	"github.com/atlas-release/atlas-release/releases"
)

// PublishOptions are the inputs of `publish <version>` and `publish github`.
type PublishOptions struct {
	F       *Factory
	Version string
	Dist    string
	Replace bool
	Force   bool
	Draft   bool
	DryRun  bool
	Recheck bool
	JSON    bool
}

// NewCmdPublish builds `publish` and its subcommands.
func NewCmdPublish(f *Factory) *cobra.Command {
	opts := &PublishOptions{F: f}
	cmd := &cobra.Command{
		Use:   "publish <version>",
		Short: "Publish a cut release: the GitHub release, then the ZenDesk articles",
		Long: `Publish a release that cut wrote into dist/<version>/, to every target configured in
atlas-release.yaml, in order: the GitHub release (the signed bundles, their
signatures, SHA256SUMS and the documents), then the ZenDesk Help Center articles,
whose upgrade guide links to those downloads. Only a signed cut is published, and
only after checking it as a customer would: signatures, bundles, checksums.

Every completed write is recorded in dist/<version>/publish.json. After a failure,
run the same command again: targets already done are skipped (--recheck checks
them again), and the failed one resumes — each target looks at what exists before
it writes, so nothing is duplicated and nothing is missing.

Each target can also be published alone: publish github <version>, publish zendesk
<version>.

Progress goes to standard error, as for cut: on a terminal, each target and each
write (an upload, an article or a translation) is announced when it starts, shows
a spinner while it runs, and its duration when done; elsewhere (a pipe, a CI log),
each write and each target is one plain line, the writes of a target listed in
the plan's order once it is over, the same on every run.

` + githubEnvHelp + `

` + zendeskEnvHelp,
		Example: `  GITHUB_TOKEN=… ZENDESK_OAUTH_TOKEN=… atlas-release publish 4.3
  atlas-release publish 4.3 --dry-run
  atlas-release publish 4.3 --json`,
		Args:              rangeArgs(1, 1),
		ValidArgsFunction: completeVersions(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Version = args[0]
			return publishRun(cmd, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dist, "dist", "", "the cut is in `DIR`/<version>/ (default: the workspace's dist/)")
	cmd.Flags().BoolVar(&opts.Replace, "replace", false, "replace GitHub assets whose content differs (never on an immutable release)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite ZenDesk articles edited by hand")
	cmd.Flags().BoolVar(&opts.Draft, "draft", false, "leave new ZenDesk articles as drafts")
	cmd.Flags().BoolVarP(&opts.DryRun, "dry-run", "n", false, "plan every target and write nothing")
	cmd.Flags().BoolVar(&opts.Recheck, "recheck", false, "run targets publish.json records as done")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the result as JSON")
	cmd.AddCommand(NewCmdPublishGitHub(f), NewCmdPublishZendesk(f))
	return cmd
}

// openCut finds and checks the cut of the version, in the valid workspace it
// returns too.
func (opts *PublishOptions) openCut() (*releases.Workspace, *semver.Version, *cut.Folder, error) {
	f := opts.F
	ws, err := f.ValidWorkspace()
	if err != nil {
		return nil, nil, nil, err
	}
	v, err := versionArg("", opts.Version)
	if err != nil {
		return nil, nil, nil, err
	}
	if _, err := ws.Release(v); err != nil {
		return nil, nil, nil, err
	}
	dist, err := distDir(f, opts.Dist)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := cut.Open(filepath.Join(dist, v.String()), ws, v)
	return ws, v, c, err
}

// distDir is the folder that holds the cuts: --dist, or the workspace's dist/.
func distDir(f *Factory, flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	root, err := f.WorkspaceRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "dist"), nil
}

func (opts *PublishOptions) githubOptions(ws *releases.Workspace, c *cut.Folder) (*publish.GitHubOptions, error) {
	client, err := opts.F.GitHubClient(ws.Config)
	if err != nil {
		return nil, err
	}
	return &publish.GitHubOptions{Workspace: ws, Cut: c, Client: client, Replace: opts.Replace, DryRun: opts.DryRun}, nil
}

func publishRun(cmd *cobra.Command, opts *PublishOptions) error {
	f := opts.F
	ws, v, c, err := opts.openCut()
	if err != nil {
		return err
	}
	ios := f.IO
	prog := newProgress(ios, f.Now, progressTick)
	defer prog.stop()
	ro := publish.ReleaseOptions{Cut: c, Recheck: opts.Recheck, DryRun: opts.DryRun, Progress: prog.publish}
	if ws.Config.GitHub != nil {
		if ro.GitHub, err = opts.githubOptions(ws, c); err != nil {
			return err
		}
	}
	if ws.Config.Zendesk != nil {
		set, err := f.Templates()
		if err != nil {
			return err
		}
		client, err := f.ZendeskClient("", ws.Config)
		if err != nil {
			return err
		}
		// The articles are the cut's text: Release gives the target the cut.
		ro.Zendesk = &publish.ZendeskOptions{Workspace: ws, Templates: set, Client: client, Versions: []*semver.Version{v},
			Generator: f.Generator(), Draft: opts.Draft, Force: opts.Force}
	}
	res, err := publish.Release(cmd.Context(), ro)
	prog.stop()
	if res == nil {
		return err
	}
	if opts.JSON {
		if werr := writeJSON(ios.Out, res); werr != nil {
			return werr
		}
		return err
	}
	if res.StaleJournal {
		fmt.Fprintf(ios.ErrOut, "%s %s was written for another cut of %s; it was started afresh\n", ios.Yellow("note:"), res.Journal, res.Version)
	}
	for i, t := range res.Targets {
		if i > 0 {
			fmt.Fprintln(ios.Out)
		}
		fmt.Fprintf(ios.Out, "%s %s\n", ios.Bold("== "+t.Name+":"), t.State)
		switch {
		case t.State == "skipped":
			fmt.Fprintf(ios.Out, "done in an earlier run (see %s); --recheck checks it again\n", res.Journal)
		case t.GitHub != nil:
			printGitHubResult(ios, t.GitHub)
		case t.Zendesk != nil:
			printPublishResult(ios, t.Zendesk)
		}
	}
	var drift *publish.DriftError
	if errors.As(err, &drift) {
		fmt.Fprintln(ios.ErrOut, driftRefused(ios))
	}
	if err != nil && !opts.DryRun {
		fmt.Fprintf(ios.ErrOut, "%s fix the cause and run the same command again: it resumes where it stopped (%s)\n", ios.Yellow("resume:"), res.Journal)
	}
	return err
}
