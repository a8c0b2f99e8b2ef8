package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/publish"
)

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

Progress goes to standard error (see publish --help): one plain line per write when
it is not a terminal.

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

// publishGitHubRun publishes the GitHub target alone, through the same
// orchestration (and journal) as `publish <version>`: a target named on its
// own is always run, even when the journal records it as done.
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
	prog := newProgress(ios, opts.F.Now, progressTick)
	defer prog.stop()
	res, err := publish.Release(cmd.Context(), publish.ReleaseOptions{Cut: c, GitHub: ghOpts, Recheck: true, DryRun: opts.DryRun, Progress: prog.publish})
	prog.stop()
	if res == nil || len(res.Targets) == 0 || res.Targets[0].GitHub == nil {
		return err
	}
	if opts.JSON {
		if werr := writeJSON(ios.Out, res.Targets[0].GitHub); werr != nil {
			return werr
		}
	} else {
		printGitHubResult(ios, res.Targets[0].GitHub)
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
	// The asset's name tells the rows apart; the whole digest goes to a pipe,
	// and a terminal's table cuts it first.
	tw := newTable(ios, ios.Out)
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
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Name, paintAction(ios, assetAction(a.Action)), paintOutcome(ios, a.Outcome), a.SHA256, url)
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Name, paintAction(ios, assetAction(a.Action)), a.SHA256, url)
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
