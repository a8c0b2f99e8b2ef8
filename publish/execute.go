package publish

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/atlas-release/atlas-release/zendesk"
)

// maxLookups bounds the creates of one article or translation whose outcome
// stays unknown after looking for it.
const maxLookups = 3

// execute carries out the plans, several articles at a time; the writes of one
// article are in order. Every article is attempted; the errors are returned
// together, in plan order.
func execute(ctx context.Context, o ZendeskOptions, plans []*plan) error {
	w := newWriter(TargetZendesk, o.Progress, o.OnWrite)
	workers := o.Concurrency
	if workers <= 0 {
		workers = 4
	}
	errs := make([]error, len(plans))
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for _, p := range plans {
		p.done = make(chan struct{})
	}
	// The guides start first: the notes wait for theirs, which link to it,
	// and every guide holds a worker before any notes take one.
	var order []int
	for _, guides := range []bool{true, false} {
		for i, p := range plans {
			if (p.kind == KindGuide) == guides {
				order = append(order, i)
			}
		}
	}
	for _, i := range order {
		p := plans[i]
		if p.writes(o) == 0 {
			close(p.done)
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { close(p.done); <-sem; wg.Done() }()
			if p.guide != nil {
				<-p.guide.done
				p.linkWrittenGuide()
			}
			if err := p.execute(ctx, o, w.inGroup(i)); err != nil {
				errs[i] = fmt.Errorf("%s %s: %w", p.version, p.kind, err)
			}
			p.result.Translations = results(p.trans)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// writes predicts the number of writes of a plan; a plan without any is not
// run.
func (p *plan) writes(o ZendeskOptions) int {
	n := len(p.dups)
	for _, t := range p.trans {
		switch t.action {
		case Create:
			n++
			if !o.Draft {
				n++
			}
		case Update, Overwrite, Publish:
			n++
		}
	}
	if n > len(p.dups) || len(p.result.Changes) > 0 {
		n++ // the labels
	}
	return n
}

func (p *plan) name(locale string) string { return p.version + " " + p.kind + " " + locale }

// execute writes one article: it archives younger duplicates, creates the
// article if needed, writes each translation that changed, publishes, and
// finally records the fingerprints in the labels (last, so that an interrupted
// run is recognised as such). Each write's outcome is recorded in the results
// as it completes.
func (p *plan) execute(ctx context.Context, o ZendeskOptions, w *writer) (err error) {
	defer func() {
		if err != nil {
			p.result.Outcome, p.result.Error = OutcomeFailed, err.Error()
			for _, t := range p.trans {
				if t.result.Outcome != OutcomeDone && t.result.Outcome != OutcomeFailed && t.wrote {
					t.result.Outcome = OutcomePartial
					t.result.Error = "its text was written as a draft, but it was not published: the article's writes stopped at a failure"
				}
			}
			return
		}
		p.result.Outcome = OutcomeDone
	}()
	if err := p.archiveDuplicates(ctx, o, w, p.dups); err != nil {
		return err
	}
	c := o.Client
	cfg := o.Workspace.Config
	product := cfg.Product.ID
	publish := map[string]bool{} // locales to publish once all text is written
	var withArticle *transPlan   // the translation created with the article
	ambiguous := false
	if p.remote == nil {
		first := p.trans[0]
		w.start(p.name(first.doc.locale), "create article")
		a, amb, err := p.createArticle(ctx, o, first.doc)
		ambiguous = amb
		if err != nil {
			first.result.Outcome, first.result.Error = OutcomeFailed, err.Error()
			return err
		}
		w.wrote(Write{Action: "create article", Item: p.name(first.doc.locale), ID: a.ID, URL: a.HTMLURL})
		p.remote = &remoteArticle{id: a.ID, labels: a.LabelNames, meta: *a, byLocale: map[string]*zendesk.Article{first.doc.locale: a}}
		p.result.ID = a.ID
		withArticle, first.remote = first, a
		first.rec = recorded{sent: first.doc.fp, stored: Fingerprint(a.Title, a.Body)}
		first.result.URL, first.result.Draft = a.HTMLURL, a.Draft
		first.wrote = true
		publish[first.doc.locale] = !o.Draft
		if !publish[first.doc.locale] {
			first.result.Outcome = OutcomeDone
		}
	}
	for _, t := range p.trans {
		locale := t.doc.locale
		if t == withArticle {
			continue
		}
		switch t.action {
		case Create:
			w.start(p.name(locale), "create translation")
			tr, err := p.createTranslation(ctx, o, t.doc)
			if err != nil {
				t.result.Outcome, t.result.Error = OutcomeFailed, err.Error()
				return err
			}
			w.wrote(Write{Action: "create translation", Item: p.name(locale), ID: p.remote.id, URL: tr.HTMLURL})
			t.rec = recorded{sent: t.doc.fp, stored: Fingerprint(tr.Title, tr.Body)}
			t.result.URL, t.result.Draft = tr.HTMLURL, tr.Draft
			t.wrote = true
			publish[locale] = !o.Draft
		case Update, Overwrite:
			u := zendesk.TranslationUpdate{Title: &t.doc.title, Body: &t.doc.body}
			if t.remote.Draft && !o.Draft {
				published := false
				u.Draft = &published
			}
			w.start(p.name(locale), string(t.action))
			tr, err := c.UpdateTranslation(ctx, p.remote.id, locale, u)
			if err != nil {
				t.result.Outcome, t.result.Error = OutcomeFailed, err.Error()
				return err
			}
			w.wrote(Write{Action: string(t.action), Item: p.name(locale), ID: p.remote.id, URL: tr.HTMLURL})
			t.rec = recorded{sent: t.doc.fp, stored: Fingerprint(tr.Title, tr.Body)}
			t.result.URL, t.result.Draft = cmp.Or(tr.HTMLURL, t.result.URL), tr.Draft
			t.wrote = true
		case Publish:
			publish[locale] = true
		case Adopt:
			publish[locale] = t.remote.Draft && !o.Draft
		}
		if !publish[locale] && t.wrote {
			t.result.Outcome = OutcomeDone
		}
	}
	for _, t := range p.trans {
		if !publish[t.doc.locale] {
			continue
		}
		published := false
		w.start(p.name(t.doc.locale), "publish")
		tr, err := c.UpdateTranslation(ctx, p.remote.id, t.doc.locale, zendesk.TranslationUpdate{Draft: &published})
		if err != nil {
			t.result.Outcome, t.result.Error = OutcomeFailed, err.Error()
			return err
		}
		w.wrote(Write{Action: "publish", Item: p.name(t.doc.locale), ID: p.remote.id, URL: tr.HTMLURL})
		t.result.Draft = tr.Draft
		t.result.URL = cmp.Or(tr.HTMLURL, t.result.URL)
		t.wrote = true
		t.result.Outcome = OutcomeDone
	}
	fps := parseFingerprints(p.remote.labels)
	for _, t := range p.trans {
		if t.rec != (recorded{}) {
			fps[t.doc.locale] = t.rec
		}
	}
	labels := articleLabels(p.remote.labels, product, p.kind, p.version, cfg.Zendesk.Labels, fps)
	meta, _ := placement(cfg.Zendesk, &p.remote.meta)
	if !sameLabels(labels, p.remote.labels) || meta != (zendesk.ArticleMetadata{}) {
		meta.LabelNames = &labels
		w.start(p.version+" "+p.kind, "update labels")
		a, err := c.UpdateArticle(ctx, p.remote.id, meta)
		if err != nil {
			return err
		}
		w.wrote(Write{Action: "update labels", Item: p.version + " " + p.kind, ID: p.remote.id})
		p.remote.labels = a.LabelNames
	}
	for _, t := range p.trans {
		if t.action == Adopt {
			t.result.Outcome = OutcomeDone // its fingerprint is recorded now
		}
	}
	if ambiguous {
		return p.sweepDuplicates(ctx, o, w)
	}
	return nil
}

// settle is how long, after a create whose outcome is unknown, the create is
// looked for before it is presumed lost: look-ups at once, then after 1, 2, 4, 8
// and 16 s — 31 s in all, longer than a request's default timeout, during which
// a slow server usually finishes what it started. A create that lands even later
// is caught after the fact: see dedupe.
var settle = []time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second}

// createArticle creates the article with its first translation, as a draft.
// When the outcome of a create is unknown, it looks for the article, with
// back-off, before trying again; ambiguous reports that some create's outcome
// stayed unknown, so that the caller checks again for a duplicate at the end.
func (p *plan) createArticle(ctx context.Context, o ZendeskOptions, d *document) (a *zendesk.Article, ambiguous bool, err error) {
	cfg := o.Workspace.Config
	product := cfg.Product.ID
	identity := identityLabel(product, p.kind, p.version)
	na := zendesk.NewArticle{Title: d.title, Body: d.body, Locale: d.locale, PermissionGroupID: cfg.Zendesk.PermissionGroupID,
		UserSegmentID: segmentOf(cfg.Zendesk), Draft: true,
		LabelNames: articleLabels(nil, product, p.kind, p.version, cfg.Zendesk.Labels, nil)}
	var last error
	for range maxLookups {
		a, err := o.Client.CreateArticle(ctx, cfg.Zendesk.SectionID, na)
		if err == nil {
			return a, ambiguous, nil
		}
		if zendesk.KindOf(err) != zendesk.KindAmbiguous {
			return nil, ambiguous, err
		}
		ambiguous, last = true, err
		found, err := p.lookFor(ctx, o, err, func() ([]zendesk.Article, error) {
			return o.Client.ArticlesByLabels(ctx, d.locale, []string{managedLabel(product), identity})
		})
		if err != nil {
			return nil, true, err
		}
		switch len(found) {
		case 0:
			continue // not created after all this time: create it
		case 1:
			return &found[0], true, nil
		default:
			// Several creates landed: keep the oldest; the caller's sweep
			// archives the others once this one is finished.
			keep, _, err := pickKeeper(identity, articleCandidates(found), 0)
			if err != nil {
				return nil, true, err
			}
			return &found[slices.IndexFunc(found, func(a zendesk.Article) bool { return a.ID == keep })], true, nil
		}
	}
	return nil, true, last
}

// lookFor looks for what an unanswered create may have made, with back-off on
// the client's clock, until find finds something or settle is spent.
func (p *plan) lookFor(ctx context.Context, o ZendeskOptions, createErr error, find func() ([]zendesk.Article, error)) ([]zendesk.Article, error) {
	for _, wait := range settle {
		if err := o.Client.Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%w; then waiting to look whether it was created: %w", createErr, err)
		}
		found, err := find()
		if err != nil {
			return nil, fmt.Errorf("%w; looking whether it was created failed too: %w", createErr, err)
		}
		if len(found) > 0 {
			return found, nil
		}
	}
	return nil, nil
}

// createTranslation adds a locale to the article. When the outcome of a create
// is unknown it looks for the translation, with back-off, before trying again;
// a create refused because the locale exists (an earlier create landed late)
// finds the translation instead. The help center keeps one translation per
// locale, so translations cannot be duplicated; only failing is at stake.
func (p *plan) createTranslation(ctx context.Context, o ZendeskOptions, d *document) (*zendesk.Translation, error) {
	var last error
	find := func() (*zendesk.Translation, error) {
		all, err := o.Client.Translations(ctx, p.remote.id)
		if err != nil {
			return nil, err
		}
		for i := range all {
			if all[i].Locale == d.locale {
				return &all[i], nil
			}
		}
		return nil, nil
	}
	for range maxLookups {
		tr, err := o.Client.CreateTranslation(ctx, p.remote.id, zendesk.NewTranslation{Locale: d.locale, Title: d.title, Body: d.body, Draft: true})
		if err == nil {
			return tr, nil
		}
		switch {
		case zendesk.KindOf(err) == zendesk.KindAmbiguous:
		case last != nil && localeTaken(err):
			// Our own earlier create landed after all.
		default:
			return nil, err
		}
		last = err
		for _, wait := range settle {
			if serr := o.Client.Sleep(ctx, wait); serr != nil {
				return nil, fmt.Errorf("%w; then waiting to look whether it was created: %w", err, serr)
			}
			tr, ferr := find()
			if ferr != nil {
				return nil, fmt.Errorf("%w; looking whether it was created failed too: %w", err, ferr)
			}
			if tr != nil {
				return tr, nil
			}
		}
	}
	return nil, last
}

// localeTaken reports the refusal of a translation create for a locale the
// article has.
func localeTaken(err error) bool {
	var e *zendesk.Error
	if !errors.As(err, &e) || e.Kind != zendesk.KindInvalid {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == "locale" && (f.Code == "DuplicateValue" || strings.Contains(strings.ToLower(f.Message), "taken")) {
			return true
		}
	}
	return false
}
