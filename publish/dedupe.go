package publish

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/atlas-release/atlas-release/zendesk"
)

// The help center has no idempotency key for creates: a create that commits
// after its client gave up (and after the look-ups that followed) leaves a
// second article with the same identity label. Such a duplicate is recognisable
// without guessing: no run finished it — fingerprint labels are written last,
// after every translation — and nobody published it, since creates are drafts.
// Publishing keeps one article per identity and archives those orphans (an
// archived article leaves every list and page and can be restored in Guide);
// two articles that someone finished or published are a conflict a person must
// settle, and publishing refuses them.

// candidate is one of the articles that carry an identity label.
type candidate struct {
	id      int64
	created time.Time
	// orphan: no fingerprint label, and a draft in every locale seen.
	orphan bool
}

// isOrphan reports whether an article with these labels and drafts is one no
// run finished and nobody published.
func isOrphan(labels []string, drafts []bool) bool {
	if len(parseFingerprints(labels)) > 0 {
		return false
	}
	return !slices.Contains(drafts, false)
}

// pickKeeper chooses the article to keep among those that carry one identity
// label, and the ones to archive: the one a person or a run finished, else the
// oldest. ours, when not 0, is the article this run is writing: it is kept.
// Two finished articles are an error.
func pickKeeper(identity string, cands []candidate, ours int64) (keep int64, archive []int64, err error) {
	var finished []int64
	for i := range cands {
		if cands[i].id == ours {
			cands[i].orphan = false
		}
		if !cands[i].orphan {
			finished = append(finished, cands[i].id)
		}
	}
	if len(finished) > 1 {
		slices.Sort(finished)
		return 0, nil, fmt.Errorf("articles %s all carry the label %s, which identifies one article, and more than one was published or finished by a run: "+
			"archive the ones that should not be there, then publish again", joinIDs(finished), identity)
	}
	slices.SortFunc(cands, func(a, b candidate) int {
		if a.orphan != b.orphan {
			if a.orphan {
				return 1
			}
			return -1
		}
		return cmp.Or(a.created.Compare(b.created), cmp.Compare(a.id, b.id))
	})
	for _, c := range cands[1:] {
		archive = append(archive, c.id)
	}
	return cands[0].id, archive, nil
}

// articleCandidates describes articles as listed in one locale.
func articleCandidates(list []zendesk.Article) []candidate {
	out := make([]candidate, len(list))
	for i, a := range list {
		out[i] = candidate{id: a.ID, created: a.CreatedAt, orphan: isOrphan(a.LabelNames, []bool{a.Draft})}
	}
	return out
}

// remoteCandidate describes an article found in every locale of the workspace.
func remoteCandidate(ra *remoteArticle) candidate {
	var drafts []bool
	for _, a := range ra.byLocale {
		drafts = append(drafts, a.Draft)
	}
	return candidate{id: ra.id, created: ra.meta.CreatedAt, orphan: isOrphan(ra.labels, drafts)}
}

// archiveDuplicates archives the duplicates found for a plan, recording each
// outcome.
func (p *plan) archiveDuplicates(ctx context.Context, o ZendeskOptions, w *writer, ids []int64) error {
	for _, id := range ids {
		p.result.Duplicates = append(p.result.Duplicates, DuplicateResult{ID: id, Outcome: OutcomeNotAttempted})
	}
	for i, id := range ids {
		d := &p.result.Duplicates[len(p.result.Duplicates)-len(ids)+i]
		w.start(p.version+" "+p.kind, "archive duplicate")
		if err := o.Client.ArchiveArticle(ctx, id); err != nil {
			d.Outcome, d.Error = OutcomeFailed, err.Error()
			return fmt.Errorf("archiving duplicate article %d: %w", id, err)
		}
		d.Outcome = OutcomeDone
		w.wrote(Write{Action: "archive duplicate", Item: p.version + " " + p.kind, ID: id})
	}
	return nil
}

// sweepDuplicates looks, once the article is written, for copies that a create
// whose outcome stayed unknown made after all, and archives them.
func (p *plan) sweepDuplicates(ctx context.Context, o ZendeskOptions, w *writer) error {
	product := o.Workspace.Config.Product.ID
	identity := identityLabel(product, p.kind, p.version)
	list, err := o.Client.ArticlesByLabels(ctx, p.trans[0].doc.locale, []string{managedLabel(product), identity})
	if err != nil {
		return fmt.Errorf("looking for duplicates after a create whose outcome was unknown: %w", err)
	}
	if len(list) < 2 {
		return nil
	}
	_, archive, err := pickKeeper(identity, articleCandidates(list), p.remote.id)
	if err != nil {
		return err
	}
	return p.archiveDuplicates(ctx, o, w, archive)
}
