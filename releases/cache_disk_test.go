package releases

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

// memStore is a Store in memory; gets and puts count what a load did.
type memStore struct {
	mu         sync.Mutex
	entries    map[string][]byte
	gets, puts int
}

func newMemStore() *memStore { return &memStore{entries: map[string][]byte{}} }

func (s *memStore) Get(key string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gets++
	if e, ok := s.entries[key]; ok {
		return bytes.Clone(e)
	}
	return nil
}

func (s *memStore) Put(key string, entry []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.puts++
	s.entries[key] = bytes.Clone(entry)
}

// loadTwice loads fsys without a cache, then twice through dc, and returns
// the three workspaces and how many files the warm load took from the cache.
func loadTwice(t *testing.T, fsys fstest.MapFS, dc DiskCache) (plain, cold, warm *Workspace, reused int) {
	t.Helper()
	plain = mustLoad(t, fsys)
	c := &fileCache{disk: &dc, next: map[string]cacheEntry{}}
	cold, err := load(fsys, c)
	if err != nil {
		t.Fatal(err)
	}
	c = &fileCache{disk: &dc, next: map[string]cacheEntry{}}
	if warm, err = load(fsys, c); err != nil {
		t.Fatal(err)
	}
	return plain, cold, warm, c.reused
}

// TestDiskCacheRoundTrip loads the example and every case of the invalid
// corpus with a cold and a warm cache: the warm load must take every file from
// the cache and give the very same workspace (hidden fields and every Loc
// position included, compared by reflect.DeepEqual) and the same diagnostics
// from loading and from validating.
func TestDiskCacheRoundTrip(t *testing.T) {
	inputs := map[string]fstest.MapFS{"example": exampleFS(t)}
	for _, c := range readCorpus(t) {
		fsys := exampleFS(t)
		fsys[c.placedAt] = &fstest.MapFile{Data: mustRead(t, path.Join("testdata/invalid", c.file)), Mode: 0o644}
		inputs[c.file] = fsys
	}
	for name, fsys := range inputs {
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			store := newMemStore()
			plain, cold, warm, reused := loadTwice(t, fsys, DiskCache{Tool: "test", Store: store})
			if store.puts == 0 || reused == 0 {
				t.Fatalf("the cache was not used: %d puts, %d files reused", store.puts, reused)
			}
			for _, ws := range []*Workspace{cold, warm} {
				if !reflect.DeepEqual(plain, ws) {
					t.Fatalf("a cached load differs from Load:\n got %#v\nwant %#v", ws, plain)
				}
				if got, want := diagLines(ws.Validate()), diagLines(plain.Validate()); got != want {
					t.Fatalf("validation differs:\n got %s\nwant %s", got, want)
				}
			}
			for _, d := range warm.Diagnostics {
				if d.Line == 0 && d.Col == 0 && d.File != "" && plainHasPos(plain, d) {
					t.Fatalf("position lost: %+v", d)
				}
			}
		})
	}
}

func plainHasPos(ws *Workspace, d Diagnostic) bool {
	return slices.ContainsFunc(ws.Diagnostics, func(p Diagnostic) bool { return p.Code == d.Code && p.Line > 0 })
}

// TestDiskCacheKeepsHiddenFields guards what reflect.DeepEqual checks above
// with the accessors the commands use.
func TestDiskCacheKeepsHiddenFields(t *testing.T) {
	_, _, warm, _ := loadTwice(t, exampleFS(t), DiskCache{Tool: "test", Store: newMemStore()})
	for _, m := range warm.Manifests {
		if m.File() != path.Join(ReleasesDir, m.Version+".yaml") || m.SemVer() == nil || m.SemVer().String() != m.Version {
			t.Errorf("manifest %s lost its identity: file %q, version %v", m.Version, m.File(), m.SemVer())
		}
		if m.Pos().Line < 1 || m.PosOf("steps") == m.Pos() || len(m.Steps) == 0 || m.Steps[0].Pos().Line < 2 {
			t.Errorf("manifest %s lost its positions", m.Version)
		}
		if m.ReleaseDate.IsZero() {
			t.Errorf("manifest %s lost its release date", m.Version)
		}
	}
}

