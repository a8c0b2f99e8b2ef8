package publish

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/zendesk"
)

// ZendeskOptions configure publishing to ZenDesk.
type ZendeskOptions struct {
	// Workspace must have validated.
	Workspace *releases.Workspace
	// Templates render the default locale's documents (the workspace's
	// overrides included); other locales use their own (locales/<locale>/templates/).
	Templates *templates.Set
	Client    *zendesk.Client
	// Versions are the releases to publish.
	Versions []*semver.Version
	// Cuts are the signed cuts of the versions, by version ("4.3.0"), opened
	// with cut.Open: an article's text is its cut's, byte for byte. The
	// workspace's rendering is compared with it, and a difference (a manifest
	// edited after the cut) is reported, never published.
	Cuts map[string]*cut.Folder
	// FromWorkspace publishes the articles that no cut holds (a version
	// without a cut, a locale translated after its cut) as the workspace
	// renders them: text that no signed release holds. Without it, such an
	// article is refused.
	FromWorkspace bool
	// Signing tells an upgrade guide rendered from the workspace how downloads
	// are signed. It must carry the public key when any article comes from the
	// workspace: customers need it to check what they download. The guides of
	// a cut name the key the cut was signed with.
	Signing   templates.Signing
	Generator string
	// Draft leaves new articles and translations as drafts.
	Draft bool
	// Force overwrites translations edited by hand in ZenDesk.
	Force bool
	// DryRun plans without writing.
	DryRun bool
	// Concurrency is how many articles are written at once (default 4).
	Concurrency int
	// Progress is told when each write starts and when it is done; it may be
	// nil. Calls never overlap, even while articles are written side by side.
	Progress func(Event)
	// OnWrite is told about every completed write (the journal records them).
	OnWrite func(Write)
}

// Action is what a publish does to an article or a translation.
type Action string

// The actions.
const (
	// Create makes a new article or translation.
	Create Action = "create"
	// Update writes changed text (and publishes a draft unless --draft).
	Update Action = "update"
	// Publish turns a draft whose text is current into a published article.
	Publish Action = "publish"
	// Adopt records the fingerprint of a translation whose text is already
	// current but whose label is missing (a run stopped before writing it).
	Adopt Action = "adopt"
	// Unchanged writes nothing.
	Unchanged Action = "unchanged"
	// Drift is text edited by hand in ZenDesk since the last publish: refused
	// unless forced.
	Drift Action = "drift"
	// Overwrite replaces text edited by hand (with --force).
	Overwrite Action = "overwrite"
	// Relabel changes only an article's labels or placement.
	Relabel Action = "relabel"
)

// Outcome is what became of the writes planned for one item (an asset, an
// article, a translation): set as each write completes, never from the plan.
type Outcome string

// The outcomes.
const (
	// OutcomeDone: every write the item needed was made, or none was needed.
	OutcomeDone Outcome = "done"
	// OutcomePartial: some of the item's writes were made, then the run
	// stopped (Error says what was left undone and why).
	OutcomePartial Outcome = "partly done"
	// OutcomeFailed: a write of the item failed; Error says why.
	OutcomeFailed Outcome = "failed"
	// OutcomeNotAttempted: the run stopped before any write of the item.
	OutcomeNotAttempted Outcome = "not attempted"
	// OutcomePlanned: a dry run, which writes nothing.
	OutcomePlanned Outcome = "planned"
)

// initialOutcome is an item's outcome before any write: done when it needs
// none.
func initialOutcome(dryRun, needsWrites bool) Outcome {
	switch {
	case dryRun:
		return OutcomePlanned
	case needsWrites:
		return OutcomeNotAttempted
	}
	return OutcomeDone
}

// ZendeskResult is what publishing to ZenDesk did, or would do with DryRun.
type ZendeskResult struct {
	SchemaVersion int    `json:"schemaVersion"`
	Instance      string `json:"instance"`
	DryRun        bool   `json:"dryRun"`
	// Articles are in version, then kind order.
	Articles []ArticleResult `json:"articles"`
	// Requests and Writes count the HTTP requests of the run.
	Requests int64 `json:"requests"`
	Writes   int64 `json:"writes"`
}

