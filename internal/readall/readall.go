// Package readall reads a bounded amount of a stream into a buffer sized from
// what the stream says it holds. It is a standard-library-only leaf, so that
// the model, the workspace file system and the command layer read files alike.
package readall

import (
	"io"
	"math"
)

// UpTo reads r to its end, or to limit+1 bytes, whichever comes first. The
// buffer is sized for sizeHint bytes (a file's size from Stat), so that a file
// as long as it says is read with one allocation and no copying, where
// io.ReadAll starts at 512 bytes and copies as it doubles; a longer file grows
// the buffer as io.ReadAll would. The caller refuses a result over limit.
func UpTo(r io.Reader, sizeHint, limit int64) ([]byte, error) {
	// One byte more than the hint: the read that finds the end needs room.
	b := make([]byte, 0, max(min(sizeHint, limit)+1, 512))
	if limit < math.MaxInt64 {
		r = io.LimitReader(r, limit+1)
	}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}
