package publish

import (
	"context"
	"errors"
	"sync"

	"github.com/atlas-release/atlas-release/cut"
)

// The targets, in the order a release is published: GitHub first, because the
// ZenDesk upgrade guide links to its downloads.
const (
	TargetGitHub  = "github"
	TargetZendesk = "zendesk"
)

// ReleaseOptions configure publishing a cut to every configured target, or
// to one.
type ReleaseOptions struct {
	Cut *cut.Folder
	// GitHub and Zendesk are the targets; nil leaves one out. Their OnWrite is
	// set by Release, to keep the journal, and their cut is Cut: the ZenDesk
	// articles are the cut's text.
	GitHub  *GitHubOptions
	Zendesk *ZendeskOptions
	// Recheck runs targets the journal records as done: a target named on its
	// own (publish github) is always run.
	Recheck bool
	// DryRun plans every target and writes nothing, not even the journal.
	DryRun bool
	// Progress is told when each target starts, is done or is skipped, and
	// when each of its writes starts and is done; it may be nil. Release sets
	// the targets' Progress. Calls never overlap.
	Progress func(Event)
}

// ReleaseResult is what publishing a release did.
type ReleaseResult struct {
	Version string `json:"version"`
	// Journal is the journal's path; StaleJournal says it was of another cut.
	Journal      string         `json:"journal"`
	StaleJournal bool           `json:"staleJournal,omitempty"`
	Targets      []TargetResult `json:"targets"`
}

// TargetResult is one target's outcome.
type TargetResult struct {
	Name string `json:"name"`
	// State is done, skipped (done in an earlier run), failed, planned (dry
	// run) or not run (after an earlier target failed).
	State   string         `json:"state"`
	URL     string         `json:"url,omitempty"`
	Error   string         `json:"error,omitempty"`
	GitHub  *GitHubResult  `json:"github,omitempty"`
	Zendesk *ZendeskResult `json:"zendesk,omitempty"`
}

// Release publishes a cut to every configured target in order, recording every
// completed write in the cut's journal (publish.json). A target the journal
// records as done is skipped unless Recheck; after a failure the next targets are
// not run, and a re-run resumes with the failed one.
func Release(ctx context.Context, o ReleaseOptions) (*ReleaseResult, error) {
	c := o.Cut
	j, stale, err := OpenJournal(c.Dir, c.Meta.Product, c.Meta.Version, c.Checksums)
	if err != nil {
		return nil, err
	}
	res := &ReleaseResult{Version: c.Meta.Version, Journal: j.Path(), StaleJournal: stale}
	progress := serialized(o.Progress)
	report := func(kind EventKind, target, message string) {
		if progress != nil {
			progress(Event{Kind: kind, Target: target, Message: message})
		}
	}
	type target struct {
		name string
		run  func(onWrite func(Write)) (url string, gh *GitHubResult, zd *ZendeskResult, err error)
	}
	var targets []target
	if o.GitHub != nil {
		targets = append(targets, target{TargetGitHub, func(onWrite func(Write)) (string, *GitHubResult, *ZendeskResult, error) {
			g := *o.GitHub
			g.Cut, g.DryRun, g.OnWrite, g.Progress = c, o.DryRun, onWrite, progress
			r, err := GitHub(ctx, g)
			url := ""
			if r != nil {
				url = r.URL
			}
			return url, r, nil, err
		}})
	}
	if o.Zendesk != nil {
		targets = append(targets, target{TargetZendesk, func(onWrite func(Write)) (string, *GitHubResult, *ZendeskResult, error) {
			z := *o.Zendesk
			z.Cuts = map[string]*cut.Folder{c.Meta.Version: c}
			z.DryRun, z.OnWrite, z.Progress = o.DryRun, onWrite, progress
			r, err := Zendesk(ctx, z)
			return "", nil, r, err
		}})
	}
	if len(targets) == 0 {
		return nil, errors.New("no target to publish to: atlas-release.yaml has neither github: nor zendesk: settings")
	}
	var failed error
	for _, t := range targets {
		rec := j.Target(t.name)
		tr := TargetResult{Name: t.name}
		switch {
		case failed != nil:
			tr.State = "not run"
			report(Skipped, t.name, "not run: an earlier target failed")
		case rec.State == StateDone && !o.Recheck && !o.DryRun:
			tr.State, tr.URL = "skipped", rec.URL
			report(Skipped, t.name, "skipped: done in an earlier run")
		default:
			report(Started, t.name, "")
			var mu sync.Mutex
			var journalErr error
			onWrite := func(w Write) {
				if o.DryRun {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if err := j.Record(t.name, w); err != nil && journalErr == nil {
					journalErr = err
				}
			}
			url, gh, zd, err := t.run(onWrite)
			tr.URL, tr.GitHub, tr.Zendesk = url, gh, zd
			if err == nil {
				err = journalErr
			}
			switch {
			case o.DryRun:
				tr.State = "planned"
			case err != nil:
				tr.State = StateFailed
			default:
				tr.State = StateDone
			}
			if err != nil {
				tr.Error, failed = err.Error(), err
			}
			if !o.DryRun {
				if ferr := j.Finish(t.name, err, url); ferr != nil && failed == nil {
					failed = ferr
				}
			}
			report(Done, t.name, tr.State)
		}
		res.Targets = append(res.Targets, tr)
	}
	return res, failed
}
