package releases

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sync"
	"unsafe"
)

// The codec below writes any value of the model, hidden fields included, as
// bytes and reads it back, so that a decoded file can be kept between
// processes. It walks the types by reflection, every field in declaration
// order, exported or not: a field the model gains is carried without a line
// here, and a type change changes the build, which changes the cache key (see
// DiskCache.Tool). A type that implements encoding.BinaryMarshaler and
// BinaryUnmarshaler (time.Time, inside Date) is written the way it says.
// Interfaces, functions and channels are refused: a value holding one is
// simply not cached.
//
// The bytes it reads are untrusted (a cache entry anyone may have written):
// every length is checked against what is left, nesting is bounded, and any
// inconsistency is an error, never a panic.

// maxCodecDepth bounds the nesting of pointers, slices and maps, so that a
// cyclic value fails to encode and a hostile entry cannot exhaust the stack.
const maxCodecDepth = 200

var (
	errCodecShort = errors.New("cache entry is truncated")
	errCodecDepth = errors.New("cache entry nests too deeply")
	errCodecBad   = errors.New("cache entry is malformed")

	binaryMarshaler   = reflect.TypeFor[encoding.BinaryMarshaler]()
	binaryUnmarshaler = reflect.TypeFor[encoding.BinaryUnmarshaler]()
)

// codec writes and reads values of one type, given the address of one:
// addresses rather than reflect.Values, because a field, exported or not, is
// then just an offset, and a scalar a load or a store.
type codec struct {
	enc func(e *encoder, p unsafe.Pointer) error
	dec func(d *codecDecoder, p unsafe.Pointer) error
}

// value is the value of type t at p, settable whether or not it was reached
// through unexported fields.
func value(t reflect.Type, p unsafe.Pointer) reflect.Value { return reflect.NewAt(t, p).Elem() }

var codecs struct {
	sync.Mutex
	m map[reflect.Type]*codec
}

// codecFor returns the codec of t, or an error naming what cannot be cached.
func codecFor(t reflect.Type) (*codec, error) {
	codecs.Lock()
	defer codecs.Unlock()
	if codecs.m == nil {
		codecs.m = map[reflect.Type]*codec{}
	}
	return compileCodec(t)
}

// compileCodec builds the codec of t; codecs is locked. A recursive type finds
// its own codec in the map while it is being built, filled in before use.
func compileCodec(t reflect.Type) (*codec, error) {
	if c, ok := codecs.m[t]; ok {
		return c, nil
	}
	c := &codec{}
	codecs.m[t] = c
	built, err := buildCodec(t)
	if err != nil {
		delete(codecs.m, t)
		return nil, err
	}
	*c = *built
	return c, nil
}

