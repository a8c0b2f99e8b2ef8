package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"aead.dev/minisign"

	"github.com/atlas-release/atlas-release/internal/readall"
	"github.com/atlas-release/atlas-release/internal/wsfs"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/signing"
	"github.com/atlas-release/atlas-release/templates"
)

// BuildInfo describes the binary.
type BuildInfo struct {
	// Version is the tool's version, recorded in every bundle's manifest.
	Version string
}

// Factory hands commands their dependencies. Everything is constructed lazily, so
// that a command that never touches the workspace or the network never needs one.
type Factory struct {
	IO     *IOStreams
	Getenv func(string) string
	// Dir is where the command starts looking for the workspace (-C); empty means
	// the working directory.
	Dir   string
	Now   func() time.Time
	Build BuildInfo
	// Exit ends the process when a command has not returned soon enough after
	// Ctrl-C (see run); nil never ends it, for commands run inside tests.
	Exit func(code int)

	// CacheDir is the folder of the decode cache (see decodeCache); nil or
	// an error means no cache.
	CacheDir func() (string, error)

	// onExit are what must be undone even when Exit cuts a command short, such
	// as a terminal left without echo by a passphrase prompt.
	onExit exitHooks

	root      string
	ws        *releases.Workspace
	validated bool
	tmpl      *templates.Set
	// cacheWarned is set once a wrong ATLAS_RELEASE_CACHE was reported.
	cacheWarned bool
}

// NewFactory returns the factory of a real process.
func NewFactory(build BuildInfo) *Factory {
	return &Factory{
		IO:     SystemIO(os.Getenv),
		Getenv: os.Getenv,
		Now:    time.Now,
		Build:  build,
		Exit:   os.Exit,
		CacheDir: func() (string, error) {
			dir, err := os.UserCacheDir()
			return filepath.Join(dir, "atlas-release"), err
		},
	}
}

// StartDir is the directory given with -C, or the working directory.
func (f *Factory) StartDir() (string, error) {
	dir := f.Dir
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return "", err
		}
	}
	return filepath.Abs(dir)
}

// WorkspaceRoot finds the workspace: the start directory or its nearest parent
// that holds atlas-release.yaml.
func (f *Factory) WorkspaceRoot() (string, error) {
	if f.root != "" {
		return f.root, nil
	}
	start, err := f.StartDir()
	if err != nil {
		return "", err
	}
	if st, err := os.Stat(start); err != nil || !st.IsDir() {
		return "", fmt.Errorf("%s is not a directory", start)
	}
	for dir := start; ; dir = filepath.Dir(dir) {
		// Any entry but a folder marks the workspace: one that is not a regular
		// file (a link, a named pipe) is reported by the loader, not passed over
		// for a workspace further up.
		if st, err := os.Lstat(filepath.Join(dir, releases.ConfigFile)); err == nil && !st.IsDir() {
			f.root = dir
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("%w: no %s in %s or any parent folder; run `atlas-release init` to create one, or pass -C <workspace>",
				errNoWorkspace, releases.ConfigFile, start)
		}
	}
}

var errNoWorkspace = errors.New("no release workspace")

// Workspace loads the workspace without judging it.
func (f *Factory) Workspace() (*releases.Workspace, error) {
	if f.ws != nil {
		return f.ws, nil
	}
	root, err := f.WorkspaceRoot()
	if err != nil {
		return nil, err
	}
	// Every file is read through the workspace's root: regular files inside
	// it, never links or special files (see wsfs).
	fsys, err := wsfs.New(root)
	if err != nil {
		return nil, fmt.Errorf("open workspace %s: %w", root, err)
	}
	ws, err := releases.LoadCached(fsys, f.decodeCache())
	if err != nil {
		return nil, fmt.Errorf("load workspace %s: %w", root, err)
	}
	// The environment overrides the workspace file: cut renders download links
	// and publish uploads to the same GitHub.
	if api := f.Getenv(GitHubAPIURLEnv); api != "" && ws.Config != nil && ws.Config.GitHub != nil {
		gh := *ws.Config.GitHub
		gh.APIURL = api
		cfg := *ws.Config
		cfg.GitHub = &gh
		ws.Config = &cfg
	}
	f.ws = ws
	return ws, nil
}

// ValidWorkspace loads the workspace and fails, with the errors, unless it
// validates. Commands that render or publish start here.
func (f *Factory) ValidWorkspace() (*releases.Workspace, error) {
	ws, err := f.Workspace()
	if err != nil {
		return nil, err
	}
	// Validation composes every hop: do it once per process.
	if !f.validated {
		if diags := ws.Validate(); diags.Errors() > 0 {
			return nil, &releases.ValidationError{Diagnostics: diags}
		}
		f.validated = true
	}
	return ws, nil
}

// Templates returns the built-in templates with the workspace's overrides.
func (f *Factory) Templates() (*templates.Set, error) {
	if f.tmpl != nil {
		return f.tmpl, nil
	}
	ws, err := f.Workspace()
	if err != nil {
		return nil, err
	}
	t, err := templates.Load(ws.FS)
	if err != nil {
		return nil, err
	}
	f.tmpl = t
	return t, nil
}

// PublicKeyEnv names the environment variable that can hold the public key.
const PublicKeyEnv = "ATLAS_PUBLIC_KEY"

