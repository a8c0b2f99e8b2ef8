// Package cut is the release owner's main job: from a workspace and a version, it
// validates the release, renders its notes and upgrade guide, builds one runbook
// bundle per supported source version and one that deploys the version on a
// new tenant (the install bundle), checksums and signs everything, and writes
// the result to dist/<version>/ in one atomic step. It is also the one reader of
// a cut (Open): publish, and anyone else, take a cut's files and documents from
// it, checked as verify checks them.
//
// The notes and the guide are written in Markdown and as the HTML fragment that
// is, byte for byte, the body of the help center article: in the workspace's
// default locale as release-notes.{md,html} and upgrade-guide.{md,html}, and in
// every other locale that translates the release as
// release-notes.<locale>.{md,html} and upgrade-guide.<locale>.{md,html}, e.g.
// release-notes.de.html. The names are flat, in dist/<version>/ itself, because
// every file of the cut is also a GitHub release asset, whose name cannot hold
// a "/". metadata.json gives each document its kind and locale; SHA256SUMS
// lists them with every other file.
//
// The work is a pipeline of named steps (validate, render, bundle, checksum,
// sign, metadata) over a shared job. It happens in a temporary folder next to the
// target; only when every step has succeeded is the folder renamed into place,
// so a failure or an interruption never leaves a partial dist/<version>/.
package cut

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"aead.dev/minisign"
	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// The steps of a cut, in order.
const (
	StepValidate = "validate"
	StepRender   = "render"
	StepBundle   = "bundle"
	StepChecksum = "checksum"
	StepSign     = "sign"
	StepMetadata = "metadata"
)

// Skippable lists the steps --skip accepts: the others are what makes a cut a
// cut. Signing is left out by cutting a snapshot.
var Skippable = []string{StepRender, StepBundle}

// CheckSkip refuses a list of steps to skip that names a step that is not
// Skippable, or no step at all; the command line calls it first, to report a
// usage error.
func CheckSkip(skip []string) error {
	for _, s := range skip {
		switch {
		case slices.Contains(Skippable, s):
		case slices.ContainsFunc(pipes, func(p pipe) bool { return p.name == s }):
			return fmt.Errorf("step %q cannot be skipped (skippable: %s; cut a --snapshot to leave signing out)", s, strings.Join(Skippable, ", "))
		default:
			return fmt.Errorf("there is no step %q (skippable: %s)", s, strings.Join(Skippable, ", "))
		}
	}
	return nil
}

// Names of the files of every cut.
const (
	ChecksumsFile = "SHA256SUMS"
	MetadataFile  = "metadata.json"
	SignatureExt  = ".minisig"
)

// Options say what to cut and how.
type Options struct {
	Workspace *releases.Workspace
	Templates *templates.Set
	Version   *semver.Version
	// Dist is the folder that receives <version>/ (or <version>-snapshot/).
	Dist string
	// Clean replaces an existing output folder.
	Clean bool
	// Snapshot makes an unsigned rehearsal: no key is needed, and nothing
	// customer-facing accepts it.
	Snapshot bool
	// Skip lists steps not to run (see Skippable).
	Skip []string
	// Key signs the release; it must be set unless Snapshot.
	Key *minisign.PrivateKey
	// Generator names the tool and its version, recorded in every bundle.
	Generator string
	// ModTime is the modification time of every archive entry; zero means the
	// release date. SOURCE_DATE_EPOCH sets it.
	ModTime time.Time
	// Progress is told what the cut is doing as it does it: when each step
	// and each bundle starts, how many bytes a bundle has, when each is done.
	// It may be nil. Calls never overlap, even while bundles are written side
	// by side, so it needs no lock of its own.
	Progress func(Event)
}

// EventKind says what an Event reports.
type EventKind int

// The kinds of event, in the order a step or a bundle goes through them.
const (
	// Started: a step, or an item of a step, begins.
	Started EventKind = iota
	// Wrote: Bytes of the item have been written so far.
	Wrote
	// Done: the step or item is over; Message sums it up, Bytes is the size
	// of an item.
	Done
	// Skipped: the step does not run.
	Skipped
	// Note: Message is something the release owner should know.
	Note
)

// Event is one report of a cut's progress. It says nothing of time: the
// caller, which knows the clock, measures how long a step took.
type Event struct {
	Kind EventKind
	// Step is one of the Step constants.
	Step string
	// Item names what a step works on when it is not the step as a whole: a
	// bundle's file name.
	Item    string
	Bytes   int64
	Message string
}

// Metadata is metadata.json: what the cut produced.
type Metadata struct {
	SchemaVersion int    `json:"schemaVersion"`
	Product       string `json:"product"`
	Version       string `json:"version"`
	// Snapshot marks an unsigned rehearsal.
	Snapshot  bool   `json:"snapshot"`
	Generator string `json:"generator"`
	// ModTime is the time every archive entry carries.
	ModTime   string `json:"modTime"`
	PublicKey string `json:"publicKey,omitempty"`
	KeyID     string `json:"keyId,omitempty"`
	// Sources are the versions that got an upgrade bundle, newest first.
	Sources []string `json:"sources"`
	// Install names the install bundle, which deploys the version on a new
	// tenant; empty when the release has no install procedure.
	Install string `json:"install,omitempty"`
	// Skipped lists the steps that did not run.
	Skipped []string `json:"skipped"`
	// Files are every file of the cut but metadata.json, sorted by name.
	Files []Artifact `json:"files"`
}

