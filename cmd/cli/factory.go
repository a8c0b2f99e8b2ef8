package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"aead.dev/minisign"

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

	// onExit are what must be undone even when Exit cuts a command short, such
	// as a terminal left without echo by a passphrase prompt.
	onExit exitHooks

	root      string
	ws        *releases.Workspace
	validated bool
	tmpl      *templates.Set
}

// NewFactory returns the factory of a real process.
func NewFactory(build BuildInfo) *Factory {
	return &Factory{
		IO:     SystemIO(os.Getenv),
		Getenv: os.Getenv,
		Now:    time.Now,
		Build:  build,
		Exit:   os.Exit,
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
	ws, err := releases.Load(fsys)
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
