package releases

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
	"go.yaml.in/yaml/v3"
)

// HistoryDir holds the workspace's record of each release's rollout,
// history/<version>.yaml, kept under version control with the manifests.
const HistoryDir = "history"

// History is history/<version>.yaml: what happened to each entry of
// customers.yaml on the way to a release. `upgrades approve` records change
// board approvals here; the outcome of each upgrade is recorded next to them.
type History struct {
	Loc `json:"-"`
	// SchemaVersion is the version of this file's format. This build reads 1.
	SchemaVersion int `json:"schemaVersion" jsonschema:"required,minimum=1"`
	// Version is the release, the same as the file's name.
	Version string `json:"version" jsonschema:"required"`
	// Entries are the customers and environments, each once, by id.
	Entries []HistoryEntry `json:"entries,omitempty"`
}

// HistoryEntry is what happened to one entry of customers.yaml.
type HistoryEntry struct {
	Loc `json:"-"`
	// Customer is the id of the customer or environment in customers.yaml.
	Customer string `json:"customer" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// Approval is the change board's approval of the upgrade.
	Approval *Approval `json:"approval,omitempty"`
	// Completion is what the upgrade took and how it ended (upgrades
	// complete); absent while it has not happened.
	Completion *Completion `json:"completion,omitempty"`
}

// Outcome is how an upgrade ended.
type Outcome string

// The outcomes.
const (
	// OutcomeOK: the customer runs the release.
	OutcomeOK Outcome = "ok"
	// OutcomeRolledBack: the upgrade was backed out; the customer runs the
	// version it ran before.
	OutcomeRolledBack Outcome = "rolled-back"
	// OutcomePartial: some hops were made, not all; the ticket stays open.
	OutcomePartial Outcome = "partial"
)

// Outcomes are the outcomes an upgrade may record.
var Outcomes = []Outcome{OutcomeOK, OutcomeRolledBack, OutcomePartial}

// Completion is what an upgrade really took: the estimates of the runbook are
// checked against it (upgrades report).
type Completion struct {
	Loc `json:"-"`
	// From is the version the customer ran before the upgrade; for a new
	// deployment, the release itself (nothing ran before it).
	From string `json:"from" jsonschema:"required"`
	// Outcome is ok, rolled-back or partial.
	Outcome Outcome `json:"outcome" jsonschema:"required,enum=ok,enum=rolled-back,enum=partial"`
	// Windows are the maintenance windows as they happened, in order.
	Windows []ActualWindow `json:"windows" jsonschema:"required,minItems=1,maxItems=20"`
	// HandsOnMinutes is the customer's hands-on effort, all roles together,
	// when known; at most 100000.
	HandsOnMinutes int `json:"handsOnMinutes,omitempty" jsonschema:"minimum=1,maximum=100000"`
	// Note is what people should know, e.g. why it was rolled back.
	Note string `json:"note,omitempty" jsonschema:"maxLength=2000"`
}

// ActualWindow is one maintenance window as it happened.
type ActualWindow struct {
	Loc `json:"-"`
	// Started and Finished are RFC 3339 times with their offset, e.g.
	// 2026-12-19T08:02:00+01:00; quoted, so YAML reads them as text.
	Started  string `json:"started" jsonschema:"required,format=date-time"`
	Finished string `json:"finished" jsonschema:"required,format=date-time"`
}

// Span parses the window's times; finished must come after started.
func (w ActualWindow) Span() (started, finished time.Time, err error) {
	if started, err = time.Parse(time.RFC3339, w.Started); err != nil {
		return started, finished, fmt.Errorf("started %q is not a time like 2026-12-19T08:02:00+01:00", w.Started)
	}
	if finished, err = time.Parse(time.RFC3339, w.Finished); err != nil {
		return started, finished, fmt.Errorf("finished %q is not a time like 2026-12-19T11:40:00+01:00", w.Finished)
	}
	if !finished.After(started) {
		return started, finished, fmt.Errorf("the window finished (%s) before it started (%s)", w.Finished, w.Started)
	}
	return started, finished, nil
}

// Minutes is how long the window took, whole minutes rounded up; 0 when its
// times do not parse.
func (w ActualWindow) Minutes() int {
	s, f, err := w.Span()
	if err != nil {
		return 0
	}
	return int((f.Sub(s) + time.Minute - 1) / time.Minute)
}

// Check reports what is wrong with a completion: an unknown outcome, windows
// whose times do not parse, end before they start or overlap the one before.
func (c *Completion) Check() error {
	if !slices.Contains(Outcomes, c.Outcome) {
		return fmt.Errorf("outcome %q is not one of ok, rolled-back, partial", c.Outcome)
	}
	if _, err := ParseVersion(c.From); err != nil {
		return fmt.Errorf("from: %w", err)
	}
	if len(c.Windows) == 0 {
		return errors.New("no window: record when the upgrade started and finished")
	}
	var last time.Time
	for i, w := range c.Windows {
		s, f, err := w.Span()
		if err != nil {
			return fmt.Errorf("window %d: %w", i+1, err)
		}
		if i > 0 && s.Before(last) {
			return fmt.Errorf("window %d started (%s) before window %d finished", i+1, w.Started, i)
		}
		last = f
	}
	if c.HandsOnMinutes < 0 || c.HandsOnMinutes > 100000 {
		return fmt.Errorf("handsOnMinutes %d: give 1 to 100000", c.HandsOnMinutes)
	}
	return nil
}

// Approval is a change board's approval of an upgrade.
type Approval struct {
	Loc `json:"-"`
	// Ref is the board's reference for the approval, e.g. CAB-2291.
	Ref string `json:"ref" jsonschema:"required,minLength=1,maxLength=200"`
	// Date is the day the approval was recorded.
	Date Date `json:"date" jsonschema:"required"`
	// Window is the day of the first window the board approved: the rollout
	// keeps the upgrade there, and a move needs a new approval.
	Window Date `json:"window,omitzero"`
}

// HistoryFile is the path of a release's history in the workspace.
func HistoryFile(v *semver.Version) string { return path.Join(HistoryDir, v.String()+".yaml") }

// LoadHistory reads a release's history strictly, as every other file of the
// workspace is read. A release without one has an empty history.
func LoadHistory(fsys fs.FS, v *semver.Version) (*History, Diagnostics, error) {
	var diags Diagnostics
	file := HistoryFile(v)
	h, err := loadHistoryFile(fsys, file, &diags)
	if err != nil || diags.Errors() > 0 {
		return nil, diags, err
	}
	if h == nil {
		h = &History{SchemaVersion: 1, Version: v.String()}
	}
	return h, diags, nil
}

// loadHistoryFile decodes one history file; nil when it does not exist or does
// not load (then diags say why).
func loadHistoryFile(fsys fs.FS, file string, diags *Diagnostics) (*History, error) {
	src, ok, err := readFile(fsys, file, diags)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil || !ok {
		return nil, err
	}
	var h History
	if !decodeFile(file, src, &h, diags) || !checkSchemaVersion(file, h.SchemaVersion, h.Loc, diags) {
		return nil, nil
	}
	r := reporter{file, diags}
	if v, err := ParseVersion(h.Version); err != nil {
		r.report(h.PosOf("version"), "AR1605", "version: %v", err)
	} else if HistoryFile(v) != file {
		r.report(h.PosOf("version"), "AR1605", "%s holds the history of %s: name it %s", file, v, HistoryFile(v))
	}
	seen := map[string]Pos{}
	for _, e := range h.Entries {
		if first, dup := seen[e.Customer]; dup {
			r.report(e.PosOf("customer"), "AR1605", "%s is already recorded at line %d", e.Customer, first.Line)
		}
		seen[e.Customer] = e.PosOf("customer")
		if c := e.Completion; c != nil {
			if err := c.Check(); err != nil {
				r.report(e.PosOf("completion"), "AR1605", "%s: completion: %v", e.Customer, err)
			}
		}
	}
	return &h, nil
}

// Entry returns the entry of a customer, nil for none.
func (h *History) Entry(customer string) *HistoryEntry {
	for i := range h.Entries {
		if h.Entries[i].Customer == customer {
			return &h.Entries[i]
		}
	}
	return nil
}

// Approve records a change board's approval; it reports false when the same
// approval was already recorded.
func (h *History) Approve(customer string, a Approval) bool {
	e := h.Entry(customer)
	if e == nil {
		h.Entries = append(h.Entries, HistoryEntry{Customer: customer})
		e = &h.Entries[len(h.Entries)-1]
	}
	if e.Approval != nil && e.Approval.Ref == a.Ref && e.Approval.Window == a.Window {
		return false
	}
	e.Approval = &Approval{Ref: a.Ref, Date: a.Date, Window: a.Window}
	return true
}

// Complete records how a customer's upgrade ended; it reports false when the
// same completion was already recorded. A new completion replaces the one
// before (a partial upgrade finished later).
func (h *History) Complete(customer string, c Completion) bool {
	e := h.Entry(customer)
	if e == nil {
		h.Entries = append(h.Entries, HistoryEntry{Customer: customer})
		e = &h.Entries[len(h.Entries)-1]
	}
	if e.Completion != nil && sameCompletion(*e.Completion, c) {
		return false
	}
	c.Loc = Loc{}
	c.Windows = slices.Clone(c.Windows)
	for i := range c.Windows {
		c.Windows[i].Loc = Loc{}
	}
	e.Completion = &c
	return true
}

func sameCompletion(a, b Completion) bool {
	return a.From == b.From && a.Outcome == b.Outcome && a.HandsOnMinutes == b.HandsOnMinutes && a.Note == b.Note &&
		slices.EqualFunc(a.Windows, b.Windows, func(x, y ActualWindow) bool { return x.Started == y.Started && x.Finished == y.Finished })
}

// Marshal writes the history as YAML, entries by customer id, so that the file
// reads well in a diff and the same history is always the same bytes.
func (h *History) Marshal() ([]byte, error) {
	type approval struct {
		Ref    string `yaml:"ref"`
		Date   string `yaml:"date"`
		Window string `yaml:"window,omitempty"`
	}
	type window struct {
		Started  string `yaml:"started"`
		Finished string `yaml:"finished"`
	}
	type completion struct {
		From           string   `yaml:"from"`
		Outcome        string   `yaml:"outcome"`
		Windows        []window `yaml:"windows"`
		HandsOnMinutes int      `yaml:"handsOnMinutes,omitempty"`
		Note           string   `yaml:"note,omitempty"`
	}
	type entry struct {
		Customer   string      `yaml:"customer"`
		Approval   *approval   `yaml:"approval,omitempty"`
		Completion *completion `yaml:"completion,omitempty"`
	}
	out := struct {
		SchemaVersion int     `yaml:"schemaVersion"`
		Version       string  `yaml:"version"`
		Entries       []entry `yaml:"entries"`
	}{SchemaVersion: cmp.Or(h.SchemaVersion, 1), Version: h.Version, Entries: []entry{}}
	for _, e := range h.Entries {
		x := entry{Customer: e.Customer}
		if e.Approval != nil {
			x.Approval = &approval{Ref: e.Approval.Ref, Date: e.Approval.Date.String()}
			if !e.Approval.Window.IsZero() {
				x.Approval.Window = e.Approval.Window.String()
			}
		}
		if c := e.Completion; c != nil {
			x.Completion = &completion{From: c.From, Outcome: string(c.Outcome), HandsOnMinutes: c.HandsOnMinutes, Note: c.Note, Windows: []window{}}
			for _, w := range c.Windows {
				x.Completion.Windows = append(x.Completion.Windows, window{w.Started, w.Finished})
			}
		}
		out.Entries = append(out.Entries, x)
	}
	slices.SortFunc(out.Entries, func(a, b entry) int { return cmp.Compare(a.Customer, b.Customer) })
	var b bytes.Buffer
	fmt.Fprintf(&b, "# The rollout of %s: change board approvals (atlas-release upgrades approve).\n", h.Version)
	if slices.ContainsFunc(h.Entries, func(e HistoryEntry) bool { return e.Completion != nil }) {
		b.WriteString("# How each upgrade went: atlas-release upgrades complete.\n")
	}
	b.WriteString("# Written by atlas-release; keep it under version control.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

// histories checks every history/*.yaml: it loads, names a release of the
// workspace and customers of customers.yaml.
func (v *validator) histories() {
	files, err := fs.Glob(v.ws.FS, HistoryDir+"/*.yaml")
	if err != nil {
		return
	}
	slices.Sort(files)
	for _, file := range files {
		h, err := loadHistoryFile(v.ws.FS, file, v.diags)
		if err != nil || h == nil {
			continue
		}
		r := v.at(file)
		if ver, err := ParseVersion(h.Version); err == nil {
			if _, ok := v.ws.Find(ver); !ok && !v.ws.unloaded(ver) {
				r.report(h.PosOf("version"), "AR1605", "no release %s in the workspace (known: %s)", ver, v.ws.knownVersions())
			}
		}
		if !v.ws.incomplete() {
			v.estimates(file, h)
		}
		for _, e := range h.Entries {
			if v.ws.Customers != nil && v.ws.Customers.Customer(e.Customer) == nil {
				var ids []string
				for _, c := range v.ws.Customers.Customers {
					ids = append(ids, c.ID)
				}
				r.report(e.PosOf("customer"), "AR1605", "no customer %q in %s (customers: %s)", e.Customer, CustomersFile, strings.Join(ids, ", "))
			}
		}
	}
}
