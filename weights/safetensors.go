package weights

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"

	"gorgonia.org/tensor"
)

// MaxHeaderSize is the largest safetensors header accepted, in bytes: the
// limit of the reference implementation.
const MaxHeaderSize = 100 << 20

// entry is one tensor's record in a safetensors header.
type entry struct {
	Dtype       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// LoadSafetensors reads the safetensors file at path. See ReadSafetensors.
func LoadSafetensors(path string) (map[string]*tensor.Dense, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ts, err := ReadSafetensors(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ts, nil
}

// ReadSafetensors reads a whole safetensors stream and returns its tensors
// by name, each a new row-major tensor that owns its data. The optional
// __metadata__ entry must map strings to strings and is not returned.
//
// The stream is rejected, with an error naming the tensor and the values at
// fault, when the header is too large, is not a JSON object, repeats a name
// or has fields other than dtype, shape and data_offsets; when a dtype is
// unknown or unsupported; when a tensor's byte range lies outside the data,
// is reversed, or does not hold exactly its shape's elements; and when the
// ranges overlap or leave bytes of the data unused.
func ReadSafetensors(r io.Reader) (map[string]*tensor.Dense, error) {
	var size [8]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		return nil, fmt.Errorf("safetensors: reading the header size: %w", err)
	}
	n := binary.LittleEndian.Uint64(size[:])
	if n > MaxHeaderSize {
		return nil, fmt.Errorf("safetensors: header size %d exceeds the limit of %d bytes", n, MaxHeaderSize)
	}
	header := make([]byte, n)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, fmt.Errorf("safetensors: reading the %d-byte header: %w", n, err)
	}
	entries, err := parseHeader(header)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("safetensors: reading the data: %w", err)
	}
	names, err := checkLayout(entries, int64(len(data)))
	if err != nil {
		return nil, err
	}
	out := make(map[string]*tensor.Dense, len(entries))
	for _, name := range names {
		e := entries[name]
		t, err := decode(e.Dtype, e.Shape, data[e.DataOffsets[0]:e.DataOffsets[1]])
		if err != nil {
			return nil, fmt.Errorf("safetensors: tensor %q: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// parseHeader decodes the JSON header, rejecting repeated names and unknown
// fields, which a plain map decoding would let through.
func parseHeader(header []byte) (map[string]entry, error) {
	dec := json.NewDecoder(bytes.NewReader(header))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("safetensors: the header must be a JSON object (got %.40q)", header)
	}
	entries := make(map[string]entry)
	seenMetadata := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("safetensors: malformed header: %w", err)
		}
		name := tok.(string) // object keys are always strings
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("safetensors: malformed header entry %q: %w", name, err)
		}
		if _, dup := entries[name]; dup || (name == "__metadata__" && seenMetadata) {
			return nil, fmt.Errorf("safetensors: the header names %q twice", name)
		}
		if name == "__metadata__" {
			var m map[string]string
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, fmt.Errorf("safetensors: __metadata__ must map strings to strings: %w", err)
			}
			seenMetadata = true
			continue
		}
		var e entry
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		if err := d.Decode(&e); err != nil {
			return nil, fmt.Errorf("safetensors: tensor %q: bad header entry %s: %w", name, raw, err)
		}
		entries[name] = e
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("safetensors: malformed header: %w", err)
	}
	// The header may be padded with spaces after the object, nothing else.
	if rest := bytes.TrimRight(header[dec.InputOffset():], " "); len(rest) != 0 {
		return nil, fmt.Errorf("safetensors: unexpected bytes after the header object: %.40q", rest)
	}
	return entries, nil
}

