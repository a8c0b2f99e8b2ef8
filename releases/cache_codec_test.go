package releases

import (
	"errors"
	"math"
	"testing"
)

// integers holds every size of integer the codec stores by size.
type integers struct {
	I8  int8
	I16 int16
	I32 int32
	I64 int64
	I   int
	U8  uint8
	U16 uint16
	U32 uint32
	U64 uint64
	U   uint
	N   codecLevel // a named type takes its underlying kind's codec
}

type codecLevel int16

// TestCodecIntegers round-trips integers of every size at their bounds, and
// refuses a value too large for the type it is read into.
func TestCodecIntegers(t *testing.T) {
	tests := []struct {
		name string
		v    integers
	}{
		{"zero", integers{}},
		{"minima", integers{I8: math.MinInt8, I16: math.MinInt16, I32: math.MinInt32, I64: math.MinInt64, I: math.MinInt}},
		{"maxima", integers{I8: math.MaxInt8, I16: math.MaxInt16, I32: math.MaxInt32, I64: math.MaxInt64, I: math.MaxInt,
			U8: math.MaxUint8, U16: math.MaxUint16, U32: math.MaxUint32, U64: math.MaxUint64, U: math.MaxUint, N: math.MinInt16}},
		{"mixed", integers{I8: -3, I16: 300, I32: -70000, I64: 1 << 40, I: -5, U8: 200, U16: 60000, U32: 1 << 31, U64: 1 << 63, U: 7, N: 12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf, err := encodeValue(nil, &tt.v)
			if err != nil {
				t.Fatal(err)
			}
			var got integers
			d := &codecDecoder{buf: buf}
			if err := decodeValue(d, &got); err != nil || d.off != len(buf) {
				t.Fatalf("decode: %v (read %d of %d bytes)", err, d.off, len(buf))
			}
			if got != tt.v {
				t.Errorf("got %+v, want %+v", got, tt.v)
			}
		})
	}

	overflows := []struct {
		name string
		read func(d *codecDecoder) error
		v    any
	}{
		{"int8", func(d *codecDecoder) error { var x int8; return decodeValue(d, &x) }, int64(math.MaxInt8 + 1)},
		{"int16", func(d *codecDecoder) error { var x int16; return decodeValue(d, &x) }, int64(math.MinInt16 - 1)},
		{"int32", func(d *codecDecoder) error { var x int32; return decodeValue(d, &x) }, int64(math.MaxInt32 + 1)},
		{"uint8", func(d *codecDecoder) error { var x uint8; return decodeValue(d, &x) }, uint64(math.MaxUint8 + 1)},
		{"uint16", func(d *codecDecoder) error { var x uint16; return decodeValue(d, &x) }, uint64(math.MaxUint16 + 1)},
		{"uint32", func(d *codecDecoder) error { var x uint32; return decodeValue(d, &x) }, uint64(math.MaxUint32 + 1)},
	}
	for _, tt := range overflows {
		t.Run("overflow "+tt.name, func(t *testing.T) {
			var buf []byte
			var err error
			switch v := tt.v.(type) {
			case int64:
				buf, err = encodeValue(nil, &v)
			case uint64:
				buf, err = encodeValue(nil, &v)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.read(&codecDecoder{buf: buf}); !errors.Is(err, errCodecBad) {
				t.Errorf("reading %v as %s: %v, want %v", tt.v, tt.name, err, errCodecBad)
			}
		})
	}
}
