package releases

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/internal/readall"
)

// The fixed names of a workspace.
const (
	// ConfigFile is the workspace file at the root of every workspace.
	ConfigFile = "atlas-release.yaml"
	// ReleasesDir holds one manifest per version, releases/<version>.yaml.
	ReleasesDir = "releases"
	// ScriptsDir holds the PowerShell scripts that steps run.
	ScriptsDir = "scripts"
)

// ErrNoWorkspace means a folder has no atlas-release.yaml.
var ErrNoWorkspace = errors.New("not a release workspace (no " + ConfigFile + ")")

// Workspace is a loaded release workspace.
type Workspace struct {
	// FS is the workspace folder; scripts and templates are read from it.
	FS fs.FS
	// Config is atlas-release.yaml, or nil when it has structural errors.
	Config *Config
	// Manifests are the manifests that loaded without structural errors, in
	// version order.
	Manifests []*Manifest
	// ManifestFiles are all the manifest files found, in name order, including
	// those that did not load.
	ManifestFiles []string
	// Translations are the folders of locales/, sorted by locale.
	Translations []*Translation
	// Customers is customers.yaml, or nil when there is none or it does not
	// load; HasCustomersFile tells the two apart.
	Customers        *Customers
	HasCustomersFile bool
	// Diagnostics are the problems found while loading.
	Diagnostics Diagnostics
}

// Load reads the workspace in fsys. Problems with the files' contents become
// Diagnostics; the error is for a folder that is not a workspace or cannot be read.
func Load(fsys fs.FS) (*Workspace, error) { return load(fsys, nil) }

// load is Load, reusing the decoded files of c whose bytes are unchanged when c
// is not nil (see Loader).
func load(fsys fs.FS, c *fileCache) (*Workspace, error) {
	ws := &Workspace{FS: fsys}
	src, ok, err := readFile(fsys, ConfigFile, &ws.Diagnostics)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoWorkspace
	}
	if err != nil {
		return nil, err
	}
	if ok {
		cfg, diags := cached(c, ConfigFile, src, loadConfig)
		ws.Config = cfg
		ws.Diagnostics = append(ws.Diagnostics, diags...)
	}

	files, err := manifestFiles(fsys, &ws.Diagnostics)
	if err != nil {
		return nil, err
	}
	ws.ManifestFiles = files
	loaded := make([]*Manifest, len(files))
	diags := make([]Diagnostics, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, file := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			loaded[i], diags[i], errs[i] = loadManifest(fsys, file, c)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for i := range loaded {
		ws.Diagnostics = append(ws.Diagnostics, diags[i]...)
	}
	// A correctly named manifest owns its version; a misnamed one claiming the
	// same version is the duplicate, whatever the order of the file names.
	byVersion := map[string]*Manifest{}
	for _, wellNamed := range []bool{true, false} {
		for _, m := range loaded {
			if m == nil || m.wellNamed() != wellNamed {
				continue
			}
			key := m.version.String()
			if first, dup := byVersion[key]; dup {
				reporter{m.file, &ws.Diagnostics}.report(m.PosOf("version"), "AR0204",
					"version %s is also claimed by %s", key, first.file)
				continue
			}
			byVersion[key] = m
			ws.Manifests = append(ws.Manifests, m)
		}
	}
	slices.SortFunc(ws.Manifests, func(a, b *Manifest) int { return a.version.Compare(b.version) })
	if ws.Translations, err = loadTranslations(fsys, &ws.Diagnostics); err != nil {
		return nil, err
	}
	if ws.Customers, ws.HasCustomersFile, err = loadCustomers(fsys, &ws.Diagnostics); err != nil {
		return nil, err
	}
	return ws, nil
}

// manifestFiles lists releases/*.yaml in name order, whatever they are: one
// that is not a regular file is reported when it is read, not skipped.
func manifestFiles(fsys fs.FS, diags *Diagnostics) ([]string, error) {
	entries, err := readDir(fsys, ReleasesDir, diags)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			files = append(files, path.Join(ReleasesDir, e.Name()))
		}
	}
	return files, nil
}