// ArticleResult is one article.
type ArticleResult struct {
	Version string `json:"version"`
	Kind    string `json:"kind"`
	// ID is 0 for an article a dry run would create.
	ID     int64  `json:"id,omitempty"`
	Action Action `json:"action"`
	// Changes lists the metadata a relabel changes.
	Changes      []string            `json:"changes,omitempty"`
	Translations []TranslationResult `json:"translations"`
	// Outcome is what became of the article's writes (the labels last); Error
	// says why it failed.
	Outcome Outcome `json:"outcome"`
	Error   string  `json:"error,omitempty"`
	// Cut is the SHA-256 of the SHA256SUMS of the cut the article's text comes
	// from, when it comes from one.
	Cut string `json:"cut,omitempty"`
	// Duplicates are younger copies of the article that no run finished (drafts
	// without fingerprints, left by a create that landed after its client gave
	// up): archived, or to archive in a dry run.
	Duplicates []DuplicateResult `json:"duplicates,omitempty"`
}

// DuplicateResult is a duplicate article and what became of its archival.
type DuplicateResult struct {
	ID      int64   `json:"id"`
	Outcome Outcome `json:"outcome"`
	Error   string  `json:"error,omitempty"`
}

// TranslationResult is one article in one locale.
type TranslationResult struct {
	Locale string `json:"locale"`
	Title  string `json:"title"`
	Action Action `json:"action"`
	URL    string `json:"url,omitempty"`
	Draft  bool   `json:"draft"`
	// Source says where the text comes from: SourceCut, or SourceWorkspace
	// (not from a signed release).
	Source string `json:"source"`
	// WorkspaceDiffers reports text taken from the cut that the workspace now
	// renders otherwise (a manifest or template changed after the cut): the
	// cut's text is published all the same.
	WorkspaceDiffers bool `json:"workspaceDiffers,omitempty"`
	// GuideLink is where the release notes' link to the same release's
	// upgrade guide points in the help center: the guide's article in the
	// same locale, root-relative ("/hc/de/articles/123"; ".../new" in a dry
	// run for an article the run would create). Empty when the notes have no
	// such link, or when the guide has no article in this locale: then the
	// link is dropped to its text, and Notice says so.
	GuideLink string `json:"guideLink,omitempty"`
	// Notice says what a reader should know about the published text.
	Notice string `json:"notice,omitempty"`
	// Stale names the translated items of this locale whose source text
	// changed since they were translated (validate's AR1408), with where the
	// source text is: an "unchanged" article can still be out of date.
	Stale []string `json:"stale,omitempty"`
	// Diff is the unified diff of the help center's text and the text to
	// publish, for updates and drift.
	Diff string `json:"diff,omitempty"`
	// Outcome is what became of the translation's writes (its text, then
	// publishing it); Error says why it failed or what was left undone.
	Outcome Outcome `json:"outcome"`
	Error   string  `json:"error,omitempty"`
}

// Done counts the translations whose action was carried out, by action: what a
// summary may say was done.
func (r *ZendeskResult) Done() map[Action]int {
	out := map[Action]int{}
	for _, a := range r.Articles {
		for _, t := range a.Translations {
			if t.Outcome == OutcomeDone {
				out[t.Action]++
			}
		}
	}
	return out
}

// Outcomes counts the translations by outcome.
func (r *ZendeskResult) Outcomes() map[Outcome]int {
	out := map[Outcome]int{}
	for _, a := range r.Articles {
		for _, t := range a.Translations {
			out[t.Outcome]++
		}
	}
	return out
}

// Counts sums the translations by action.
func (r *ZendeskResult) Counts() map[Action]int {
	out := map[Action]int{}
	for _, a := range r.Articles {
		for _, t := range a.Translations {
			out[t.Action]++
		}
	}
	return out
}

// DriftError refuses a publish that would overwrite edits made by hand.
type DriftError struct {
	Result *ZendeskResult
}

func (e *DriftError) Error() string {
	n := e.Result.Counts()[Drift]
	return fmt.Sprintf("%d translation(s) were edited in ZenDesk since the last publish; nothing was written. "+
		"Copy the edits into the workspace, or publish with --force to overwrite them", n)
}

// Where the text of an article comes from.
const (
	// SourceCut is the signed cut of the release.
	SourceCut = "cut"
	// SourceWorkspace is the workspace, rendered now: not a signed release.
	SourceWorkspace = "workspace"
)

// document is an article's text in one locale, as it is published.
type document struct {
	locale      string
	title, body string
	fp          string
	// source is SourceCut or SourceWorkspace.
	source string
	// raw is the body as the cut (or the workspace) has it; guideFile, for
	// the notes, is the file name their link to the upgrade guide has there:
	// body is raw with that link pointed at the guide's article.
	raw, guideFile string
}

// plan is everything a run will do to one article.
type plan struct {
	version, kind string
	remote        *remoteArticle
	result        *ArticleResult
	trans         []*transPlan
	// placement is the metadata (not labels) the article must get.
	placement zendesk.ArticleMetadata
	// dups are younger duplicates of the article to archive.
	dups []int64
	// guide is, for the release notes, the same version's upgrade guide,
	// which their link points to: written first.
	guide *plan
	// done is closed when the run is finished with the article.
	done chan struct{}
}

