package releases

import (
	"crypto/sha256"
	"io/fs"
	"slices"
	"sync"
)

// Loader loads a workspace again and again, as the live preview does on every
// save, decoding only the files whose bytes changed since its last load: every
// file is still read (and hashed), but parsing is what a load costs, and a save
// changes one file. What it returns is indistinguishable from Load's: a file's
// decoded value and diagnostics depend on nothing but its path and bytes, and
// nothing changes a loaded manifest or configuration afterwards (Localized
// copies what it translates), so the same bytes can share one value.
//
// It remembers atlas-release.yaml and releases/*.yaml; translations and
// customers.yaml are decoded on every load. The zero Loader is ready to use,
// and its loads may be called from several goroutines (they run one at a time).
type Loader struct {
	mu sync.Mutex
	// files are the files of the last successful load, by path.
	files map[string]cacheEntry
	// decoded and reused count the files of the last load, for tests.
	decoded, reused int
}

// Load reads the workspace in fsys like Load, reusing what the previous load
// decoded from the same bytes.
func (l *Loader) Load(fsys fs.FS) (*Workspace, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := &fileCache{prev: l.files, next: map[string]cacheEntry{}}
	ws, err := load(fsys, c)
	l.decoded, l.reused = c.decoded, c.reused
	if err == nil {
		// Only the files of this load stay: a deleted file is forgotten.
		l.files = c.next
	}
	return ws, err
}

// fileCache is one load's view of a Loader: what the last load decoded, and
// what this one has.
type fileCache struct {
	prev map[string]cacheEntry // read only during the load
	disk *DiskCache            // entries kept by earlier processes, or nil

	mu              sync.Mutex // manifests are decoded in parallel
	next            map[string]cacheEntry
	decoded, reused int
}

// cacheEntry is a file's decoded value and its diagnostics, and the SHA-256 of
// the bytes they came from.
type cacheEntry struct {
	sum   [sha256.Size]byte
	value any
	diags Diagnostics
}

// cached returns decode(file, src), or, when c decoded the same bytes of the
// same file before, that value again. The value must never be changed by
// anyone: a Loader hands it to every later load of the same bytes.
func cached[T any](c *fileCache, file string, src []byte, decode func(file string, src []byte) (T, Diagnostics)) (T, Diagnostics) {
	if c == nil {
		return decode(file, src)
	}
	sum := sha256.Sum256(src)
	if e, ok := c.prev[file]; ok && e.sum == sum {
		if v, ok := e.value.(T); ok {
			c.mu.Lock()
			c.next[file] = e
			c.reused++
			c.mu.Unlock()
			return v, e.diags
		}
	}
	var key [sha256.Size]byte
	if c.disk != nil {
		v, diags, k, ok := diskGet[T](c.disk, file, src)
		if ok {
			c.mu.Lock()
			c.next[file] = cacheEntry{sum: sum, value: v, diags: diags}
			c.reused++
			c.mu.Unlock()
			return v, diags
		}
		key = k
	}
	v, diags := decode(file, src)
	// Clipped, so that a caller's append never writes into the shared array.
	diags = slices.Clip(diags)
	if c.disk != nil {
		diskPut(c.disk, key, v, diags)
	}
	c.mu.Lock()
	c.next[file] = cacheEntry{sum: sum, value: v, diags: diags}
	c.decoded++
	c.mu.Unlock()
	return v, diags
}