func buildCodec(t reflect.Type) (*codec, error) {
	if t.Kind() == reflect.Struct && t.Implements(binaryMarshaler) && reflect.PointerTo(t).Implements(binaryUnmarshaler) {
		return &codec{
			enc: func(e *encoder, p unsafe.Pointer) error {
				b, err := value(t, p).Interface().(encoding.BinaryMarshaler).MarshalBinary()
				if err != nil {
					return err
				}
				e.bytes(b)
				return nil
			},
			dec: func(d *codecDecoder, p unsafe.Pointer) error {
				b, err := d.bytes()
				if err != nil {
					return err
				}
				return reflect.NewAt(t, p).Interface().(encoding.BinaryUnmarshaler).UnmarshalBinary(b)
			},
		}, nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return &codec{
			enc: func(e *encoder, p unsafe.Pointer) error {
				e.buf = append(e.buf, boolByte(*(*bool)(p)))
				return nil
			},
			dec: func(d *codecDecoder, p unsafe.Pointer) error {
				b, err := d.byte()
				if err != nil || b > 1 {
					return cmpErr(err, errCodecBad)
				}
				*(*bool)(p) = b == 1
				return nil
			},
		}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		// Loads and stores by size rather than through reflect.Value: a
		// manifest holds thousands of integers (every position).
		bits := uint(t.Bits())
		return &codec{
			enc: func(e *encoder, p unsafe.Pointer) error {
				e.buf = binary.AppendVarint(e.buf, loadInt(p, bits))
				return nil
			},
			dec: func(d *codecDecoder, p unsafe.Pointer) error {
				n, err := d.varint()
				if err != nil || bits < 64 && (n < -1<<(bits-1) || n >= 1<<(bits-1)) {
					return cmpErr(err, errCodecBad)
				}
				storeInt(p, bits, n)
				return nil
			},
		}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		bits := uint(t.Bits())
		return &codec{
			enc: func(e *encoder, p unsafe.Pointer) error {
				e.buf = binary.AppendUvarint(e.buf, loadUint(p, bits))
				return nil
			},
			dec: func(d *codecDecoder, p unsafe.Pointer) error {
				n, err := d.uvarint()
				if err != nil || bits < 64 && n >= 1<<bits {
					return cmpErr(err, errCodecBad)
				}
				storeUint(p, bits, n)
				return nil
			},
		}, nil
	case reflect.Float32, reflect.Float64:
		return &codec{
			enc: func(e *encoder, p unsafe.Pointer) error {
				e.buf = binary.AppendUvarint(e.buf, math.Float64bits(value(t, p).Float()))
				return nil
			},
			dec: func(d *codecDecoder, p unsafe.Pointer) error {
				n, err := d.uvarint()
				if err != nil {
					return err
				}
				f := math.Float64frombits(n)
				v := value(t, p)
				if v.OverflowFloat(f) {
					return errCodecBad
				}
				v.SetFloat(f)
				return nil
			},
		}, nil
	case reflect.String:
		return &codec{
			enc: func(e *encoder, p unsafe.Pointer) error {
				e.str(*(*string)(p))
				return nil
			},
			dec: func(d *codecDecoder, p unsafe.Pointer) error {
				b, err := d.bytes()
				if err != nil {
					return err
				}
				*(*string)(p) = d.string(b)
				return nil
			},
		}, nil
	case reflect.Pointer:
		return pointerCodec(t)
	case reflect.Slice:
		return sliceCodec(t)
	case reflect.Array:
		elem, err := compileCodec(t.Elem())
		if err != nil {
			return nil, err
		}
		return &codec{
			enc: func(e *encoder, p unsafe.Pointer) error {
				for i := range t.Len() {
					if err := elem.enc(e, unsafe.Add(p, uintptr(i)*t.Elem().Size())); err != nil {
						return err
					}
				}
				return nil
			},
			dec: func(d *codecDecoder, p unsafe.Pointer) error {
				for i := range t.Len() {
					if err := elem.dec(d, unsafe.Add(p, uintptr(i)*t.Elem().Size())); err != nil {
						return err
					}
				}
				return nil
			},
		}, nil
	case reflect.Map:
		return mapCodec(t)
	case reflect.Struct:
		return structCodec(t)
	}
	return nil, fmt.Errorf("%s cannot be cached (a %s)", t, t.Kind())
}

func pointerCodec(t reflect.Type) (*codec, error) {
	elem, err := compileCodec(t.Elem())
	if err != nil {
		return nil, err
	}
	return &codec{
		enc: func(e *encoder, p unsafe.Pointer) error {
			elemAt := *(*unsafe.Pointer)(p)
			if elemAt == nil {
				e.buf = append(e.buf, 0)
				return nil
			}
			e.buf = append(e.buf, 1)
			if e.depth++; e.depth > maxCodecDepth {
				return errCodecDepth
			}
			err := elem.enc(e, elemAt)
			e.depth--
			return err
		},
		dec: func(d *codecDecoder, p unsafe.Pointer) error {
			b, err := d.byte()
			if err != nil || b > 1 {
				return cmpErr(err, errCodecBad)
			}
			if b == 0 {
				*(*unsafe.Pointer)(p) = nil
				return nil
			}
			if d.depth++; d.depth > maxCodecDepth {
				return errCodecDepth
			}
			np := reflect.New(t.Elem()).UnsafePointer()
			if err := elem.dec(d, np); err != nil {
				return err
			}
			d.depth--
			*(*unsafe.Pointer)(p) = np
			return nil
		},
	}, nil
}

