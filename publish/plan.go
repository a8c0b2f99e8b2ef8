package publish

import (
	"context"
	"fmt"
	"strings"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/textdiff"
	"github.com/atlas-release/atlas-release/zendesk"
)

// checkLabels makes sure the articles' labels fit in the help center's limit.
func checkLabels(cfg *releases.Config, locales []string) error {
	n := len(cfg.Zendesk.Labels) + 3 + len(locales)
	if n > zendesk.MaxLabels {
		return fmt.Errorf("each article needs %d labels (%d configured, 3 that identify it, one per locale), more than the %d the help center allows",
			n, len(cfg.Zendesk.Labels), zendesk.MaxLabels)
	}
	return nil
}

// findArticles lists the managed articles of the versions in every locale, and
// indexes them by identity label. Of several articles with one identity, the
// one finished by a run (or the oldest) is kept and the younger orphans are
// returned by identity, to archive (see pickKeeper); two finished ones are an
// error: which one is ours cannot be guessed.
func findArticles(ctx context.Context, o ZendeskOptions, locales []string) (map[string]*remoteArticle, map[string][]int64, error) {
	product := o.Workspace.Config.Product.ID
	filter := []string{managedLabel(product)}
	if len(o.Versions) == 1 {
		filter = append(filter, versionLabel(product, o.Versions[0].String()))
	}
	byID := map[int64]*remoteArticle{}
	identities := map[string][]int64{}
	for _, l := range locales {
		list, err := o.Client.ArticlesByLabels(ctx, l, filter)
		if err != nil {
			return nil, nil, err
		}
		for i := range list {
			a := &list[i]
			ra := byID[a.ID]
			if ra == nil {
				ra = &remoteArticle{id: a.ID, labels: a.LabelNames, meta: *a, byLocale: map[string]*zendesk.Article{}}
				byID[a.ID] = ra
				for _, label := range a.LabelNames {
					identities[label] = append(identities[label], a.ID)
				}
			}
			// An article listed in another locale than asked has no translation
			// in this one (the help center fell back to its source locale).
			if a.Locale == "" || a.Locale == l {
				ra.byLocale[l] = a
			}
		}
	}
	out := map[string]*remoteArticle{}
	dups := map[string][]int64{}
	for _, v := range o.Versions {
		for _, kind := range Kinds {
			identity := identityLabel(product, kind, v.String())
			ids := identities[identity]
			switch len(ids) {
			case 0:
			case 1:
				out[identity] = byID[ids[0]]
			default:
				cands := make([]candidate, len(ids))
				for i, id := range ids {
					cands[i] = remoteCandidate(byID[id])
				}
				keep, archive, err := pickKeeper(identity, cands, 0)
				if err != nil {
					return nil, nil, err
				}
				out[identity], dups[identity] = byID[keep], archive
			}
		}
	}
	return out, dups, nil
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ", ")
}

// decide plans what to do to the article and to each of its translations.
func (p *plan) decide(o ZendeskOptions, remote map[string]*remoteArticle) {
	cfg := o.Workspace.Config
	product := cfg.Product.ID
	p.remote = remote[identityLabel(product, p.kind, p.version)]
	if p.remote == nil {
		p.result.Action = Create
		for _, t := range p.trans {
			t.action = Create
			t.result.Action, t.result.Draft = Create, o.Draft
			t.result.Outcome = initialOutcome(o.DryRun, true)
		}
		p.result.Outcome = initialOutcome(o.DryRun, true)
		p.result.Translations = results(p.trans)
		return
	}
	p.result.ID = p.remote.id
	recs := parseFingerprints(p.remote.labels)
	changed := false
	for _, t := range p.trans {
		locale := t.doc.locale
		r := p.remote.byLocale[locale]
		t.remote = r
		if r == nil {
			t.action = Create
			t.result.Action, t.result.Draft = Create, o.Draft
			changed = true
			continue
		}
		t.result.URL, t.result.Draft = r.HTMLURL, r.Draft
		remoteFP := Fingerprint(r.Title, r.Body)
		rec, recordedBefore := recs[locale]
		switch {
		case recordedBefore && remoteFP == rec.stored && t.doc.fp == rec.sent:
			t.action, t.rec = Unchanged, rec
			if r.Draft && !o.Draft {
				t.action = Publish
			}
		case recordedBefore && remoteFP == rec.stored:
			t.action = Update
		case remoteFP == t.doc.fp:
			// The text is current but its fingerprint was never recorded: a run
			// stopped between writing the text and the labels.
			t.action, t.rec = Adopt, recorded{sent: t.doc.fp, stored: remoteFP}
		case o.Force:
			t.action = Overwrite
		default:
			t.action = Drift
		}
		if t.action == Update || t.action == Overwrite || t.action == Drift {
			t.result.Diff = textdiff.Unified(fmt.Sprintf("zendesk article %d (%s)", r.ID, locale),
				fmt.Sprintf("workspace %s %s (%s)", p.version, p.kind, locale),
				Document(r.Title, r.Body)+"\n", Document(t.doc.title, t.doc.body)+"\n")
		}
		t.result.Action = t.action
		changed = changed || t.action != Unchanged
	}
	p.placement, p.result.Changes = placement(cfg.Zendesk, &p.remote.meta)
	fps := parseFingerprints(p.remote.labels)
	for _, t := range p.trans {
		if t.rec != (recorded{}) {
			fps[t.doc.locale] = t.rec
		}
	}
	labels := articleLabels(p.remote.labels, product, p.kind, p.version, cfg.Zendesk.Labels, fps)
	if !sameLabels(labels, p.remote.labels) {
		p.result.Changes = append(p.result.Changes, "labels")
	}
	switch {
	case changed:
		p.result.Action = Update
	case len(p.result.Changes) > 0:
		p.result.Action = Relabel
	default:
		p.result.Action = Unchanged
	}
	for _, t := range p.trans {
		t.result.Outcome = initialOutcome(o.DryRun, t.action != Unchanged)
	}
	p.result.Outcome = initialOutcome(o.DryRun, p.result.Action != Unchanged)
	p.result.Translations = results(p.trans)
}

func results(trans []*transPlan) []TranslationResult {
	out := make([]TranslationResult, len(trans))
	for i, t := range trans {
		out[i] = *t.result
	}
	return out
}

// placement is the metadata an article must get to sit where the workspace
// says, and a description of each change.
func placement(z *releases.ZendeskSettings, a *zendesk.Article) (zendesk.ArticleMetadata, []string) {
	var m zendesk.ArticleMetadata
	var changes []string
	if a.SectionID != z.SectionID {
		m.SectionID = &z.SectionID
		changes = append(changes, fmt.Sprintf("section %d → %d", a.SectionID, z.SectionID))
	}
	if a.PermissionGroupID != z.PermissionGroupID {
		m.PermissionGroupID = &z.PermissionGroupID
		changes = append(changes, fmt.Sprintf("permission group %d → %d", a.PermissionGroupID, z.PermissionGroupID))
	}
	want := segmentOf(z)
	if (a.UserSegmentID == nil) != (want == nil) || (want != nil && *a.UserSegmentID != *want) {
		m.UserSegment = &zendesk.Segment{ID: want}
		changes = append(changes, fmt.Sprintf("user segment %s → %s", segmentName(a.UserSegmentID), segmentName(want)))
	}
	return m, changes
}

func segmentOf(z *releases.ZendeskSettings) *int64 {
	if z.UserSegmentID == 0 {
		return nil
	}
	id := z.UserSegmentID
	return &id
}

func segmentName(id *int64) string {
	if id == nil {
		return "everyone"
	}
	return fmt.Sprint(*id)
}