// TestDiskCacheRefusesBadEntries puts every kind of bad entry where a load
// looks for it: each must be a miss that decodes the file again, with the
// same result.
func TestDiskCacheRefusesBadEntries(t *testing.T) {
	fsys := exampleFS(t)
	good := newMemStore()
	plain, _, _, _ := loadTwice(t, fsys, DiskCache{Tool: "test", Store: good})
	// other is an entry stored under another key than key.
	other := func(key string) []byte {
		for k, e := range good.entries {
			if k != key {
				return bytes.Clone(e)
			}
		}
		t.Fatal("one entry only")
		return nil
	}
	corrupt := func(f func(key string, e []byte) []byte) map[string][]byte {
		m := map[string][]byte{}
		for k, e := range good.entries {
			m[k] = f(k, bytes.Clone(e))
		}
		return m
	}
	head := len(cacheMagic) + sha256.Size
	tests := []struct {
		name    string
		entries map[string][]byte
	}{
		{"empty", corrupt(func(string, []byte) []byte { return []byte{} })},
		{"truncated", corrupt(func(_ string, e []byte) []byte { return e[:len(e)/2] })},
		{"one bit flipped", corrupt(func(_ string, e []byte) []byte { e[len(e)-3] ^= 4; return e })},
		{"wrong magic", corrupt(func(_ string, e []byte) []byte { e[0] = 'X'; return e })},
		{"another file's entry", corrupt(func(k string, _ []byte) []byte { return other(k) })},
		{"trailing bytes, digest fixed", corrupt(func(_ string, e []byte) []byte {
			e = append(e, 0)
			sum := sha256.Sum256(e[head:])
			copy(e[len(cacheMagic):], sum[:])
			return e
		})},
		{"huge length, digest fixed", corrupt(func(_ string, e []byte) []byte {
			e = append(e[:head+sha256.Size], 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)
			sum := sha256.Sum256(e[head:])
			copy(e[len(cacheMagic):], sum[:])
			return e
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &memStore{entries: tt.entries}
			c := &fileCache{disk: &DiskCache{Tool: "test", Store: store}, next: map[string]cacheEntry{}}
			ws, err := load(fsys, c)
			if err != nil {
				t.Fatal(err)
			}
			if c.reused != 0 {
				t.Errorf("%d bad entries were used", c.reused)
			}
			if !reflect.DeepEqual(plain, ws) {
				t.Errorf("a load with bad entries differs from Load")
			}
		})
	}
}

// TestDiskCacheKey: the key covers the tool, the path and the bytes.
func TestDiskCacheKey(t *testing.T) {
	typ := reflect.TypeFor[*Manifest]()
	a := DiskCache{Tool: "a"}
	base := a.cacheKey(typ, "releases/4.3.0.yaml", []byte("x"))
	for name, k := range map[string][sha256.Size]byte{
		"tool": (&DiskCache{Tool: "b"}).cacheKey(typ, "releases/4.3.0.yaml", []byte("x")),
		"path": a.cacheKey(typ, "releases/4.3.1.yaml", []byte("x")),
		"src":  a.cacheKey(typ, "releases/4.3.0.yaml", []byte("y")),
		"type": a.cacheKey(reflect.TypeFor[*Config](), "releases/4.3.0.yaml", []byte("x")),
	} {
		if k == base {
			t.Errorf("the key does not change with the %s", name)
		}
	}
}

// TestLoadCachedWithoutTool: no identity of the tool, no cache.
func TestLoadCachedWithoutTool(t *testing.T) {
	store := newMemStore()
	if _, err := LoadCached(exampleFS(t), DiskCache{Store: store}); err != nil {
		t.Fatal(err)
	}
	if store.gets+store.puts != 0 {
		t.Errorf("a cache without a tool identity was used: %d gets, %d puts", store.gets, store.puts)
	}
}

// FuzzCacheEntry feeds the entry decoder arbitrary bytes: it must never
// panic, and whatever it accepts must encode back to the same entry.
func FuzzCacheEntry(f *testing.F) {
	store := newMemStore()
	if _, err := LoadCached(exampleFS(f), DiskCache{Tool: "fuzz", Store: store}); err != nil {
		f.Fatal(err)
	}
	for _, e := range store.entries {
		f.Add(e)
		f.Add(e[len(cacheMagic)+sha256.Size:])
	}
	if data, err := os.ReadFile("testdata/invalid/01-empty.yaml"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Past the digest check, so that the fuzzer reaches the codec: the
		// digest is recomputed over whatever body it made up.
		head := len(cacheMagic) + sha256.Size
		if len(data) < sha256.Size {
			return
		}
		entry := append(append(bytes.Clone(cacheMagic), make([]byte, sha256.Size)...), data...)
		sum := sha256.Sum256(entry[head:])
		copy(entry[len(cacheMagic):], sum[:])
		key := [sha256.Size]byte(data[:sha256.Size])
		m, diags, err := decodeEntry[*Manifest](entry, key)
		if err != nil {
			return
		}
		again, err := encodeEntry(key, m, diags)
		if err != nil {
			t.Fatalf("an accepted entry does not encode: %v", err)
		}
		if _, _, err := decodeEntry[*Manifest](again, key); err != nil {
			t.Fatalf("a re-encoded entry does not decode: %v", err)
		}
		_, _, _ = decodeEntry[*Config](entry, key)
	})
}