// sliceCodec writes a slice's length plus one (zero is nil, which the model
// tells apart from empty), then its elements.
func sliceCodec(t reflect.Type) (*codec, error) {
	if t.Elem().Kind() == reflect.Uint8 {
		return &codec{
			enc: func(e *encoder, p unsafe.Pointer) error {
				b := *(*[]byte)(p)
				if b == nil {
					e.buf = append(e.buf, 0)
					return nil
				}
				e.buf = binary.AppendUvarint(e.buf, uint64(len(b))+1)
				e.buf = append(e.buf, b...)
				return nil
			},
			dec: func(d *codecDecoder, p unsafe.Pointer) error {
				n, err := d.length()
				if err != nil || n < 0 {
					return err
				}
				b := make([]byte, n)
				copy(b, d.buf[d.off:d.off+n])
				d.off += n
				*(*[]byte)(p) = b
				return nil
			},
		}, nil
	}
	elem, err := compileCodec(t.Elem())
	if err != nil {
		return nil, err
	}
	size := t.Elem().Size()
	return &codec{
		enc: func(e *encoder, p unsafe.Pointer) error {
			v := value(t, p)
			if v.IsNil() {
				e.buf = append(e.buf, 0)
				return nil
			}
			e.buf = binary.AppendUvarint(e.buf, uint64(v.Len())+1)
			if e.depth++; e.depth > maxCodecDepth {
				return errCodecDepth
			}
			base := v.UnsafePointer()
			for i := range v.Len() {
				if err := elem.enc(e, unsafe.Add(base, uintptr(i)*size)); err != nil {
					return err
				}
			}
			e.depth--
			return nil
		},
		dec: func(d *codecDecoder, p unsafe.Pointer) error {
			n, err := d.length()
			if err != nil || n < 0 {
				return err
			}
			if d.depth++; d.depth > maxCodecDepth {
				return errCodecDepth
			}
			s := reflect.MakeSlice(t, n, n)
			base := s.UnsafePointer()
			for i := range n {
				if err := elem.dec(d, unsafe.Add(base, uintptr(i)*size)); err != nil {
					return err
				}
			}
			d.depth--
			// The slice's header written in place: reflect.Value.Set would
			// check and copy it as a value of t.
			*(*sliceHeader)(p) = sliceHeader{base, n, n}
			return nil
		},
	}, nil
}

// sliceHeader is how a slice is laid out in memory.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

func mapCodec(t reflect.Type) (*codec, error) {
	key, err := compileCodec(t.Key())
	if err != nil {
		return nil, err
	}
	elem, err := compileCodec(t.Elem())
	if err != nil {
		return nil, err
	}
	return &codec{
		enc: func(e *encoder, p unsafe.Pointer) error {
			v := value(t, p)
			if v.IsNil() {
				e.buf = append(e.buf, 0)
				return nil
			}
			e.buf = binary.AppendUvarint(e.buf, uint64(v.Len())+1)
			if e.depth++; e.depth > maxCodecDepth {
				return errCodecDepth
			}
			// Map order does not matter: the entry is read back into a map.
			k, x := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
			for it := v.MapRange(); it.Next(); {
				k.Set(it.Key())
				x.Set(it.Value())
				if err := key.enc(e, k.Addr().UnsafePointer()); err != nil {
					return err
				}
				if err := elem.enc(e, x.Addr().UnsafePointer()); err != nil {
					return err
				}
			}
			e.depth--
			return nil
		},
		dec: func(d *codecDecoder, p unsafe.Pointer) error {
			n, err := d.length()
			if err != nil || n < 0 {
				return err
			}
			if d.depth++; d.depth > maxCodecDepth {
				return errCodecDepth
			}
			m := reflect.MakeMapWithSize(t, n)
			for range n {
				k, x := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
				if err := key.dec(d, k.Addr().UnsafePointer()); err != nil {
					return err
				}
				if err := elem.dec(d, x.Addr().UnsafePointer()); err != nil {
					return err
				}
				m.SetMapIndex(k, x)
			}
			d.depth--
			value(t, p).Set(m)
			return nil
		},
	}, nil
}

// structCodec writes every field, the unexported ones too: they hold what a
// decoded file owes its positions (Loc) and its identity (Manifest.file).
func structCodec(t reflect.Type) (*codec, error) {
	type fieldCodec struct {
		offset uintptr
		c      *codec
	}
	fields := make([]fieldCodec, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Type.Size() == 0 {
			continue
		}
		c, err := compileCodec(f.Type)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t, f.Name, err)
		}
		fields = append(fields, fieldCodec{f.Offset, c})
	}
	return &codec{
		enc: func(e *encoder, p unsafe.Pointer) error {
			for _, f := range fields {
				if err := f.c.enc(e, unsafe.Add(p, f.offset)); err != nil {
					return err
				}
			}
			return nil
		},
		dec: func(d *codecDecoder, p unsafe.Pointer) error {
			for _, f := range fields {
				if err := f.c.dec(d, unsafe.Add(p, f.offset)); err != nil {
					return err
				}
			}
			return nil
		},
	}, nil
}

