package weights

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"gorgonia.org/tensor"
)

// golden is module.json: what torch saw in each tensor of module.safetensors.
type golden struct {
	Dtype  string    `json:"dtype"`
	Shape  []int     `json:"shape"`
	Values []float64 `json:"values"`
}

func loadGolden(t *testing.T) map[string]golden {
	t.Helper()
	b, err := os.ReadFile("testdata/module.json")
	if err != nil {
		t.Fatal(err)
	}
	var g map[string]golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// asFloat64s converts a tensor's data for comparison with torch's values.
func asFloat64s(t *testing.T, d *tensor.Dense) []float64 {
	t.Helper()
	switch v := d.Data().(type) {
	case []float64:
		return v
	case []float32:
		return widen(v, func(x float32) float64 { return float64(x) })
	case []int64:
		return widen(v, func(x int64) float64 { return float64(x) })
	case []bool:
		return widen(v, func(x bool) float64 {
			if x {
				return 1
			}
			return 0
		})
	case float64:
		return []float64{v}
	case float32:
		return []float64{float64(v)}
	case int64:
		return []float64{float64(v)}
	}
	t.Fatalf("unexpected data %T", d.Data())
	return nil
}

func widen[T any](v []T, f func(T) float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = f(x)
	}
	return out
}

// TestTorchFile reads a state_dict that PyTorch wrote and compares every
// tensor with the values torch printed for it.
func TestTorchFile(t *testing.T) {
	ts, err := LoadSafetensors("testdata/module.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	want := loadGolden(t)
	if len(ts) != len(want) {
		t.Fatalf("read %d tensors, torch saved %d", len(ts), len(want))
	}
	dtypes := map[string]tensor.Dtype{
		"float64": tensor.Float64, "float32": tensor.Float32, "float16": tensor.Float32,
		"bfloat16": tensor.Float32, "int64": tensor.Int64, "bool": tensor.Bool,
	}
	for name, g := range want {
		d, ok := ts[name]
		if !ok {
			t.Errorf("%s: missing", name)
			continue
		}
		if d.Dtype() != dtypes[g.Dtype] {
			t.Errorf("%s: dtype %v, want %v for torch's %s", name, d.Dtype(), dtypes[g.Dtype], g.Dtype)
		}
		if !d.Shape().Eq(tensor.Shape(g.Shape)) {
			t.Errorf("%s: shape %v, want %v", name, d.Shape(), g.Shape)
		}
		got := asFloat64s(t, d)
		if len(got) != len(g.Values) {
			t.Fatalf("%s: %d values, want %d", name, len(got), len(g.Values))
		}
		for i := range got {
			if got[i] != g.Values[i] { // every conversion is exact
				t.Errorf("%s[%d] = %v, want %v", name, i, got[i], g.Values[i])
				break
			}
		}
	}
	if n := ts["1.num_batches_tracked"]; !n.IsScalar() || n.Data().(int64) != 1 {
		t.Errorf("num_batches_tracked = %v (scalar %t), want the scalar 1", n, n.IsScalar())
	}
}

// file assembles a safetensors stream from a header and data.
func file(header string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(header)))
	b.WriteString(header)
	b.Write(data)
	return b.Bytes()
}

func f32bytes(v ...float32) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, v)
	return b.Bytes()
}

func TestReadSafetensorsValid(t *testing.T) {
	cases := []struct {
		name   string
		header string
		data   []byte
		want   map[string][]float32
	}{
		{"padded header", `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}   `, f32bytes(1, 2),
			map[string][]float32{"a": {1, 2}}},
		{"data out of header order", `{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]}}`,
			f32bytes(1, 2), map[string][]float32{"a": {1}, "b": {2}}},
		{"metadata only", `{"__metadata__":{"format":"pt"}}`, nil, map[string][]float32{}},
		{"bf16 and f16", `{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]}}`,
			[]byte{0x00, 0x3c, 0x00, 0xc0, 0x80, 0x3f}, map[string][]float32{"h": {1, -2}, "b": {1}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts, err := ReadSafetensors(bytes.NewReader(file(c.header, c.data)))
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) != len(c.want) {
				t.Fatalf("got %d tensors, want %d", len(ts), len(c.want))
			}
			for name, want := range c.want {
				got := ts[name].Data().([]float32)
				for i := range want {
					if got[i] != want[i] {
						t.Errorf("%s = %v, want %v", name, got, want)
					}
				}
			}
		})
	}
}