// Artifact is a file of the cut.
type Artifact struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// From is the source version of an upgrade bundle; an install bundle
	// has none, and says Install.
	From    string `json:"from,omitempty"`
	Install bool   `json:"install,omitempty"`
	// Locale is the locale of a document (release notes, upgrade guide).
	Locale string `json:"locale,omitempty"`
}

// The kinds of artifact.
const (
	KindNotes     = "release-notes"
	KindGuide     = "upgrade-guide"
	KindBundle    = "bundle"
	KindSignature = "signature"
	KindChecksums = "checksums"
)

// job is what the steps share.
type job struct {
	opts     Options
	ws       *releases.Workspace
	manifest *releases.Manifest
	dir      string     // the temporary output folder
	mu       sync.Mutex // serializes the calls of opts.Progress
	summary  string     // what the running step sums itself up as
	modTime  time.Time
	public   *minisign.PublicKey
	paths    []*releases.Path
	install  *releases.Path // nil when the release has no install procedure
	files    []Artifact
	meta     Metadata
}

type pipe struct {
	name string
	run  func(*job, context.Context) error
}

var pipes = []pipe{
	{StepValidate, (*job).validate},
	{StepRender, (*job).render},
	{StepBundle, (*job).bundles},
	{StepChecksum, (*job).checksum},
	{StepSign, (*job).sign},
	{StepMetadata, (*job).metadata},
}

// OutputName is the folder a cut of version writes in Dist.
func OutputName(v *semver.Version, snapshot bool) string {
	if snapshot {
		return v.String() + "-snapshot"
	}
	return v.String()
}

// Run cuts the release and returns its metadata and the output folder.
func Run(ctx context.Context, opts Options) (*Metadata, string, error) {
	if err := CheckSkip(opts.Skip); err != nil {
		return nil, "", err
	}
	if !opts.Snapshot && opts.Key == nil {
		return nil, "", errors.New("a release must be signed: give the secret key, or cut a snapshot")
	}
	name := OutputName(opts.Version, opts.Snapshot)
	target := filepath.Join(opts.Dist, name)
	if err := os.MkdirAll(opts.Dist, 0o755); err != nil {
		return nil, "", err
	}
	lockFile, err := lock(filepath.Join(opts.Dist, "."+name+".lock"))
	if err != nil {
		return nil, "", err
	}
	defer lockFile.Close()
	if _, err := os.Stat(target); err == nil && !opts.Clean {
		return nil, "", fmt.Errorf("%s already exists; pass --clean to replace it", target)
	}
	// Temporary folders of earlier cuts that were killed: the lock says no cut
	// is using them.
	stale, _ := filepath.Glob(filepath.Join(opts.Dist, "."+name+".tmp-*"))
	for _, s := range stale {
		_ = os.RemoveAll(s)
	}
	dir, err := os.MkdirTemp(opts.Dist, "."+name+".tmp-")
	if err != nil {
		return nil, "", err
	}
	if err := os.Chmod(dir, 0o755); err != nil { // MkdirTemp makes it private
		return nil, "", err
	}
	done := false
	defer func() {
		if !done {
			_ = os.RemoveAll(dir)
		}
	}()

	j := &job{opts: opts, ws: opts.Workspace, dir: dir}
	for _, p := range pipes {
		if err := ctx.Err(); err != nil {
			return nil, "", err
		}
		if slices.Contains(opts.Skip, p.name) || (p.name == StepSign && opts.Snapshot) {
			j.meta.Skipped = append(j.meta.Skipped, p.name)
			j.report(Event{Kind: Skipped, Step: p.name})
			continue
		}
		j.summary = ""
		j.report(Event{Kind: Started, Step: p.name})
		if err := p.run(j, ctx); err != nil {
			return nil, "", fmt.Errorf("%s: %w", p.name, err)
		}
		j.report(Event{Kind: Done, Step: p.name, Message: j.summary})
	}
	if err := syncDir(dir); err != nil {
		return nil, "", err
	}
	if err := commit(dir, target); err != nil {
		return nil, "", err
	}
	done = true
	return &j.meta, target, nil
}

// commit puts the finished folder in place: a rename, or an atomic exchange with
// the folder it replaces, which is then removed.
func commit(dir, target string) error {
	if _, err := os.Stat(target); err == nil {
		if err := swap(dir, target); err != nil {
			return fmt.Errorf("replace %s: %w", target, err)
		}
		return os.RemoveAll(dir)
	}
	if err := os.Rename(dir, target); err != nil {
		return fmt.Errorf("move the cut into %s: %w", target, err)
	}
	return syncDir(filepath.Dir(target))
}

// report tells opts.Progress about e, one call at a time.
func (j *job) report(e Event) {
	if j.opts.Progress == nil {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.opts.Progress(e)
}

// sumUp sets what the running step's Done event says.
func (j *job) sumUp(format string, args ...any) { j.summary = fmt.Sprintf(format, args...) }

// note reports something the release owner should know.
func (j *job) note(step, format string, args ...any) {
	j.report(Event{Kind: Note, Step: step, Message: fmt.Sprintf(format, args...)})
}

// countingWriter reports the bytes of an item as they are written.
type countingWriter struct {
	w      io.Writer
	n      int64
	report func(n int64)
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.report(c.n)
	return n, err
}
