package releases

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io/fs"
	"reflect"
	"slices"
)

// Store keeps the entries of a DiskCache between processes, bytes by key; the
// command layer backs it with files in the user's cache folder. Entries are
// untrusted: the cache checks each before using it.
type Store interface {
	// Get returns the entry stored under key, or nil. The caller owns the
	// slice, and nobody may change it afterwards (decoded strings share it).
	Get(key string) []byte
	// Put stores entry under key. It may fail silently: a cache that cannot
	// be written is a cache that misses.
	Put(key string, entry []byte)
}

// DiskCache lets every process reuse what an earlier one decoded: per file,
// the decoded value and its diagnostics, kept under a key that covers the
// format of entries, the build of the tool, the file's path and its bytes. The
// cross-file checks (Validate) still run every time.
type DiskCache struct {
	// Tool identifies the build of the tool: it must change whenever the code
	// could decode a file differently. Empty means no caching.
	Tool string
	// Store holds the entries; it is used from several goroutines at once.
	Store Store
}

// cacheFormat is the version of the entry format, part of every key and
// entry: a change of the codec or of the entry layout changes it.
const cacheFormat = 1

// cacheMagic starts every entry.
var cacheMagic = []byte("atlas-release decode cache\x00\x01")

// MaxCacheEntry bounds an entry: a file of MaxFileSize decodes to less, and an
// entry larger than this is neither written nor read.
const MaxCacheEntry = 16 << 20

// LoadCached reads the workspace in fsys like Load, taking each file's decoded
// value and diagnostics from dc when an earlier load stored them, and storing
// those it decodes. A missing, corrupt or foreign entry is decoded again: the
// result is always Load's.
func LoadCached(fsys fs.FS, dc DiskCache) (*Workspace, error) {
	if dc.Tool == "" || dc.Store == nil {
		return Load(fsys)
	}
	return load(fsys, &fileCache{disk: &dc, next: map[string]cacheEntry{}})
}

// cacheKey is the key of file's decoded form as a T for these bytes.
func (dc *DiskCache) cacheKey(typ reflect.Type, file string, src []byte) [sha256.Size]byte {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	field := func(b []byte) {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(b)))])
		h.Write(b)
	}
	field([]byte{cacheFormat})
	field([]byte(dc.Tool))
	field([]byte(typ.String()))
	field([]byte(file))
	field(src)
	return [sha256.Size]byte(h.Sum(nil))
}

// get returns the cached decoding of file, or false.
func diskGet[T any](dc *DiskCache, file string, src []byte) (T, Diagnostics, [sha256.Size]byte, bool) {
	var zero T
	key := dc.cacheKey(reflect.TypeFor[T](), file, src)
	entry := dc.Store.Get(hex.EncodeToString(key[:]))
	if entry == nil {
		return zero, nil, key, false
	}
	v, diags, err := decodeEntry[T](entry, key)
	if err != nil {
		return zero, nil, key, false
	}
	return v, diags, key, true
}

// diskPut stores a decoding; a value the codec cannot carry is not stored.
func diskPut[T any](dc *DiskCache, key [sha256.Size]byte, v T, diags Diagnostics) {
	entry, err := encodeEntry(key, v, diags)
	if err != nil || len(entry) > MaxCacheEntry {
		return
	}
	dc.Store.Put(hex.EncodeToString(key[:]), entry)
}

// encodeEntry lays out an entry: the magic, the SHA-256 of the rest, then the
// key it was stored under (so that an entry copied under another name is
// refused), the value and the diagnostics.
func encodeEntry[T any](key [sha256.Size]byte, v T, diags Diagnostics) ([]byte, error) {
	buf := make([]byte, len(cacheMagic)+sha256.Size, 4096)
	copy(buf, cacheMagic)
	buf = append(buf, key[:]...)
	buf, err := encodeValue(buf, &v)
	if err != nil {
		return nil, err
	}
	if buf, err = encodeValue(buf, &diags); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(buf[len(cacheMagic)+sha256.Size:])
	copy(buf[len(cacheMagic):], sum[:])
	return buf, nil
}

// decodeEntry reads an entry made by encodeEntry for key; anything else is an
// error. entry must not change afterwards.
func decodeEntry[T any](entry []byte, key [sha256.Size]byte) (T, Diagnostics, error) {
	var (
		v     T
		diags Diagnostics
	)
	head := len(cacheMagic) + sha256.Size
	if len(entry) > MaxCacheEntry || len(entry) < head+sha256.Size || !bytes.Equal(entry[:len(cacheMagic)], cacheMagic) {
		return v, nil, errCodecBad
	}
	body := entry[head:]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], entry[len(cacheMagic):head]) || !bytes.Equal(body[:sha256.Size], key[:]) {
		return v, nil, errCodecBad
	}
	d := &codecDecoder{buf: body, off: sha256.Size}
	if err := decodeValue(d, &v); err != nil {
		return v, nil, err
	}
	if err := decodeValue(d, &diags); err != nil {
		return v, nil, err
	}
	if d.off != len(body) {
		return v, nil, errCodecBad
	}
	return v, slices.Clip(diags), nil
}