func TestReadSafetensorsErrors(t *testing.T) {
	one := f32bytes(1)
	cases := []struct {
		name   string
		stream []byte
		want   string
	}{
		{"empty", nil, "reading the header size"},
		{"huge header", binary.LittleEndian.AppendUint64(nil, MaxHeaderSize+1), "exceeds the limit"},
		{"short header", binary.LittleEndian.AppendUint64(nil, 10), "reading the 10-byte header"},
		{"not an object", file(`[1]`, nil), "must be a JSON object"},
		{"bad json", file(`{"a":`, nil), "malformed header"},
		{"garbage after", file(`{}x`, nil), "unexpected bytes after the header"},
		{"duplicate", file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, one), `names "a" twice`},
		{"unknown field", file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}`, one), `tensor "a": bad header entry`},
		{"bad metadata", file(`{"__metadata__":{"n":1}}`, nil), "__metadata__ must map strings to strings"},
		{"unknown dtype", file(`{"a":{"dtype":"F12","shape":[1],"data_offsets":[0,4]}}`, one), `tensor "a" has unknown dtype "F12"`},
		{"unsupported dtype", file(`{"a":{"dtype":"U16","shape":[2],"data_offsets":[0,4]}}`, one), `dtype "U16", which this reader does not support`},
		{"negative dimension", file(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, one), "negative dimension"},
		{"past the end", file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, one), "data_offsets [0, 8] outside the 4 bytes"},
		{"reversed", file(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}`, one), "data_offsets [4, 0] outside"},
		{"length mismatch", file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, one), "needs 8 bytes, its data_offsets [0, 4] hold 4"},
		{"overlap", file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32bytes(1, 2)), "overlap"},
		{"hole", file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32bytes(1, 2)), "bytes [0, 4) of the data belong to no tensor"},
		{"trailing data", file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, f32bytes(1, 2)), "bytes [4, 8) of the data belong to no tensor"},
		{"empty tensor", file(`{"a":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]}}`, nil), "empty dimension"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadSafetensors(bytes.NewReader(c.stream))
			if err == nil {
				t.Fatalf("no error, want one containing %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q, want one containing %q", err, c.want)
			}
		})
	}
}

func TestHalfToFloat32(t *testing.T) {
	cases := []struct {
		bits uint16
		want float32
	}{
		{0x0000, 0}, {0x3c00, 1}, {0xc000, -2}, {0x3555, 0.333251953125},
		{0x7bff, 65504}, {0x0400, 1.0 / (1 << 14)}, {0x0001, 1.0 / (1 << 24)}, {0x83ff, -1023.0 / (1 << 24)},
		{0x7c00, float32(math.Inf(1))}, {0xfc00, float32(math.Inf(-1))},
	}
	for _, c := range cases {
		if got := halfToFloat32(c.bits); got != c.want {
			t.Errorf("halfToFloat32(%#04x) = %v, want %v", c.bits, got, c.want)
		}
	}
	if got := halfToFloat32(0x7e00); !math.IsNaN(float64(got)) {
		t.Errorf("halfToFloat32(0x7e00) = %v, want NaN", got)
	}
	if got := halfToFloat32(0x8000); got != 0 || !math.Signbit(float64(got)) {
		t.Errorf("halfToFloat32(0x8000) = %v, want -0", got)
	}
}