type transPlan struct {
	doc    *document
	remote *zendesk.Article // the article as listed in this locale; nil: missing
	action Action
	rec    recorded // what the fingerprint label will say
	result *TranslationResult
	// wrote: some write of this translation completed.
	wrote bool
}

// remoteArticle is a managed article found in the help center.
type remoteArticle struct {
	id     int64
	labels []string
	meta   zendesk.Article // as listed in some locale: placement and labels
	// byLocale is the article as listed in each locale that has it.
	byLocale map[string]*zendesk.Article
}

// Zendesk publishes the releases' articles, or plans it with DryRun. A *DriftError means
// nothing was written because of edits made by hand.
func Zendesk(ctx context.Context, o ZendeskOptions) (*ZendeskResult, error) {
	ws := o.Workspace
	cfg := ws.Config
	if cfg.Zendesk == nil {
		return nil, fmt.Errorf("%s has no zendesk: settings (sectionId, permissionGroupId)", releases.ConfigFile)
	}
	if len(o.Versions) == 0 {
		return nil, errors.New("no version to publish")
	}
	plans, locales, err := render(o)
	if err != nil {
		return nil, err
	}
	if err := checkLabels(cfg, locales); err != nil {
		return nil, err
	}
	res := &ZendeskResult{SchemaVersion: 1, Instance: o.Client.BaseURL(), DryRun: o.DryRun}
	enabled, err := o.Client.Locales(ctx)
	if err != nil {
		return nil, err
	}
	var disabled []string
	for _, l := range locales {
		if !slices.Contains(enabled.Enabled, l) {
			disabled = append(disabled, l)
		}
	}
	if len(disabled) > 0 {
		return nil, fmt.Errorf("the help center has no enabled locale %s (enabled: %s); enable it in ZenDesk Guide, or remove it from locales: in %s",
			strings.Join(disabled, ", "), strings.Join(enabled.Enabled, ", "), releases.ConfigFile)
	}
	remote, dups, err := findArticles(ctx, o, locales)
	if err != nil {
		return nil, err
	}
	for _, p := range plans {
		if p.guide != nil {
			p.planGuideLinks(remote[identityLabel(cfg.Product.ID, KindGuide, p.version)])
		}
	}
	for _, p := range plans {
		p.decide(o, remote)
		p.dups = dups[identityLabel(cfg.Product.ID, p.kind, p.version)]
		if o.DryRun {
			for _, id := range p.dups {
				p.result.Duplicates = append(p.result.Duplicates, DuplicateResult{ID: id, Outcome: OutcomePlanned})
			}
		}
		if len(p.dups) > 0 && p.result.Outcome == OutcomeDone {
			p.result.Outcome = OutcomeNotAttempted
		}
		res.Articles = append(res.Articles, *p.result)
	}
	if counts := res.Counts(); counts[Drift] > 0 || o.DryRun {
		st := o.Client.Stats()
		res.Requests, res.Writes = st.Requests, st.Writes
		if counts[Drift] > 0 && !o.DryRun {
			return res, &DriftError{Result: res}
		}
		return res, nil
	}
	err = execute(ctx, o, plans)
	res.Articles = res.Articles[:0]
	for _, p := range plans {
		res.Articles = append(res.Articles, *p.result)
	}
	st := o.Client.Stats()
	res.Requests, res.Writes = st.Requests, st.Writes
	return res, err
}

// render takes every article in every locale it is published in from its
// version's cut (or, with FromWorkspace, from the workspace when no cut holds
// it), and lists those locales, the default first.
func render(o ZendeskOptions) ([]*plan, []string, error) {
	ws := o.Workspace
	var locales []string
	var plans []*plan
	for _, v := range o.Versions {
		docs, c, err := documents(o, v)
		if err != nil {
			return nil, nil, err
		}
		stale := staleItems(ws, v)
		byKind := map[string]*plan{}
		for _, kind := range Kinds {
			p := &plan{version: v.String(), kind: kind, result: &ArticleResult{Version: v.String(), Kind: kind}}
			if c != nil {
				p.result.Cut = c.Checksums
			}
			byKind[kind] = p
			plans = append(plans, p)
		}
		byKind[KindNotes].guide = byKind[KindGuide]
		for _, d := range docs {
			p := byKind[d.doc.Kind]
			p.trans = append(p.trans, &transPlan{doc: d.published, result: &TranslationResult{Locale: d.doc.Locale, Title: d.published.title,
				Source: d.published.source, WorkspaceDiffers: d.differs, Stale: stale[d.doc.Kind][d.doc.Locale]}})
			if !slices.Contains(locales, d.doc.Locale) {
				locales = append(locales, d.doc.Locale)
			}
		}
	}
	// The default locale first, then the workspace's order.
	slices.SortStableFunc(locales, func(a, b string) int {
		return cmp.Compare(slices.Index(ws.Config.Locales, a), slices.Index(ws.Config.Locales, b))
	})
	return plans, locales, nil
}