// loadConfig decodes atlas-release.yaml; the Config is nil when it has
// structural errors.
func loadConfig(file string, src []byte) (*Config, Diagnostics) {
	var diags Diagnostics
	var cfg Config
	if decodeFile(file, src, &cfg, &diags) && checkSchemaVersion(file, cfg.SchemaVersion, cfg.Loc, &diags) {
		return &cfg, diags
	}
	return nil, diags
}

// loadManifest reads and decodes one manifest and checks its identity: a SemVer
// version that matches the file name. It returns nil when the manifest cannot take
// part in further checks. With c, a file whose bytes were decoded before is not
// decoded again.
func loadManifest(fsys fs.FS, file string, c *fileCache) (*Manifest, Diagnostics, error) {
	var diags Diagnostics
	src, ok, err := readFile(fsys, file, &diags)
	if !ok {
		return nil, diags, err
	}
	m, diags := cached(c, file, src, decodeManifest)
	return m, diags, nil
}

// decodeManifest decodes the bytes of one manifest and checks its identity. What
// it returns depends on nothing but file and src, and is never changed afterwards:
// a Loader hands the same *Manifest to every load that reads the same bytes.
func decodeManifest(file string, src []byte) (*Manifest, Diagnostics) {
	var diags Diagnostics
	m := &Manifest{file: file}
	if !decodeFile(file, src, m, &diags) || !checkSchemaVersion(file, m.SchemaVersion, m.Loc, &diags) {
		return nil, diags
	}
	r := reporter{file, &diags}
	v, err := ParseVersion(m.Version)
	if err != nil {
		r.report(m.PosOf("version"), "AR0201", "%v", err)
		return nil, diags
	}
	m.version = v
	// Strict parsing accepts only the canonical form, so the text is the
	// version's string; code on hot paths uses it instead of formatting anew.
	m.Version = v.String()
	if base := strings.TrimSuffix(path.Base(file), ".yaml"); base != v.String() {
		// Keep the manifest under the version it declares, so that a clash with
		// the manifest that rightly holds that version is reported too.
		r.report(m.PosOf("version"), "AR0202", "version %s does not match the file name %s; rename the file to %s.yaml", v, path.Base(file), v)
	}
	return m, diags
}

func checkSchemaVersion(file string, got int, loc Loc, diags *Diagnostics) bool {
	if got == SchemaVersion {
		return true
	}
	reporter{file, diags}.report(loc.PosOf("schemaVersion"), "AR0110", "schemaVersion %d is not supported; this build reads %d", got, SchemaVersion)
	return false
}

// tooLargeError reports a file over MaxFileSize; size is at least the real size
// when the file could not be measured.
type tooLargeError struct{ size int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("file is %d bytes; files are limited to %d bytes (1 MiB)", e.size, MaxFileSize)
}

// readFile reads a workspace file for decoding. A file too large to be a
// manifest, and a path that is not a regular file, become diagnostics, not
// errors.
func readFile(fsys fs.FS, name string, diags *Diagnostics) ([]byte, bool, error) {
	src, err := readLimited(fsys, name)
	var (
		tooLarge   *tooLargeError
		notRegular *notRegularError
	)
	switch {
	case errors.As(err, &tooLarge):
		reporter{name, diags}.report(Pos{1, 1}, "AR0101", "%v", tooLarge)
		return nil, false, nil
	case errors.As(err, &notRegular):
		reportNotRegular(notRegular, diags)
		return nil, false, nil
	}
	return src, err == nil, err
}

