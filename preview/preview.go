// Package preview is the live preview of a workspace behind `atlas-release
// serve`: an HTTP handler that shows the calendar, every validation problem,
// and each release's documents as customers will read them, re-validated and
// re-rendered whenever a file of the workspace changes (see Watch). Open pages
// refresh themselves through server-sent events. It only reads the workspace:
// nothing is written into it or into dist/.
package preview

import (
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"time"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// Options configure a Server.
type Options struct {
	// Dir is the workspace's root folder, absolute: editor links point into it.
	Dir string
	// Open opens the workspace folder for reading; it is called on every reload.
	Open func() (fs.FS, error)
	// Generator names the tool in rendered documents.
	Generator string
	// Now is the clock: the calendar's today.
	Now func() time.Time
	// Logf reports reloads and watcher problems; nil discards them.
	Logf func(format string, args ...any)
}

// snapshot is one load of the workspace: what every page renders from until
// the next change.
type snapshot struct {
	gen   uint64
	ws    *releases.Workspace
	diags releases.Diagnostics
	set   *templates.Set
	// err is why the workspace could not be loaded or its templates parsed.
	err error
}

// valid reports whether pages that render documents can: the workspace loaded
// and validates without errors.
func (s *snapshot) valid() bool {
	return s.err == nil && s.diags.Errors() == 0
}

// Server is the live preview.
type Server struct {
	opts Options
	// loader keeps the decoded files between reloads: a save parses only the
	// files it changed.
	loader releases.Loader

	mu      sync.Mutex
	current *snapshot
	// subscribers are the open pages' event streams, told each new generation.
	subscribers map[chan uint64]struct{}
}

// New loads the workspace and returns its preview. A workspace that does not
// validate is previewed too: its problems are the home page.
func New(opts Options) (*Server, error) {
	if opts.Open == nil || opts.Now == nil {
		return nil, errors.New("preview: Open and Now are required")
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	s := &Server{opts: opts, subscribers: map[chan uint64]struct{}{}}
	s.Reload()
	return s, nil
}

// Reload loads the workspace again and tells every open page.
func (s *Server) Reload() {
	snap := s.load()
	s.mu.Lock()
	if s.current != nil {
		snap.gen = s.current.gen + 1
	}
	s.current = snap
	for ch := range s.subscribers {
		// A page that has not taken the last generation yet needs only the newest.
		select {
		case <-ch:
		default:
		}
		ch <- snap.gen
	}
	s.mu.Unlock()
	switch {
	case snap.err != nil:
		s.opts.Logf("reloaded: %v", snap.err)
	default:
		s.opts.Logf("reloaded: %d error%s, %d warning%s", snap.diags.Errors(), plural(snap.diags.Errors()), snap.diags.Warnings(), plural(snap.diags.Warnings()))
	}
}

func (s *Server) load() *snapshot {
	fsys, err := s.opts.Open()
	if err != nil {
		return &snapshot{err: fmt.Errorf("open the workspace: %w", err)}
	}
	ws, err := s.loader.Load(fsys)
	if err != nil {
		return &snapshot{err: fmt.Errorf("load the workspace: %w", err)}
	}
	snap := &snapshot{ws: ws, diags: ws.Validate()}
	if snap.diags.Errors() > 0 {
		return snap
	}
	if snap.set, err = templates.Load(ws.FS); err != nil {
		snap.err = fmt.Errorf("templates: %w", err)
	}
	return snap
}

func (s *Server) snapshot() *snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current
}

// subscribe returns a channel that receives each new generation, and the
// function that closes the subscription.
func (s *Server) subscribe() (<-chan uint64, func()) {
	ch := make(chan uint64, 1)
	s.mu.Lock()
	s.subscribers[ch] = struct{}{}
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		delete(s.subscribers, ch)
		s.mu.Unlock()
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