// PublicKey finds the public key customers verify with: the flag's value, else
// ATLAS_PUBLIC_KEY, else the workspace's signing.publicKey. A value may be the
// key itself or a file that holds it (atlas-release.pub). ok is false when none
// is given anywhere.
func (f *Factory) PublicKey(flag, value string) (key minisign.PublicKey, ok bool, err error) {
	text, from := value, flag
	if text == "" {
		text, from = f.Getenv(PublicKeyEnv), PublicKeyEnv
	}
	if text == "" {
		if ws, err := f.Workspace(); err == nil && ws.Config != nil && ws.Config.Signing != nil {
			text, from = ws.Config.Signing.PublicKey, "signing.publicKey in "+releases.ConfigFile
		}
	}
	if text == "" {
		return minisign.PublicKey{}, false, nil
	}
	// A path the user gave: links are followed, but only a small regular file
	// is read; a named pipe or a device is refused without waiting on it.
	switch b, err := wsfs.ReadFile(text, signing.MaxKeyFileSize); {
	case err == nil:
		text = string(b)
	case errors.Is(err, wsfs.ErrRefused):
		return minisign.PublicKey{}, false, fmt.Errorf("%s: %w", from, err)
	}
	pub, err := signing.ParsePublicKey(text)
	if err != nil {
		return minisign.PublicKey{}, false, usageErrorf("%s: %v", from, err)
	}
	return pub, true, nil
}

// Generator names this tool in generated documents.
func (f *Factory) Generator() string { return "atlas-release " + f.Build.Version }

// CacheEnv turns the decode cache off when set to off, 0, false or no (in
// any case); see cacheEnabled.
const CacheEnv = "ATLAS_RELEASE_CACHE"

// cacheEnabled reads ATLAS_RELEASE_CACHE the way people write a switch: off,
// 0, false and no turn the cache off, on, 1, true, yes or nothing leave it
// on, in any case and with spaces around. Any other value leaves it on too,
// since a cache never changes results, but says so: a typo must not pass for
// "off" unnoticed.
func cacheEnabled(value string) (enabled bool, unknown bool) {
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "off", "0", "false", "no":
		return false, false
	case "", "on", "1", "true", "yes":
		return true, false
	}
	return true, true
}

// decodeCache is where every command's workspace load keeps each file's
// decoded value between runs: <user cache dir>/atlas-release/<build>/, one
// entry per file content. Without an identity of the build, or with
// ATLAS_RELEASE_CACHE off, there is none.
func (f *Factory) decodeCache() releases.DiskCache {
	value := f.Getenv(CacheEnv)
	enabled, unknown := cacheEnabled(value)
	if unknown && !f.cacheWarned && f.IO != nil {
		f.cacheWarned = true
		fmt.Fprintf(f.IO.ErrOut, "%s %s=%q is not a switch (off, 0, false or no turns the cache off; on, 1, true or yes keeps it): the cache stays on\n",
			f.IO.Yellow("warning:"), CacheEnv, value)
	}
	if f.CacheDir == nil || !enabled {
		return releases.DiskCache{}
	}
	tool := toolIdentity()
	dir, err := f.CacheDir()
	if tool == "" || err != nil || dir == "" {
		return releases.DiskCache{}
	}
	sum := sha256.Sum256([]byte(tool))
	return releases.DiskCache{Tool: tool, Store: &fileStore{dir: filepath.Join(dir, hex.EncodeToString(sum[:8]))}}
}

// toolIdentity names the code that decodes: it must change whenever a file
// could decode differently. A build from a clean checkout is named by its
// recorded build settings (revision, Go version, flags); any other build by
// the executable itself (path, size, modification time), so that every
// rebuild of a working tree starts a new cache. Empty means unknown.
func toolIdentity() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		var rev, modified string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if rev != "" && modified == "false" {
			return "build:" + info.String()
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	st, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("exe:%s:%d:%d", exe, st.Size(), st.ModTime().UnixNano())
}

// fileStore keeps cache entries as files named by their key. Every failure
// is a miss: a home that cannot be written only makes loads slower.
type fileStore struct {
	dir     string
	created sync.Once
}

// keptBuilds is how many builds' folders the cache keeps: each rebuild of a
// working tree starts a folder, and the oldest go when a new one is made.
const keptBuilds = 4

func (s *fileStore) Get(key string) []byte {
	f, err := os.Open(filepath.Join(s.dir, key))
	if err != nil {
		return nil
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	b, err := readall.UpTo(f, size, releases.MaxCacheEntry)
	if err != nil || len(b) > releases.MaxCacheEntry {
		return nil
	}
	return b
}

// Put writes the entry under a temporary name and renames it into place, so
// that a reader never sees half an entry.
func (s *fileStore) Put(key string, entry []byte) {
	s.created.Do(s.create)
	tmp, err := os.CreateTemp(s.dir, ".tmp-*")
	if err != nil {
		return
	}
	_, err = tmp.Write(entry)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(s.dir, key))
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
}

// create makes the build's folder and, when it is new, removes the folders of
// all but the keptBuilds most recently used builds (entry writes keep a
// folder's time fresh), so that the cache does not grow with every rebuild.
func (s *fileStore) create() {
	if _, err := os.Stat(s.dir); err == nil || os.MkdirAll(s.dir, 0o700) != nil {
		return
	}
	parent := filepath.Dir(s.dir)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	type build struct {
		name string
		used time.Time
	}
	var builds []build
	for _, e := range entries {
		if _, err := hex.DecodeString(e.Name()); err != nil || len(e.Name()) != 16 || !e.IsDir() || e.Name() == filepath.Base(s.dir) {
			continue // not a build's folder, or this one
		}
		if info, err := e.Info(); err == nil {
			builds = append(builds, build{e.Name(), info.ModTime()})
		}
	}
	slices.SortFunc(builds, func(a, b build) int { return b.used.Compare(a.used) })
	for _, b := range builds[min(len(builds), keptBuilds-1):] {
		_ = os.RemoveAll(filepath.Join(parent, b.name))
	}
}
