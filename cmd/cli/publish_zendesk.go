package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/publish"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/signing"
	"github.com/atlas-release/atlas-release/templates"
)

// PublishZendeskOptions are the inputs of `publish zendesk`.
type PublishZendeskOptions struct {
	F         *Factory
	Versions  []string
	All       bool
	URL       string
	Dist      string
	PublicKey string
	// Unsigned publishes the workspace's text where no signed cut holds an
	// article (--unsigned-from-workspace).
	Unsigned bool
	Draft    bool
	Force    bool
	DryRun   bool
	JSON     bool
}

// NewCmdPublishZendesk builds `publish zendesk`.
func NewCmdPublishZendesk(f *Factory) *cobra.Command {
	opts := &PublishZendeskOptions{F: f}
	cmd := &cobra.Command{
		Use:   "zendesk <version>... | --all",
		Short: "Publish release notes and upgrade guides as ZenDesk Help Center articles",
		Long: `Publish two Help Center articles per release — the release notes and the upgrade
guide — in every locale the workspace translates the release into, in the section,
permission group and user segment of zendesk: in atlas-release.yaml.

What is published is what was signed: each article's text is taken from the
release's cut in dist/<version>/ (release-notes.html, release-notes.de.html, …),
after checking the cut as publish does (signatures, bundles, checksums). If the
workspace now renders other text (a manifest edited after the cut), a warning
names the article and the cut's text is published all the same: cut again with
--clean to publish the change. A release without a cut (or an article its cut
lacks) is published only with --unsigned-from-workspace, as the workspace renders
it: text that no signed release holds. Each line says where its text came from:
the cut (with the SHA-256 of its SHA256SUMS) or the workspace.

Articles are found by their labels, so any machine can publish without local
state. A run reads first, plans, then writes only what changed: an unchanged
release makes no write at all, a changed one rewrites only the translations that
changed. New articles are created as drafts and published once every translation
is in place (--draft leaves them as drafts).

An article edited by hand in ZenDesk since the last publish is never overwritten
silently: the publish stops before writing anything and shows the difference
between ZenDesk's text and the text to publish. Copy the edit into the workspace
(and cut again), or publish with --force to overwrite it. --dry-run shows the
plan, with diffs.

A create whose answer is lost is looked for (for about 30 s) before it is made
again. If the first create still lands later, the copy nobody finished (a draft
without the tool's fingerprint labels) is archived by the same run or the next;
two articles that were published or finished are refused for a person to settle.
When a publish stops, each line says whether its writes were done, partly done,
failed or not attempted, and why.

Progress goes to standard error (see publish --help): one plain line per write when
it is not a terminal.

The upgrade guide of a cut names the key the cut was signed with. With
--unsigned-from-workspace the guide needs the public key: --public-key (a key or
a .pub file), else $ATLAS_PUBLIC_KEY, else signing.publicKey of atlas-release.yaml;
a key given for a signed cut must be the one it was signed with.

` + zendeskEnvHelp,
		Example: `  ZENDESK_OAUTH_TOKEN=… atlas-release publish zendesk 4.3 --dry-run
  atlas-release publish zendesk 4.3
  atlas-release publish zendesk --all --unsigned-from-workspace --json
  ZENDESK_URL=http://127.0.0.1:8080 atlas-release publish zendesk 4.3   # a zendesk-sandbox`,
		ValidArgsFunction: completeVersions(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Versions = args
			if len(args) == 0 && !opts.All {
				return usageErrorf("name the versions to publish, or pass --all")
			}
			if len(args) > 0 && opts.All {
				return usageErrorf("--all publishes every release; do not name versions too")
			}
			return publishZendeskRun(cmd, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "publish every release of the workspace")
	cmd.Flags().StringVar(&opts.URL, "url", "", "the ZenDesk instance `URL` (default: $ZENDESK_URL, $ZENDESK_SUBDOMAIN, zendesk.url)")
	cmd.Flags().StringVar(&opts.Dist, "dist", "", "the cuts are in `DIR`/<version>/ (default: the workspace's dist/)")
	cmd.Flags().BoolVar(&opts.Unsigned, "unsigned-from-workspace", false, "publish the workspace's text where no signed cut holds an article (not a signed release)")
	cmd.Flags().StringVar(&opts.PublicKey, "public-key", "", "the public `KEY` (or .pub file) the upgrade guide gives customers")
	cmd.Flags().BoolVar(&opts.Draft, "draft", false, "leave new articles and translations as drafts")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite articles edited by hand in ZenDesk")
	cmd.Flags().BoolVarP(&opts.DryRun, "dry-run", "n", false, "show the plan, with diffs, and write nothing")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the result as JSON")
	return cmd
}

func publishZendeskRun(cmd *cobra.Command, opts *PublishZendeskOptions) error {
	f := opts.F
	ios := f.IO
	ws, err := f.ValidWorkspace()
	if err != nil {
		return err
	}
	var versions []*semver.Version
	if opts.All {
		for _, m := range ws.Manifests {
			versions = append(versions, m.SemVer())
		}
	}
	for _, arg := range opts.Versions {
		v, err := versionArg("", arg)
		if err != nil {
			return err
		}
		if _, err := ws.Release(v); err != nil {
			return err
		}
		if !slices.ContainsFunc(versions, v.Equal) {
			versions = append(versions, v)
		}
	}
	slices.SortFunc(versions, func(a, b *semver.Version) int { return a.Compare(b) })
	if ws.Config.Zendesk == nil {
		return usageErrorf("atlas-release.yaml has no zendesk: settings (sectionId, permissionGroupId)")
	}
	cuts, err := opts.openCuts(ws, versions)
	if err != nil {
		return err
	}
	pub, ok, err := f.PublicKey("--public-key", opts.PublicKey)
	if err != nil {
		return err
	}
	var keyOf templates.Signing
	switch {
	case ok:
		for _, v := range versions {
			if c := cuts[v.String()]; c != nil && !c.PublicKey.Equal(pub) {
				return fmt.Errorf("%s: %w: signed with key %s, not the public key given (%s)", c.Dir, signing.ErrVerification,
					signing.KeyID(c.PublicKey.ID()), signing.KeyID(pub.ID()))
			}
		}
		keyOf = templates.Signing{PublicKey: pub.String(), KeyID: signing.KeyID(pub.ID())}
	case opts.Unsigned:
		return usageErrorf("the upgrade guide tells customers how to check their downloads: pass --public-key, set %s, or set signing.publicKey in atlas-release.yaml", PublicKeyEnv)
	}
	set, err := f.Templates()
	if err != nil {
		return err
	}
	client, err := f.ZendeskClient(opts.URL, ws.Config)
	if err != nil {
		return err
	}
	prog := newProgress(ios, f.Now, progressTick)
	defer prog.stop()
	// The one target is a step, as publish.Release reports it for publish.
	prog.publish(publish.Event{Kind: publish.Started, Target: publish.TargetZendesk})
	res, err := publish.Zendesk(cmd.Context(), publish.ZendeskOptions{
		Workspace: ws, Templates: set, Client: client, Versions: versions, Generator: f.Generator(),
		Cuts: cuts, FromWorkspace: opts.Unsigned, Signing: keyOf,
		Draft: opts.Draft, Force: opts.Force, DryRun: opts.DryRun,
		Progress: prog.publish,
	})
	state := publish.StateDone
	switch {
	case opts.DryRun:
		state = "planned"
	case err != nil:
		state = publish.StateFailed
	}
	prog.publish(publish.Event{Kind: publish.Done, Target: publish.TargetZendesk, Message: state})
	prog.stop()
	if res != nil {
		if opts.JSON {
			if werr := writeJSON(ios.Out, res); werr != nil {
				return werr
			}
		} else {
			printPublishResult(ios, res)
		}
	}
	var drift *publish.DriftError
	if errors.As(err, &drift) && !opts.JSON {
		fmt.Fprintln(ios.ErrOut, driftRefused(ios))
	}
	return err
}

// openCuts opens and checks the cut of each version in the dist folder. A
// version without a cut is refused unless --unsigned-from-workspace; a cut
// that fails its checks is always refused.
func (opts *PublishZendeskOptions) openCuts(ws *releases.Workspace, versions []*semver.Version) (map[string]*cut.Folder, error) {
	dist, err := distDir(opts.F, opts.Dist)
	if err != nil {
		return nil, err
	}
	cuts := map[string]*cut.Folder{}
	var unsigned []string
	for _, v := range versions {
		c, err := cut.Open(filepath.Join(dist, v.String()), ws, v)
		switch {
		case errors.Is(err, cut.ErrNoCut):
			unsigned = append(unsigned, v.String())
		case err != nil:
			return nil, err
		default:
			cuts[v.String()] = c
		}
	}
	if len(unsigned) > 0 && !opts.Unsigned {
		return nil, fmt.Errorf("no signed cut of %s in %s: what is published must be what was signed. Cut it first (atlas-release cut <version>), "+
			"or pass --unsigned-from-workspace to publish the workspace's text, which no signed release holds", strings.Join(unsigned, ", "), dist)
	}
	return cuts, nil
}

// driftRefused explains the diffs of a publish refused for hand edits.
func driftRefused(ios *IOStreams) string {
	return ios.Red("refused:") + " the diffs above show ZenDesk's text (-) against the text to publish (+)."
}

// printPublishResult prints one line per article and locale, the diffs of
// updates and drift, and a summary. It says only what was done: when a run
// stopped, each line says whether its writes were done, failed or not
// attempted, and why, and the summary counts only what was done.
func printPublishResult(ios *IOStreams, res *publish.ZendeskResult) {
	stopped, did := false, false
	for _, a := range res.Articles {
		stopped = stopped || (!res.DryRun && a.Outcome != publish.OutcomeDone)
		for _, t := range a.Translations {
			stopped = stopped || (!res.DryRun && t.Outcome != publish.OutcomeDone)
			did = did || (t.Action != publish.Unchanged && (t.Outcome == publish.OutcomeDone || t.Outcome == publish.OutcomePartial))
		}
		for _, d := range a.Duplicates {
			did = did || d.Outcome == publish.OutcomeDone
		}
	}
	switch {
	case res.DryRun:
		fmt.Fprintf(ios.Out, "Plan for %s\n\n", res.Instance)
	case stopped && !did:
		fmt.Fprintf(ios.Out, "Nothing was published to %s\n\n", res.Instance)
	case stopped:
		fmt.Fprintf(ios.Out, "Publishing to %s stopped part-way; each line says what was done\n\n", res.Instance)
	default:
		fmt.Fprintf(ios.Out, "Published to %s\n\n", res.Instance)
	}
	// The URL tells an article's rows apart (and is what a reader copies): it
	// stays whole on a narrow terminal.
	tw := newTable(ios, ios.Out)
	if stopped {
		tw.keepWhole(6)
		fmt.Fprintln(tw, "VERSION\tARTICLE\tLOCALE\tACTION\tRESULT\tSTATE\tURL\tTEXT FROM")
	} else {
		tw.keepWhole(5)
		fmt.Fprintln(tw, "VERSION\tARTICLE\tLOCALE\tACTION\tSTATE\tURL\tTEXT FROM")
	}
	var failures []string
	for _, a := range res.Articles {
		for _, t := range a.Translations {
			state := "published"
			if t.Draft {
				state = "draft"
			}
			url := t.URL
			if url == "" {
				url = "-"
			}
			if !stopped {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.Version, a.Kind, t.Locale, translationAction(ios, t), state, url, textSource(ios, a, t))
				continue
			}
			if t.Action == publish.Create && t.Outcome == publish.OutcomeNotAttempted || t.Outcome == publish.OutcomeFailed && t.URL == "" {
				state = "-" // it does not exist
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.Version, a.Kind, t.Locale, translationAction(ios, t), paintOutcome(ios, t.Outcome), state, url,
				textSource(ios, a, t))
			if t.Error != "" {
				failures = append(failures, fmt.Sprintf("%s %s (%s): %s", a.Version, a.Kind, t.Locale, t.Error))
			}
		}
		if len(a.Changes) > 0 {
			if stopped {
				fmt.Fprintf(tw, "%s\t%s\t\t%s\t%s\t%s\t\n", a.Version, a.Kind, paintAction(ios, publish.Relabel), paintOutcome(ios, a.Outcome), strings.Join(a.Changes, ", "))
			} else {
				fmt.Fprintf(tw, "%s\t%s\t\t%s\t%s\t\n", a.Version, a.Kind, paintAction(ios, publish.Relabel), strings.Join(a.Changes, ", "))
			}
		}
		for _, d := range a.Duplicates {
			if stopped {
				fmt.Fprintf(tw, "%s\t%s\t\t%s\t%s\tarticle %d\t\n", a.Version, a.Kind, "archive duplicate", paintOutcome(ios, d.Outcome), d.ID)
			} else {
				fmt.Fprintf(tw, "%s\t%s\t\t%s\tarticle %d\t\n", a.Version, a.Kind, "archive duplicate", d.ID)
			}
			if d.Error != "" {
				failures = append(failures, fmt.Sprintf("%s %s, archiving duplicate article %d: %s", a.Version, a.Kind, d.ID, d.Error))
			}
		}
		if a.Outcome == publish.OutcomeFailed && !slices.ContainsFunc(a.Translations, func(t publish.TranslationResult) bool { return t.Error == a.Error }) &&
			!slices.ContainsFunc(a.Duplicates, func(d publish.DuplicateResult) bool { return d.Error != "" }) {
			failures = append(failures, fmt.Sprintf("%s %s: %s", a.Version, a.Kind, a.Error))
		}
	}
	tw.Flush()
	printSourceWarnings(ios, res)
	for _, a := range res.Articles {
		for _, t := range a.Translations {
			if t.Diff != "" && (res.DryRun || t.Action == publish.Drift) {
				fmt.Fprintf(ios.Out, "\n%s %s (%s), %s:\n", a.Version, a.Kind, t.Locale, t.Action)
				for _, line := range strings.SplitAfter(t.Diff, "\n") {
					switch {
					case strings.HasPrefix(line, "+") && !strings.HasPrefix(line, "+++"):
						line = ios.Green(strings.TrimSuffix(line, "\n")) + "\n"
					case strings.HasPrefix(line, "-") && !strings.HasPrefix(line, "---"):
						line = ios.Red(strings.TrimSuffix(line, "\n")) + "\n"
					}
					fmt.Fprint(ios.Out, line)
				}
			}
		}
	}
	if len(failures) > 0 {
		fmt.Fprintf(ios.Out, "\n%s\n", ios.Red("Failed:"))
		for _, f := range failures {
			fmt.Fprintf(ios.Out, "  %s\n", f)
		}
	}
	// A dry run counts the plan; a run, only what it did.
	counts := res.Counts()
	if !res.DryRun {
		counts = res.Done()
		for _, a := range res.Articles {
			for _, t := range a.Translations {
				if t.Action == publish.Drift {
					counts[publish.Drift]++
				}
			}
		}
	}
	var parts []string
	for _, a := range []publish.Action{publish.Create, publish.Update, publish.Publish, publish.Adopt, publish.Overwrite, publish.Drift, publish.Unchanged} {
		if counts[a] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[a], a))
		}
	}
	if stopped {
		outcomes := res.Outcomes()
		for _, o := range []publish.Outcome{publish.OutcomePartial, publish.OutcomeFailed, publish.OutcomeNotAttempted} {
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

// textSource says where a translation's text came from: the signed cut (the
// start of the SHA-256 of its SHA256SUMS) or the workspace, which no signed
// release holds.
func textSource(ios *IOStreams, a publish.ArticleResult, t publish.TranslationResult) string {
	switch t.Source {
	case publish.SourceCut:
		return fmt.Sprintf("cut %.12s", a.Cut)
	case publish.SourceWorkspace:
		return ios.Yellow("workspace (unsigned)")
	}
	return "-"
}

// printSourceWarnings warns, on standard error, about each article whose cut's
// text the workspace no longer renders, and about text that no signed release
// holds.
func printSourceWarnings(ios *IOStreams, res *publish.ZendeskResult) {
	var unsigned []string
	for _, a := range res.Articles {
		for _, t := range a.Translations {
			if t.WorkspaceDiffers {
				fmt.Fprintf(ios.ErrOut, "%s %s %s (%s): the workspace renders other text than the signed cut (SHA256SUMS %.12s); "+
					"the cut's text is published: cut %s again with --clean to publish the change\n", ios.Yellow("warning:"), a.Version, a.Kind, t.Locale, a.Cut, a.Version)
			}
			if t.Source == publish.SourceWorkspace {
				unsigned = append(unsigned, fmt.Sprintf("%s %s (%s)", a.Version, a.Kind, t.Locale))
			}
			if t.Notice != "" {
				fmt.Fprintf(ios.ErrOut, "%s %s %s (%s): %s\n", ios.Yellow("warning:"), a.Version, a.Kind, t.Locale, t.Notice)
			}
			if len(t.Stale) > 0 {
				fmt.Fprintf(ios.ErrOut, "%s %s %s (%s): the translation is out of date: %s; update locales/%s/releases/%s.yaml, then run `atlas-release translations confirm %s %s`\n",
					ios.Yellow("warning:"), a.Version, a.Kind, t.Locale, strings.Join(t.Stale, "; "), t.Locale, a.Version, t.Locale, a.Version)
			}
		}
	}
	if len(unsigned) > 0 {
		fmt.Fprintf(ios.ErrOut, "%s not from a signed release: the text of %s is the workspace's (--unsigned-from-workspace)\n",
			ios.Yellow("warning:"), strings.Join(unsigned, ", "))
	}
}

// paintOutcome colours what became of an item's writes.
func paintOutcome(ios *IOStreams, o publish.Outcome) string {
	switch o {
	case publish.OutcomeDone:
		return ios.Green(string(o))
	case publish.OutcomeFailed:
		return ios.Red(string(o))
	case publish.OutcomePartial, publish.OutcomeNotAttempted:
		return ios.Yellow(string(o))
	}
	return string(o)
}

// translationAction is what a translation's row says it does: "stale" for a
// translation left unchanged although the English text it translates changed,
// so that it is not mistaken for one that is up to date.
func translationAction(ios *IOStreams, t publish.TranslationResult) string {
	if t.Action == publish.Unchanged && len(t.Stale) > 0 {
		return ios.Yellow("stale")
	}
	return paintAction(ios, t.Action)
}

func paintAction(ios *IOStreams, a publish.Action) string {
	switch a {
	case publish.Drift:
		return ios.Red(string(a))
	case publish.Unchanged:
		return ios.Dim(string(a))
	case publish.Conflict:
		return ios.Red(string(a))
	case publish.Create, publish.Update, publish.Publish, publish.Overwrite, "upload", "replace", publish.Reupload:
		return ios.Green(string(a))
	}
	return string(a)
}
