package publish

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"

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
	// Signing tells the upgrade guide how downloads are signed. It must carry
	// the public key: customers need it to check what they download.
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
	// Progress is told about every write; it may be nil.
	Progress func(Progress)
	// OnWrite is told about every completed write (the journal records them).
	OnWrite func(Write)
}

// Progress reports one write.
type Progress struct {
	Done, Total int
	// What names the write, e.g. "4.3.0 release-notes de: update".
	What string
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
	// Diff is the unified diff of the help center's text and the workspace's,
	// for updates and drift.
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

// document is an article's text in one locale, as the workspace renders it.
type document struct {
	locale      string
	title, body string
	fp          string
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
	if o.Signing.PublicKey == "" && !o.Signing.Snapshot {
		return nil, errors.New("the upgrade guide tells customers how to check their downloads, so it needs the public key: " +
			"set signing.publicKey in " + releases.ConfigFile + " or pass --public-key")
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

// edition is what renders the documents of one locale.
type edition struct {
	locale string
	ws     *releases.Workspace
	set    *templates.Set
	// translation is nil for the default locale.
	translation *releases.Translation
}

// editions lists the default locale's edition, then one per other listed locale
// that translates a version to publish.
func editions(o ZendeskOptions) ([]*edition, error) {
	ws := o.Workspace
	def := ws.Config.DefaultLocale()
	out := []*edition{{locale: def, ws: ws, set: o.Templates}}
	for _, l := range ws.Config.Locales {
		if l == def {
			continue
		}
		t := ws.Translation(l)
		if t == nil || !slices.ContainsFunc(o.Versions, func(v *semver.Version) bool { return t.Release(v) != nil }) {
			continue // nothing to publish in this locale
		}
		set, err := templates.LoadLocale(ws.FS, t)
		if err != nil {
			return nil, err
		}
		lws, err := ws.Localized(l)
		if err != nil {
			return nil, err
		}
		out = append(out, &edition{locale: l, ws: lws, set: set, translation: t})
	}
	return out, nil
}

// render renders every article in every locale it is published in, and lists
// those locales, the default first.
func render(o ZendeskOptions) ([]*plan, []string, error) {
	eds, err := editions(o)
	if err != nil {
		return nil, nil, err
	}
	var locales []string
	var plans []*plan
	for _, v := range o.Versions {
		if _, ok := o.Workspace.Find(v); !ok {
			return nil, nil, fmt.Errorf("no release %s in the workspace (releases/%s.yaml)", v, v)
		}
		notes := &plan{version: v.String(), kind: KindNotes, result: &ArticleResult{Version: v.String(), Kind: KindNotes}}
		guide := &plan{version: v.String(), kind: KindGuide, result: &ArticleResult{Version: v.String(), Kind: KindGuide}}
		for _, e := range eds {
			if e.translation != nil && e.translation.Release(v) == nil {
				continue
			}
			docs, err := e.render(o, v)
			if err != nil {
				return nil, nil, fmt.Errorf("%s in %s: %w", v, e.locale, err)
			}
			for i, p := range []*plan{notes, guide} {
				p.trans = append(p.trans, &transPlan{doc: docs[i], result: &TranslationResult{Locale: e.locale, Title: docs[i].title}})
			}
			if !slices.Contains(locales, e.locale) {
				locales = append(locales, e.locale)
			}
		}
		plans = append(plans, notes, guide)
	}
	// The default locale first, then the workspace's order.
	slices.SortStableFunc(locales, func(a, b string) int {
		return cmp.Compare(slices.Index(o.Workspace.Config.Locales, a), slices.Index(o.Workspace.Config.Locales, b))
	})
	return plans, locales, nil
}

// render renders the two documents of a version in the edition's locale.
func (e *edition) render(o ZendeskOptions, v *semver.Version) ([2]*document, error) {
	var docs [2]*document
	notes, err := templates.NewNotes(e.ws, v, o.Generator)
	if err != nil {
		return docs, err
	}
	paths, err := e.ws.BundlePaths(v)
	if err != nil {
		return docs, err
	}
	downloadURL := func(string) string { return "" }
	if gh := e.ws.Config.GitHub; gh != nil && !o.Signing.Snapshot {
		downloadURL = func(file string) string { return gh.DownloadURL(v.String(), file) }
	}
	guide, err := templates.NewGuide(e.ws, v, paths, o.Signing, o.Generator, downloadURL)
	if err != nil {
		return docs, err
	}
	for i, render := range []func() (templates.Article, error){
		func() (templates.Article, error) { return e.set.NotesArticle(notes) },
		func() (templates.Article, error) { return e.set.GuideArticle(guide) },
	} {
		a, err := render()
		if err != nil {
			return docs, err
		}
		if len(a.Body) > zendesk.MaxBodyBytes {
			return docs, fmt.Errorf("the %s article is %d bytes; the help center accepts about %d", Kinds[i], len(a.Body), zendesk.MaxBodyBytes)
		}
		docs[i] = &document{locale: e.locale, title: a.Title, body: a.Body, fp: Fingerprint(a.Title, a.Body)}
	}
	return docs, nil
}
