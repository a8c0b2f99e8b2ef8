package preview

import (
	"context"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/fsnotify/fsnotify"
)

// WatchOptions tune Watch.
type WatchOptions struct {
	// Poll is how often the workspace is also compared with its last state:
	// the fallback for file systems that send no events (network shares,
	// some container mounts), and for a watcher that failed. Zero means 2s.
	Poll time.Duration
	// Settle is how long events are gathered before one reload, so that an
	// editor's save (write, rename, chmod) reloads once. Zero means 10ms.
	Settle time.Duration
}

// skipped are the folders whose changes never change the preview: the cut's
// output and version control.
var skipped = map[string]bool{"dist": true, ".git": true, "node_modules": true}

// Watch reloads the preview whenever a file of the workspace changes, until
// ctx ends: file-system events through fsnotify, and a comparison of every
// file's size and modification time each Poll as the fallback, which reloads
// only when that state differs from the last one loaded.
func (s *Server) Watch(ctx context.Context, o WatchOptions) {
	if o.Poll <= 0 {
		o.Poll = 2 * time.Second
	}
	if o.Settle <= 0 {
		o.Settle = 10 * time.Millisecond
	}
	last := fingerprint(s.opts.Dir)
	var events <-chan fsnotify.Event
	var errs <-chan error
	w, err := fsnotify.NewWatcher()
	if err != nil {
		s.opts.Logf("file events unavailable (%v); polling every %s", err, o.Poll)
	} else {
		defer w.Close()
		addTree(w, s.opts.Dir, s.opts.Logf)
		events, errs = w.Events, w.Errors
	}
	poll := time.NewTicker(o.Poll)
	defer poll.Stop()
	settle := time.NewTimer(time.Hour)
	settle.Stop()
	check := func() {
		if now := fingerprint(s.opts.Dir); now != last {
			last = now
			s.Reload()
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if ev.Has(fsnotify.Create) && w != nil {
				if st, err := os.Lstat(ev.Name); err == nil && st.IsDir() {
					addTree(w, ev.Name, s.opts.Logf)
				}
			}
			settle.Reset(o.Settle)
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			s.opts.Logf("file events: %v; the poll goes on", err)
		case <-settle.C:
			// An event is news even when size and time look the same (a
			// same-length edit within the file system's time granularity).
			last = fingerprint(s.opts.Dir)
			s.Reload()
		case <-poll.C:
			check()
		}
	}
}

// addTree watches dir and every folder below it but the skipped ones.
func addTree(w *fsnotify.Watcher, dir string, logf func(string, ...any)) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if p != dir && skipped[d.Name()] {
			return filepath.SkipDir
		}
		if err := w.Add(p); err != nil {
			logf("watch %s: %v", p, err)
		}
		return nil
	})
}

// fingerprint sums the path, size and modification time of every file of
// the workspace but the skipped folders: equal sums mean nothing to reload.
func fingerprint(dir string) uint64 {
	h := fnv.New64a()
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p != dir && skipped[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		h.Write([]byte(p))
		h.Write([]byte{0})
		h.Write(strconv.AppendInt(nil, info.Size(), 10))
		h.Write(strconv.AppendInt(nil, info.ModTime().UnixNano(), 10))
		h.Write([]byte{0})
		return nil
	})
	return h.Sum64()
}