// loadInt reads the signed integer of the given size at p.
func loadInt(p unsafe.Pointer, bits uint) int64 {
	switch bits {
	case 8:
		return int64(*(*int8)(p))
	case 16:
		return int64(*(*int16)(p))
	case 32:
		return int64(*(*int32)(p))
	}
	return *(*int64)(p)
}

// storeInt writes n, which fits, as a signed integer of the given size at p.
func storeInt(p unsafe.Pointer, bits uint, n int64) {
	switch bits {
	case 8:
		*(*int8)(p) = int8(n)
	case 16:
		*(*int16)(p) = int16(n)
	case 32:
		*(*int32)(p) = int32(n)
	default:
		*(*int64)(p) = n
	}
}

// loadUint reads the unsigned integer of the given size at p.
func loadUint(p unsafe.Pointer, bits uint) uint64 {
	switch bits {
	case 8:
		return uint64(*(*uint8)(p))
	case 16:
		return uint64(*(*uint16)(p))
	case 32:
		return uint64(*(*uint32)(p))
	}
	return *(*uint64)(p)
}

// storeUint writes n, which fits, as an unsigned integer of the given size at p.
func storeUint(p unsafe.Pointer, bits uint, n uint64) {
	switch bits {
	case 8:
		*(*uint8)(p) = uint8(n)
	case 16:
		*(*uint16)(p) = uint16(n)
	case 32:
		*(*uint32)(p) = uint32(n)
	default:
		*(*uint64)(p) = n
	}
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// cmpErr is err, or bad when err is nil (a value read but out of range).
func cmpErr(err, bad error) error {
	if err != nil {
		return err
	}
	return bad
}

type encoder struct {
	buf   []byte
	depth int
}

func (e *encoder) str(s string) {
	e.buf = binary.AppendUvarint(e.buf, uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *encoder) bytes(b []byte) {
	e.buf = binary.AppendUvarint(e.buf, uint64(len(b)))
	e.buf = append(e.buf, b...)
}

// codecDecoder reads an entry. Strings are views of buf, which the decoder
// owns and nobody changes afterwards: one allocation per entry, not per string.
type codecDecoder struct {
	buf   []byte
	off   int
	depth int
}

func (d *codecDecoder) byte() (byte, error) {
	if d.off >= len(d.buf) {
		return 0, errCodecShort
	}
	b := d.buf[d.off]
	d.off++
	return b, nil
}

func (d *codecDecoder) uvarint() (uint64, error) {
	n, k := binary.Uvarint(d.buf[d.off:])
	if k <= 0 {
		return 0, errCodecShort
	}
	d.off += k
	return n, nil
}

func (d *codecDecoder) varint() (int64, error) {
	n, k := binary.Varint(d.buf[d.off:])
	if k <= 0 {
		return 0, errCodecShort
	}
	d.off += k
	return n, nil
}

// length reads a slice or map length written plus one: -1 is nil. A length
// is never more than the bytes left, so that a hostile entry cannot make the
// decoder allocate more than the entry's own size.
func (d *codecDecoder) length() (int, error) {
	n, err := d.uvarint()
	if err != nil {
		return 0, err
	}
	if n > uint64(len(d.buf)-d.off)+1 {
		return 0, errCodecShort
	}
	return int(n) - 1, nil
}

func (d *codecDecoder) bytes() ([]byte, error) {
	n, err := d.uvarint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(d.buf)-d.off) {
		return nil, errCodecShort
	}
	b := d.buf[d.off : d.off+int(n)]
	d.off += int(n)
	return b, nil
}

func (d *codecDecoder) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// encodeValue appends the encoding of *p to buf.
func encodeValue[T any](buf []byte, p *T) ([]byte, error) {
	c, err := codecFor(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	e := &encoder{buf: buf}
	if err := c.enc(e, unsafe.Pointer(p)); err != nil {
		return nil, err
	}
	return e.buf, nil
}

// decodeValue reads a T from d.
func decodeValue[T any](d *codecDecoder, p *T) (err error) {
	c, err := codecFor(reflect.TypeFor[T]())
	if err != nil {
		return err
	}
	// The checks above should leave nothing to panic about; should one be
	// missed, a bad entry is still a cache miss, not a crash.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errCodecBad, r)
		}
	}()
	return c.dec(d, unsafe.Pointer(p))
}
