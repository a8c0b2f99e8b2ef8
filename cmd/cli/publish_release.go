package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/Masterminds/semver/v3"
	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/publish"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/signing"
	"github.com/atlas-release/atlas-release/templates"
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
	cmd.AddCommand(NewCmdPublishGitHub(f), NewCmdPublishZendesk(f, nil))
	return cmd
}

// NewCmdPublishGitHub builds `publish github`.
func NewCmdPublishGitHub(f *Factory) *cobra.Command {
	opts := &PublishOptions{F: f}
	cmd := &cobra.Command{
		Use:   "github <version>",
		Short: "Publish a cut release as a GitHub release",
		Long: `Publish dist/<version>/ as the GitHub release v<version> of github.repository: check the
cut, check that the token may publish (before any write), create a draft release,
upload every file (bundles, signatures, SHA256SUMS, the documents), and publish it.

A re-run skips every file already there with the same digest. A file there with
other content stops the publish before any write, unless --replace; an immutable
release is never changed. Rate limits and server errors are retried; an upload
whose outcome is unknown is looked for before it is made again. The release is
published only once reading it back shows every file there, complete, with the
cut's size and SHA-256; a file missing or wrong is uploaded again, and if it
stays wrong the release is left a draft and the command fails.

The summary says only what was done: when a publish stops, each file's line says
whether its upload was done, failed or not attempted, and why.

` + githubEnvHelp,
		Example: `  GITHUB_TOKEN=… atlas-release publish github 4.3
  atlas-release publish github 4.3 --dry-run`,
		Args:              rangeArgs(1, 1),
		ValidArgsFunction: completeVersions(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Version = args[0]
			return publishGitHubRun(cmd, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dist, "dist", "", "the cut is in `DIR`/<version>/ (default: the workspace's dist/)")
	cmd.Flags().BoolVar(&opts.Replace, "replace", false, "replace assets whose content differs (never on an immutable release)")
	cmd.Flags().BoolVarP(&opts.DryRun, "dry-run", "n", false, "plan and write nothing")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the result as JSON")
	return cmd
}

// openCut finds and checks the cut of the version, in the valid workspace it
// returns too.
func (opts *PublishOptions) openCut() (*releases.Workspace, *semver.Version, *publish.Cut, error) {
	f := opts.F
	ws, err := f.ValidWorkspace()
	if err != nil {
		return nil, nil, nil, err
	}
	v, err := versionArg("", opts.Version)
	if err != nil {
		return nil, nil, nil, err
	}
	if _, ok := ws.Find(v); !ok {
		return nil, nil, nil, fmt.Errorf("no release %s in the workspace (releases/%s.yaml)", v, v)
	}
	dist := opts.Dist
	if dist == "" {
		root, err := f.WorkspaceRoot()
		if err != nil {
			return nil, nil, nil, err
		}
		dist = filepath.Join(root, "dist")
	}
	c, err := publish.OpenCut(filepath.Join(dist, v.String()), ws, v)
	return ws, v, c, err
}

func (opts *PublishOptions) githubOptions(ws *releases.Workspace, c *publish.Cut) (*publish.GitHubOptions, error) {
	client, err := opts.F.GitHubClient(ws.Config)
	if err != nil {
		return nil, err
	}
	return &publish.GitHubOptions{Workspace: ws, Cut: c, Client: client, Replace: opts.Replace, DryRun: opts.DryRun}, nil
}

func publishGitHubRun(cmd *cobra.Command, opts *PublishOptions) error {
	ws, _, c, err := opts.openCut()
	if err != nil {
		return err
	}
	ghOpts, err := opts.githubOptions(ws, c)
	if err != nil {
		return err
	}
	ios := opts.F.IO
	bar := newProgressBar(ios)
	ghOpts.Progress = bar.update
	j, _, err := publish.OpenJournal(c.Dir, c.Meta.Product, c.Meta.Version, c.Checksums)
	if err != nil {
		return err
	}
	var journalErr error
	if !opts.DryRun {
		ghOpts.OnWrite = func(w publish.Write) {
			if err := j.Record(publish.TargetGitHub, w); err != nil && journalErr == nil {
				journalErr = err
			}
		}
	}
	res, err := publish.GitHub(cmd.Context(), *ghOpts)
	bar.done()
	if err == nil {
		err = journalErr
	}
	if !opts.DryRun {
		url := ""
		if res != nil {
			url = res.URL
		}
		if ferr := j.Finish(publish.TargetGitHub, err, url); ferr != nil && err == nil {
			err = ferr
		}
	}
	if res != nil {
		if opts.JSON {
			if werr := writeJSON(ios.Out, res); werr != nil {
				return werr
			}
		} else {
			printGitHubResult(ios, res)
		}
	}
	return err
}

func publishRun(cmd *cobra.Command, opts *PublishOptions) error {
	f := opts.F
	ws, v, c, err := opts.openCut()
	if err != nil {
		return err
	}
	ios := f.IO
	bar := newProgressBar(ios)
	ro := publish.ReleaseOptions{Cut: c, Recheck: opts.Recheck, DryRun: opts.DryRun}
	if ws.Config.GitHub != nil {
		if ro.GitHub, err = opts.githubOptions(ws, c); err != nil {
			return err
		}
		ro.GitHub.Progress = bar.update
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
		// The upgrade guide gives customers the key the cut was signed with.
		ro.Zendesk = &publish.ZendeskOptions{Workspace: ws, Templates: set, Client: client, Versions: []*semver.Version{v},
			Generator: f.Generator(), Signing: templates.Signing{PublicKey: c.Meta.PublicKey, KeyID: signing.KeyID(c.PublicKey.ID())},
			Draft: opts.Draft, Force: opts.Force, Progress: bar.update}
	}
	res, err := publish.Release(cmd.Context(), ro)
	bar.done()
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
		fmt.Fprintln(ios.ErrOut, ios.Red("refused:")+" the diffs above show ZenDesk's text (-) against the workspace's (+).")
	}
	if err != nil && !opts.DryRun {
		fmt.Fprintf(ios.ErrOut, "%s fix the cause and run the same command again: it resumes where it stopped (%s)\n", ios.Yellow("resume:"), res.Journal)
	}
	return err
}

// printGitHubResult prints one line per asset and where the release is. It
// says only what was done: a release is "Published" only when this run
// published it (or found it so), and when the run stopped each asset's line
// says whether its upload was done, failed or not attempted, and why.
func printGitHubResult(ios *IOStreams, res *publish.GitHubResult) {
	stopped := !res.DryRun && res.Outcome != publish.OutcomeDone
	for _, a := range res.Assets {
		stopped = stopped || (!res.DryRun && a.Outcome != publish.OutcomeDone)
	}
	verb := "Published"
	switch {
	case res.DryRun:
		verb = "Plan for"
	case stopped:
		verb = "Did not publish"
	}
	state := "published"
	switch {
	case stopped && res.Release == publish.Create && res.URL == "":
		state = "not created"
	case res.Draft:
		state = "draft"
	case res.Immutable:
		state = "published, immutable"
	}
	fmt.Fprintf(ios.Out, "%s %s release %s (%s, %s)\n", verb, res.Repository, res.Tag, res.Release, state)
	if res.URL != "" {
		fmt.Fprintf(ios.Out, "  %s\n", res.URL)
	}
	fmt.Fprintln(ios.Out)
	tw := tabwriter.NewWriter(ios.Out, 0, 0, 2, ' ', 0)
	if stopped {
		fmt.Fprintln(tw, "ASSET\tACTION\tRESULT\tSHA-256\tDOWNLOAD")
	} else {
		fmt.Fprintln(tw, "ASSET\tACTION\tSHA-256\tDOWNLOAD")
	}
	counts := map[publish.Action]int{}
	outcomes := map[publish.Outcome]int{}
	var failures []string
	for _, a := range res.Assets {
		url := a.URL
		if url == "" {
			url = "-"
		}
		outcomes[a.Outcome]++
		if res.DryRun || a.Outcome == publish.OutcomeDone || a.Action == publish.Conflict {
			counts[a.Action]++
		}
		if stopped {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%.16s…\t%s\n", a.Name, paintAction(ios, assetAction(a.Action)), paintOutcome(ios, a.Outcome), a.SHA256, url)
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%.16s…\t%s\n", a.Name, paintAction(ios, assetAction(a.Action)), a.SHA256, url)
		}
		if a.Error != "" {
			failures = append(failures, a.Name+": "+a.Error)
		}
	}
	tw.Flush()
	if len(res.Extra) > 0 {
		fmt.Fprintf(ios.Out, "\nLeft alone (not in the cut): %s\n", strings.Join(res.Extra, ", "))
	}
	if res.Error != "" && len(failures) == 0 {
		failures = append(failures, "release "+res.Tag+": "+res.Error)
	}
	if len(failures) > 0 {
		fmt.Fprintf(ios.Out, "\n%s\n", ios.Red("Failed:"))
		for _, f := range failures {
			fmt.Fprintf(ios.Out, "  %s\n", f)
		}
	}
	var parts []string
	for _, a := range []publish.Action{publish.Create, publish.Reupload, publish.Overwrite, publish.Conflict, publish.Unchanged} {
		if counts[a] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[a], assetWord(a, res.DryRun)))
		}
	}
	if stopped {
		for _, o := range []publish.Outcome{publish.OutcomeFailed, publish.OutcomeNotAttempted} {
			if outcomes[o] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", outcomes[o], o))
			}
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing done")
	}
	fmt.Fprintf(ios.Out, "\n%s · %d request%s, %d write%s\n", strings.Join(parts, ", "), res.Requests, plural(int(res.Requests)), res.Writes, plural(int(res.Writes)))
}

// assetAction names what is done to an asset.
func assetAction(a publish.Action) publish.Action {
	switch a {
	case publish.Create:
		return "upload"
	case publish.Overwrite:
		return "replace"
	}
	return a
}

// assetWord says what was (or, in a dry run, will be) done to assets.
func assetWord(a publish.Action, planned bool) string {
	done, todo := map[publish.Action]string{publish.Create: "uploaded", publish.Overwrite: "replaced", publish.Reupload: "uploaded again"},
		map[publish.Action]string{publish.Create: "to upload", publish.Overwrite: "to replace", publish.Reupload: "to upload again"}
	words := done
	if planned {
		words = todo
	}
	if w, ok := words[a]; ok {
		return w
	}
	return string(a)
}