// checkLayout validates every entry against the data size and returns the
// names in the order of their data.
func checkLayout(entries map[string]entry, dataLen int64) ([]string, error) {
	names := make([]string, 0, len(entries))
	for name, e := range entries {
		size, ok := dtypeSize[e.Dtype]
		if !ok {
			return nil, fmt.Errorf("safetensors: tensor %q has unknown dtype %q", name, e.Dtype)
		}
		if size == 0 {
			return nil, fmt.Errorf("safetensors: tensor %q has dtype %q, which this reader does not support", name, e.Dtype)
		}
		count := int64(1)
		for _, d := range e.Shape {
			if d < 0 {
				return nil, fmt.Errorf("safetensors: tensor %q has a negative dimension in shape %v", name, e.Shape)
			}
			if d != 0 && count > math.MaxInt64/int64(d)/int64(size) {
				return nil, fmt.Errorf("safetensors: tensor %q: shape %v is too large", name, e.Shape)
			}
			count *= int64(d)
		}
		begin, end := e.DataOffsets[0], e.DataOffsets[1]
		if begin < 0 || end < begin || end > dataLen {
			return nil, fmt.Errorf("safetensors: tensor %q has data_offsets [%d, %d] outside the %d bytes of data", name, begin, end, dataLen)
		}
		if want := count * int64(size); end-begin != want {
			return nil, fmt.Errorf("safetensors: tensor %q of dtype %s and shape %v needs %d bytes, its data_offsets [%d, %d] hold %d",
				name, e.Dtype, e.Shape, want, begin, end, end-begin)
		}
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := entries[names[i]].DataOffsets, entries[names[j]].DataOffsets
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		return a[1] < b[1]
	})
	var next int64
	for i, name := range names {
		o := entries[name].DataOffsets
		if o[0] < next {
			return nil, fmt.Errorf("safetensors: tensor %q's data_offsets [%d, %d] overlap tensor %q's, which end at %d", name, o[0], o[1], names[i-1], next)
		}
		if o[0] > next {
			return nil, fmt.Errorf("safetensors: bytes [%d, %d) of the data belong to no tensor", next, o[0])
		}
		next = o[1]
	}
	if next != dataLen {
		return nil, fmt.Errorf("safetensors: bytes [%d, %d) of the data belong to no tensor", next, dataLen)
	}
	return names, nil
}

// dtypeSize gives the element size of every dtype the format defines; 0
// marks the ones this reader does not convert.
var dtypeSize = map[string]int{
	"F64": 8, "F32": 4, "F16": 2, "BF16": 2,
	"I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
	"U64": 0, "U32": 0, "U16": 0, "F8_E4M3": 0, "F8_E5M2": 0,
}

var errEmpty = errors.New("gorgonia.org/tensor cannot hold a tensor with an empty dimension")

// decode converts little-endian bytes of the named dtype into a tensor.
func decode(dtype string, shape []int, b []byte) (*tensor.Dense, error) {
	le := binary.LittleEndian
	var backing any
	switch dtype {
	case "F64":
		backing = convert(b, 8, func(p []byte) float64 { return math.Float64frombits(le.Uint64(p)) })
	case "F32":
		backing = convert(b, 4, func(p []byte) float32 { return math.Float32frombits(le.Uint32(p)) })
	case "F16":
		backing = convert(b, 2, func(p []byte) float32 { return halfToFloat32(le.Uint16(p)) })
	case "BF16":
		backing = convert(b, 2, func(p []byte) float32 { return math.Float32frombits(uint32(le.Uint16(p)) << 16) })
	case "I64":
		backing = convert(b, 8, func(p []byte) int64 { return int64(le.Uint64(p)) })
	case "I32":
		backing = convert(b, 4, func(p []byte) int32 { return int32(le.Uint32(p)) })
	case "I16":
		backing = convert(b, 2, func(p []byte) int16 { return int16(le.Uint16(p)) })
	case "I8":
		backing = convert(b, 1, func(p []byte) int8 { return int8(p[0]) })
	case "U8":
		backing = convert(b, 1, func(p []byte) uint8 { return p[0] })
	case "BOOL":
		backing = convert(b, 1, func(p []byte) bool { return p[0] != 0 })
	default:
		return nil, fmt.Errorf("unsupported dtype %q", dtype)
	}
	return newDense(shape, backing)
}

// newDense wraps backing in a tensor of the given shape; an empty shape is
// a scalar.
func newDense(shape []int, backing any) (*tensor.Dense, error) {
	for _, d := range shape {
		if d == 0 {
			return nil, fmt.Errorf("shape %v: %w", shape, errEmpty)
		}
	}
	if len(shape) == 0 {
		return tensor.New(tensor.WithShape(), tensor.WithBacking(backing)), nil
	}
	return tensor.New(tensor.WithShape(append([]int(nil), shape...)...), tensor.WithBacking(backing)), nil
}

// convert decodes consecutive elements of size bytes each.
func convert[T any](b []byte, size int, f func([]byte) T) []T {
	out := make([]T, len(b)/size)
	for i := range out {
		out[i] = f(b[i*size : (i+1)*size])
	}
	return out
}

// halfToFloat32 widens an IEEE 754 binary16 value exactly.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
	case frac == 0: // zero
		return math.Float32frombits(sign)
	}
	// subnormal: frac · 2⁻²⁴
	v := float32(frac) * (1.0 / (1 << 24))
	if sign != 0 {
		v = -v
	}
	return v
}