// readLimited reads a file, refusing one larger than MaxFileSize without reading it
// all: the loader's memory must not depend on what it is given.
func readLimited(fsys fs.FS, name string) ([]byte, error) {
	f, err := openRegular(fsys, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		if size = st.Size(); size > MaxFileSize {
			return nil, &tooLargeError{size: size}
		}
	}
	b, err := readall.UpTo(f, size, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > MaxFileSize {
		return nil, &tooLargeError{size: int64(len(b))}
	}
	return b, nil
}

// ParseVersion parses a release version, strictly MAJOR.MINOR.PATCH.
func ParseVersion(s string) (*semver.Version, error) {
	v, err := semver.StrictNewVersion(s)
	if err != nil {
		return nil, fmt.Errorf("version %q is not a SemVer version MAJOR.MINOR.PATCH", s)
	}
	if v.Prerelease() != "" || v.Metadata() != "" {
		return nil, fmt.Errorf("version %q has a pre-release or build suffix; manifests describe releases", s)
	}
	return v, nil
}

// ParseVersionArg parses a version typed by a person, allowing "4.3" for "4.3.0"
// and a leading "v".
func ParseVersionArg(s string) (*semver.Version, error) {
	v, err := semver.NewVersion(s)
	if err != nil || v.Prerelease() != "" || v.Metadata() != "" {
		return nil, fmt.Errorf("%q is not a version like 4.3 or 4.3.0", s)
	}
	return v, nil
}

// Find returns the manifest of version v.
func (ws *Workspace) Find(v *semver.Version) (*Manifest, bool) {
	i, ok := slices.BinarySearchFunc(ws.Manifests, v, func(m *Manifest, v *semver.Version) int { return m.version.Compare(v) })
	if !ok {
		return nil, false
	}
	return ws.Manifests[i], true
}

// ErrNoRelease is wrapped by the error of a version the workspace has no
// manifest for.
var ErrNoRelease = errors.New("no such release")

// noReleaseError names the missing version, the file that would describe it and
// the versions there are.
type noReleaseError struct {
	version *semver.Version
	known   string
}

func (e *noReleaseError) Error() string {
	return fmt.Sprintf("no release %s in the workspace (no %s/%s.yaml; releases: %s)", e.version, ReleasesDir, e.version, e.known)
}

func (e *noReleaseError) Unwrap() error { return ErrNoRelease }

// Release returns the manifest of version v, or an error, wrapping ErrNoRelease,
// that every command shows the same way. It is the one way to resolve a version
// the user asked for.
func (ws *Workspace) Release(v *semver.Version) (*Manifest, error) {
	if m, ok := ws.Find(v); ok {
		return m, nil
	}
	return nil, &noReleaseError{version: v, known: ws.knownVersions()}
}

// Latest returns the newest release, the default of every --to; its error
// wraps ErrNoRelease.
func (ws *Workspace) Latest() (*Manifest, error) {
	if len(ws.Manifests) == 0 {
		return nil, fmt.Errorf("%w: the workspace has no releases yet (start one with `atlas-release new`)", ErrNoRelease)
	}
	return ws.Manifests[len(ws.Manifests)-1], nil
}

func (m *Manifest) wellNamed() bool { return path.Base(m.file) == m.version.String()+".yaml" }

// File is the manifest's path relative to the workspace.
func (m *Manifest) File() string { return m.file }

// SemVer is the manifest's parsed version.
func (m *Manifest) SemVer() *semver.Version { return m.version }

// IsRequiredStop reports whether every upgrade path must land on this version.
func (m *Manifest) IsRequiredStop() bool {
	if m.RequiredStop != nil {
		return *m.RequiredStop
	}
	return m.Kind == Major
}

// Freeze is the content-freeze decision, defaulting to not needed.
func (m *Manifest) Freeze() FreezeDecision {
	if m.ContentFreeze == nil {
		return FreezeNotNeeded
	}
	return m.ContentFreeze.Decision
}

// FileExists reports whether name is a regular file in fsys, not a link.
func FileExists(fsys fs.FS, name string) bool {
	st, err := fs.Lstat(fsys, name)
	return err == nil && st.Mode().IsRegular()
}

// Previous returns the newest manifest older than v, or nil.
func (ws *Workspace) Previous(v *semver.Version) *Manifest {
	var prev *Manifest
	for _, m := range ws.Manifests {
		if m.version.LessThan(v) {
			prev = m
		}
	}
	return prev
}

// unloaded reports whether releases/<v>.yaml exists but did not load: its own
// errors say why, so a check that refers to v must not also call it unknown.
func (ws *Workspace) unloaded(v *semver.Version) bool {
	file := path.Join(ReleasesDir, v.String()+".yaml")
	if _, ok := slices.BinarySearch(ws.ManifestFiles, file); !ok {
		return false
	}
	return !slices.ContainsFunc(ws.Manifests, func(m *Manifest) bool { return m.file == file })
}

// incomplete reports whether a manifest file did not load. Checks of the
// sequence of releases (the cadence, the upgrade paths and their effort, the
// installs) would then judge a gap that is not there, and blame other files
// for one file's errors: they wait until every manifest loads.
func (ws *Workspace) incomplete() bool {
	return len(ws.Manifests) < len(ws.ManifestFiles)
}
