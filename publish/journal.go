package publish

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/internal/wsfs"
)

// JournalFile is the journal of a release's publishing, in its cut folder.
const JournalFile = cut.JournalFile

// Target states in the journal.
const (
	StatePending = "pending"
	StateDone    = "done"
	StateFailed  = "failed"
)

// Journal is dist/<version>/publish.json: every write a publish of the cut
// completed, target by target, saved after each one, so that a publish that
// stopped half-way shows where it stopped and a re-run goes on from there. The
// targets' own checks of what already exists remain the authority: the journal
// lets a re-run skip what is done, and tells people what happened.
type Journal struct {
	SchemaVersion int    `json:"schemaVersion"`
	Product       string `json:"product"`
	Version       string `json:"version"`
	// Cut is the SHA-256 of the cut's SHA256SUMS: the journal of another cut of
	// the same version is not resumed.
	Cut     string          `json:"cut"`
	Targets []*TargetRecord `json:"targets"`

	path string
	mu   sync.Mutex
}

// TargetRecord is one target's progress.
type TargetRecord struct {
	Name  string `json:"name"`
	State string `json:"state"`
	// URL is where the result can be seen, once done.
	URL    string  `json:"url,omitempty"`
	Error  string  `json:"error,omitempty"`
	Writes []Write `json:"writes"`
}

// Write is one completed write.
type Write struct {
	// Action is what was done ("create release", "upload", "update", …).
	Action string `json:"action"`
	// Item names what it was done to.
	Item   string `json:"item"`
	ID     int64  `json:"id,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	URL    string `json:"url,omitempty"`
}

// OpenJournal reads the journal of the cut, or starts one. stale reports a
// journal of another cut of the version, which is started afresh.
func OpenJournal(dir, product, version, cutDigest string) (j *Journal, stale bool, err error) {
	path := filepath.Join(dir, JournalFile)
	j = &Journal{SchemaVersion: 1, Product: product, Version: version, Cut: cutDigest, path: path}
	b, err := wsfs.ReadFile(path, 16<<20)
	if errors.Is(err, fs.ErrNotExist) {
		return j, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var old Journal
	if err := json.Unmarshal(b, &old); err != nil || old.SchemaVersion != 1 {
		return nil, false, fmt.Errorf("%s is not a publish journal this version reads; move it away to start afresh", path)
	}
	if old.Cut != cutDigest || old.Product != product || old.Version != version {
		return j, true, nil
	}
	old.path = path
	return &old, false, nil
}

// Target returns a target's record, adding it if needed.
func (j *Journal) Target(name string) *TargetRecord {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.target(name)
}

func (j *Journal) target(name string) *TargetRecord {
	i := slices.IndexFunc(j.Targets, func(t *TargetRecord) bool { return t.Name == name })
	if i >= 0 {
		return j.Targets[i]
	}
	t := &TargetRecord{Name: name, State: StatePending, Writes: []Write{}}
	j.Targets = append(j.Targets, t)
	return t
}

// Record adds a completed write and saves the journal.
func (j *Journal) Record(target string, w Write) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	t := j.target(target)
	t.Writes = append(t.Writes, w)
	return j.save()
}

// Finish sets a target's final state and saves the journal.
func (j *Journal) Finish(target string, err error, url string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	t := j.target(target)
	t.State, t.Error = StateDone, ""
	if url != "" {
		t.URL = url
	}
	if err != nil {
		t.State, t.Error = StateFailed, err.Error()
	}
	return j.save()
}

// Path is where the journal is saved.
func (j *Journal) Path() string { return j.path }

// save replaces the journal in one step, so that it is never half written.
func (j *Journal) save() error {
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	tmp := j.path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, j.path)
}
