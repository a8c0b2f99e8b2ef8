package publish

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/atlas-release/atlas-release/zendesk"
)

// maxLookups bounds the creates of one article or translation whose outcome
// stays unknown after looking for it.
const maxLookups = 3

// writer runs the writes of a publish and reports them.
type writer struct {
	progress func(Progress)
	onWrite  func(Write)
	mu       sync.Mutex
	done     int
	total    int
}

// wrote reports a completed write.
func (w *writer) wrote(wr Write) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done++
	if w.progress != nil {
		w.progress(Progress{Done: w.done, Total: max(w.total, w.done), What: wr.Item + ": " + wr.Action})
	}
	if w.onWrite != nil {
		w.onWrite(wr)
	}
}

// execute carries out the plans, several articles at a time; the writes of one
// article are in order. Every article is attempted; the errors are returned
// together, in plan order.
func execute(ctx context.Context, o ZendeskOptions, plans []*plan) error {
	w := &writer{progress: o.Progress, onWrite: o.OnWrite}
	for _, p := range plans {
		w.total += p.writes(o)
	}
	workers := o.Concurrency
	if workers <= 0 {
		workers = 4
	}
	errs := make([]error, len(plans))
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, p := range plans {
		if p.writes(o) == 0 {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := p.execute(ctx, o, w); err != nil {
				errs[i] = fmt.Errorf("%s %s: %w", p.version, p.kind, err)
			}
			p.result.Translations = results(p.trans)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// writes predicts the number of writes of a plan, for progress.
func (p *plan) writes(o ZendeskOptions) int {
	n := 0
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
	if n > 0 || len(p.result.Changes) > 0 {
		n++ // the labels
	}
	return n
}

func (p *plan) name(locale string) string { return p.version + " " + p.kind + " " + locale }

// execute writes one article: it creates the article if needed, writes each
// translation that changed, publishes, and finally records the fingerprints in
// the labels (last, so that an interrupted run is recognised as such).
func (p *plan) execute(ctx context.Context, o ZendeskOptions, w *writer) error {
	c := o.Client
	cfg := o.Workspace.Config
	product := cfg.Product.ID
	publish := map[string]bool{} // locales to publish once all text is written
	var withArticle *transPlan   // the translation created with the article
	if p.remote == nil {
		first := p.trans[0]
		a, err := p.createArticle(ctx, o, first.doc)
		if err != nil {
			return err
		}
		w.wrote(Write{Action: "create article", Item: p.name(first.doc.locale), ID: a.ID, URL: a.HTMLURL})
		p.remote = &remoteArticle{id: a.ID, labels: a.LabelNames, meta: *a, byLocale: map[string]*zendesk.Article{first.doc.locale: a}}
		p.result.ID = a.ID
		withArticle, first.remote = first, a
		first.rec = recorded{sent: first.doc.fp, stored: Fingerprint(a.Title, a.Body)}
		first.result.URL, first.result.Draft = a.HTMLURL, a.Draft
		publish[first.doc.locale] = !o.Draft
	}
	for _, t := range p.trans {
		locale := t.doc.locale
		if t == withArticle {
			continue
		}
		switch t.action {
		case Create:
			tr, err := p.createTranslation(ctx, o, t.doc)
			if err != nil {
				return err
			}
			w.wrote(Write{Action: "create translation", Item: p.name(locale), ID: p.remote.id, URL: tr.HTMLURL})
			t.rec = recorded{sent: t.doc.fp, stored: Fingerprint(tr.Title, tr.Body)}
			t.result.URL, t.result.Draft = tr.HTMLURL, tr.Draft
			publish[locale] = !o.Draft
		case Update, Overwrite:
			u := zendesk.TranslationUpdate{Title: &t.doc.title, Body: &t.doc.body}
			if t.remote.Draft && !o.Draft {
				published := false
				u.Draft = &published
			}
			tr, err := c.UpdateTranslation(ctx, p.remote.id, locale, u)
			if err != nil {
				return err
			}
			w.wrote(Write{Action: string(t.action), Item: p.name(locale), ID: p.remote.id, URL: tr.HTMLURL})
			t.rec = recorded{sent: t.doc.fp, stored: Fingerprint(tr.Title, tr.Body)}
			t.result.URL, t.result.Draft = cmp.Or(tr.HTMLURL, t.result.URL), tr.Draft
		case Publish:
			publish[locale] = true
		case Adopt:
			publish[locale] = t.remote.Draft && !o.Draft
		}
	}
	for _, t := range p.trans {
		if !publish[t.doc.locale] {
			continue
		}
		published := false
		tr, err := c.UpdateTranslation(ctx, p.remote.id, t.doc.locale, zendesk.TranslationUpdate{Draft: &published})
		if err != nil {
			return err
		}
		w.wrote(Write{Action: "publish", Item: p.name(t.doc.locale), ID: p.remote.id, URL: tr.HTMLURL})
		t.result.Draft = tr.Draft
		t.result.URL = cmp.Or(tr.HTMLURL, t.result.URL)
	}
	fps := parseFingerprints(p.remote.labels)
	for _, t := range p.trans {
		if t.rec != (recorded{}) {
			fps[t.doc.locale] = t.rec
		}
	}
	labels := articleLabels(p.remote.labels, product, p.kind, p.version, cfg.Zendesk.Labels, fps)
	meta, _ := placement(cfg.Zendesk, &p.remote.meta)
	if sameLabels(labels, p.remote.labels) && meta == (zendesk.ArticleMetadata{}) {
		return nil
	}
	meta.LabelNames = &labels
	a, err := c.UpdateArticle(ctx, p.remote.id, meta)
	if err != nil {
		return err
	}
	w.wrote(Write{Action: "update labels", Item: p.version + " " + p.kind, ID: p.remote.id})
	p.remote.labels = a.LabelNames
	return nil
}

// createArticle creates the article with its first translation, as a draft. When
// the outcome of the create is unknown, it looks for the article before trying
// again.
func (p *plan) createArticle(ctx context.Context, o ZendeskOptions, d *document) (*zendesk.Article, error) {
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
			return a, nil
		}
		if zendesk.KindOf(err) != zendesk.KindAmbiguous {
			return nil, err
		}
		last = err
		found, ferr := o.Client.ArticlesByLabels(ctx, d.locale, []string{managedLabel(product), identity})
		if ferr != nil {
			return nil, fmt.Errorf("%w; looking whether it was created failed too: %w", err, ferr)
		}
		switch len(found) {
		case 0:
			continue // it was not created: create it
		case 1:
			return &found[0], nil
		default:
			return nil, fmt.Errorf("after an unanswered create, %d articles carry the label %s", len(found), identity)
		}
	}
	return nil, last
}

// createTranslation adds a locale to the article, looking before trying again
// when the outcome of a create is unknown.
func (p *plan) createTranslation(ctx context.Context, o ZendeskOptions, d *document) (*zendesk.Translation, error) {
	var last error
	for range maxLookups {
		tr, err := o.Client.CreateTranslation(ctx, p.remote.id, zendesk.NewTranslation{Locale: d.locale, Title: d.title, Body: d.body, Draft: true})
		if err == nil {
			return tr, nil
		}
		if zendesk.KindOf(err) != zendesk.KindAmbiguous {
			return nil, err
		}
		last = err
		all, ferr := o.Client.Translations(ctx, p.remote.id)
		if ferr != nil {
			return nil, fmt.Errorf("%w; looking whether it was created failed too: %w", err, ferr)
		}
		for i := range all {
			if all[i].Locale == d.locale {
				return &all[i], nil
			}
		}
	}
	return nil, last
}