// staleItems lists, by article kind and locale, the translated items of
// release v whose source text changed since they were translated: the notes
// show every translated item, the upgrade guide only the content-freeze
// reason.
func staleItems(ws *releases.Workspace, v *semver.Version) map[string]map[string][]string {
	out := map[string]map[string][]string{KindNotes: {}, KindGuide: {}}
	m, ok := ws.Find(v)
	if !ok {
		return out
	}
	for _, st := range ws.StaleTranslations(m) {
		for _, it := range st.Items {
			name := fmt.Sprintf("%s (%s:%d:%d)", it.Name(), it.SourceFile, max(it.Source.Line, 1), max(it.Source.Col, 1))
			out[KindNotes][st.Locale] = append(out[KindNotes][st.Locale], name)
			if it.Kind == releases.ContentFreezeItem {
				out[KindGuide][st.Locale] = append(out[KindGuide][st.Locale], name)
			}
		}
	}
	return out
}

// sourced is a document as the workspace renders it, and the text that is
// published for it.
type sourced struct {
	doc       cut.Document
	published *document
	// differs: the published text is the cut's, and the workspace's differs.
	differs bool
}

// documents renders the articles of v from the workspace in every locale it
// is published in, and takes the text of each from v's cut. The workspace's
// rendering uses the key the cut was signed with, so that it differs from the
// cut's only when the release did.
func documents(o ZendeskOptions, v *semver.Version) ([]sourced, *cut.Folder, error) {
	c := o.Cuts[v.String()]
	if c == nil && !o.FromWorkspace {
		return nil, nil, fmt.Errorf("%s has no signed cut to publish: cut it first, or publish the workspace's text, which no signed release holds, with --unsigned-from-workspace", v)
	}
	s := o.Signing
	if c != nil {
		s = templates.Signing{PublicKey: c.Meta.PublicKey, KeyID: c.Meta.KeyID}
	}
	rendered, err := cut.Documents(o.Workspace, o.Templates, v, s, o.Generator)
	if err != nil {
		return nil, nil, err
	}
	var out []sourced
	for _, d := range rendered {
		sd := sourced{doc: d}
		from, source := &d, SourceWorkspace
		if c != nil {
			signed, ok, err := c.Document(d.Kind, d.Locale)
			switch {
			case err != nil:
				return nil, nil, err
			case ok:
				from, source = signed, SourceCut
				sd.differs = signed.Title != d.Title || !bytes.Equal(signed.HTML, d.HTML)
			case !o.FromWorkspace:
				return nil, nil, fmt.Errorf("the cut of %s in %s has no %s in %s (the locale was translated after the cut, or the cut skipped render): "+
					"cut again with --clean, or publish the workspace's text, which no signed release holds, with --unsigned-from-workspace", v, c.Dir, d.Kind, d.Locale)
			}
		}
		if source == SourceWorkspace && s.PublicKey == "" && !s.Snapshot {
			return nil, nil, errors.New("the upgrade guide tells customers how to check their downloads, so it needs the public key: " +
				"set signing.publicKey in " + releases.ConfigFile + " or pass --public-key")
		}
		if from.Title == "" {
			return nil, nil, fmt.Errorf("%s in %s: the %s must start with a \"# Title\" heading: it is the article's title", v, d.Locale, d.Kind)
		}
		if len(from.HTML) > zendesk.MaxBodyBytes {
			return nil, nil, fmt.Errorf("%s in %s: the %s article is %d bytes; the help center accepts about %d", v, d.Locale, d.Kind, len(from.HTML), zendesk.MaxBodyBytes)
		}
		body := string(from.HTML)
		sd.published = &document{locale: d.Locale, title: from.Title, body: body, fp: Fingerprint(from.Title, body), source: source, raw: body}
		if d.Kind == KindNotes {
			sd.published.guideFile = cut.DocumentFile(cut.KindGuide, d.Locale, o.Workspace.Config.DefaultLocale(), "html")
		}
		out = append(out, sd)
	}
	return out, c, nil
}
