package readall

import (
	"bytes"
	"errors"
	"io"
	"math"
	"testing"
	"testing/iotest"
)

// reference is what UpTo replaces: io.ReadAll through a limit of one byte more.
func reference(r io.Reader, limit int64) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, limit+1))
}

func TestUpToReadsWhatReadAllReads(t *testing.T) {
	for _, size := range []int{0, 1, 511, 512, 513, 4096, 100_000} {
		data := bytes.Repeat([]byte("atlas-"), size/6+1)[:size]
		for _, hint := range []int64{-1, 0, 1, int64(size) - 1, int64(size), int64(size) + 1, 1 << 20} {
			for _, limit := range []int64{0, 10, int64(size) - 1, int64(size), int64(size) + 5, math.MaxInt64} {
				if limit < 0 {
					continue
				}
				for name, r := range map[string]func() io.Reader{
					"whole":    func() io.Reader { return bytes.NewReader(data) },
					"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
					"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
					"data+EOF": func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) },
				} {
					got, err := UpTo(r(), hint, limit)
					want, _ := reference(r(), min(limit, math.MaxInt64-1))
					if err != nil || !bytes.Equal(got, want) {
						t.Fatalf("%s size %d hint %d limit %d: got %d bytes, %v; want %d bytes", name, size, hint, limit, len(got), err, len(want))
					}
				}
			}
		}
	}
}

func TestUpToOneAllocationWhenTheHintIsRight(t *testing.T) {
	data := bytes.Repeat([]byte{'x'}, 300_000)
	r := bytes.NewReader(data)
	allocs := testing.AllocsPerRun(20, func() {
		r.Reset(data)
		if b, err := UpTo(r, int64(len(data)), 1<<20); err != nil || len(b) != len(data) {
			t.Fatalf("read %d bytes, %v", len(b), err)
		}
	})
	// The buffer, and the LimitReader that bounds the stream.
	if allocs > 2 {
		t.Errorf("%v allocations reading a file of the size it says; want at most 2", allocs)
	}
}

func TestUpToReportsReadErrors(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(bytes.NewReader([]byte("abc")), iotest.ErrReader(boom))
	b, err := UpTo(r, 3, 100)
	if !errors.Is(err, boom) || string(b) != "abc" {
		t.Fatalf("got %q, %v; want the bytes read and the error", b, err)
	}
}

func FuzzUpTo(f *testing.F) {
	f.Add([]byte("hello"), int64(5), int64(3))
	f.Add([]byte{}, int64(0), int64(0))
	f.Add(make([]byte, 2000), int64(-7), int64(1500))
	f.Fuzz(func(t *testing.T, data []byte, hint, limit int64) {
		if limit < 0 || limit == math.MaxInt64 || hint > 1<<24 {
			return
		}
		got, err := UpTo(iotest.HalfReader(bytes.NewReader(data)), hint, limit)
		want, _ := reference(bytes.NewReader(data), limit)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("hint %d limit %d: got %d bytes, %v; want %d", hint, limit, len(got), err, len(want))
		}
	})
}
