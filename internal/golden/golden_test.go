package golden

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/tensor"
)

// committed is the golden file that testdata/make_golden.py writes.
const committed = "../../testdata/convtranspose_golden.json"

func loadCommitted(t *testing.T) *File {
	t.Helper()
	f, err := Load(committed)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestLoadCommitted(t *testing.T) {
	f := loadCommitted(t)
	if !strings.HasPrefix(f.Generator, "testdata/make_golden.py, torch ") {
		t.Errorf("generator = %q", f.Generator)
	}
	count := map[[2]string]int{}
	for _, c := range f.Cases {
		count[[2]string{c.Kind, c.DType}]++
		suffix := map[string]string{"float64": "_f64", "float32": "_f32"}[c.DType]
		if !strings.HasSuffix(c.Name, suffix) {
			t.Errorf("%s: name does not end in %q", c.Name, suffix)
		}
	}
	for _, want := range []struct {
		kind string
		min  int
	}{{KindTorch, 40}, {KindONNX, 8}, {KindConv2d, 12}} {
		for _, dt := range []string{"float64", "float32"} {
			if n := count[[2]string{want.kind, dt}]; n < want.min {
				t.Errorf("%d %s cases in %s, want at least %d", n, want.kind, dt, want.min)
			}
		}
	}
}

// TestShapes checks every shape in the file against the output-size formulas,
// written here from the PyTorch and ONNX documentation.
func TestShapes(t *testing.T) {
	for _, c := range loadCommitted(t).Cases {
		t.Run(c.Name, func(t *testing.T) {
			n, cin, h, w := c.X.Shape[0], c.X.Shape[1], c.X.Shape[2], c.X.Shape[3]
			k := c.W.Shape[2:]
			var cout int
			if c.Kind == KindConv2d {
				cout = c.W.Shape[0]
				if c.W.Shape[1]*c.Groups != cin || cout%c.Groups != 0 {
					t.Fatalf("w %v does not fit x %v with %d groups", c.W.Shape, c.X.Shape, c.Groups)
				}
			} else {
				cout = c.W.Shape[1] * c.Groups
				if c.W.Shape[0] != cin || cin%c.Groups != 0 {
					t.Fatalf("w %v does not fit x %v with %d groups", c.W.Shape, c.X.Shape, c.Groups)
				}
			}
			want := []int{n, cout, 0, 0}
			for i, in := range []int{h, w} {
				s, d := c.Stride[i], c.Dilation[i]
				span := d*(k[i]-1) + 1
				switch c.Kind {
				case KindTorch:
					least := (in-1)*s - 2*c.Padding[i] + span
					if c.OutputSize != nil {
						if extra := c.OutputSize[i] - least; extra < 0 || extra >= s {
							t.Errorf("output_size %v: axis %d outside [%d, %d]", c.OutputSize, i, least, least+s-1)
						}
						want[2+i] = c.OutputSize[i]
					} else {
						if op := c.OutputPadding[i]; op < 0 || op >= max(s, d) {
							t.Errorf("output_padding %v not below max(stride, dilation)", c.OutputPadding)
						}
						want[2+i] = least + c.OutputPadding[i]
					}
				case KindONNX:
					full := s*(in-1) + c.OutputPadding[i] + span
					want[2+i] = full - c.ResolvedPads[2*i] - c.ResolvedPads[2*i+1]
					switch {
					case c.OutputShape != nil:
						if want[2+i] != c.OutputShape[i] {
							t.Errorf("axis %d: %d from resolved pads, output_shape %v", i, want[2+i], c.OutputShape)
						}
					case c.AutoPad == AutoPadSameUpper || c.AutoPad == AutoPadSameLower:
						if want[2+i] != in*s {
							t.Errorf("axis %d: %s gives %d, want input·stride = %d", i, c.AutoPad, want[2+i], in*s)
						}
					}
				case KindConv2d:
					want[2+i] = (in+2*c.Padding[i]-span)/s + 1
				}
			}
			equalShape(t, "y", c.Y.Shape, want)
			equalShape(t, "r", c.R.Shape, want)
			equalShape(t, "dx", c.DX.Shape, c.X.Shape)
			equalShape(t, "ggx", c.GGX.Shape, c.X.Shape)
			equalShape(t, "dw", c.DW.Shape, c.W.Shape)
			equalShape(t, "ggw", c.GGW.Shape, c.W.Shape)
			if c.B != nil {
				equalShape(t, "b", c.B.Shape, []int{cout})
				equalShape(t, "db", c.DB.Shape, []int{cout})
				equalShape(t, "ggb", c.GGB.Shape, []int{cout})
			}
			limit := map[string]float64{"float64": 1e-9, "float32": 1e-3}[c.DType]
			if c.Tolerance > limit {
				t.Errorf("tolerance %g is looser than %g", c.Tolerance, limit)
			}
		})
	}
}

func equalShape(t *testing.T, name string, got, want []int) {
	t.Helper()
	equalInts(t, name+" shape", got, want)
}

func equalInts(t *testing.T, name string, got, want []int) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", name, got, want)
	}
}

// specPads resolves the pads of an ONNX case as the ConvTranspose spec says:
// total_padding = stride·(in−1) + output_padding + ((k−1)·dilation + 1) −
// output_shape, with output_shape = in·stride for SAME_UPPER and SAME_LOWER;
// SAME_UPPER puts the odd unit at the end, everything else at the beginning.
func specPads(c *Case) []int {
	pads := make([]int, 4)
	for i := range 2 {
		in, s, d, k := c.X.Shape[2+i], c.Stride[i], c.Dilation[i], c.W.Shape[2+i]
		full := s*(in-1) + c.OutputPadding[i] + (k-1)*d + 1
		var target int
		switch {
		case c.OutputShape != nil:
			target = c.OutputShape[i]
		case c.AutoPad == AutoPadSameUpper || c.AutoPad == AutoPadSameLower:
			target = in * s
		case c.AutoPad == AutoPadValid:
			target = full
		default:
			if c.Pads != nil {
				pads[2*i], pads[2*i+1] = c.Pads[2*i], c.Pads[2*i+1]
			}
			continue
		}
		total := full - target
		if c.AutoPad == AutoPadSameUpper {
			pads[2*i] = total / 2
		} else {
			pads[2*i] = total - total/2
		}
		pads[2*i+1] = total - pads[2*i]
	}
	return pads
}

func TestResolvedPads(t *testing.T) {
	modes := map[string]bool{}
	for _, c := range loadCommitted(t).Cases {
		if c.Kind != KindONNX {
			continue
		}
		key := c.AutoPad
		if c.OutputShape != nil {
			key += "+output_shape"
		}
		modes[key] = true
		want := specPads(&c)
		equalInts(t, c.Name+" resolved_pads", c.ResolvedPads, want)
		for _, p := range c.ResolvedPads {
			if p < 0 {
				t.Errorf("%s: negative pad in %v", c.Name, c.ResolvedPads)
			}
		}
	}
	for _, m := range []string{"", "SAME_UPPER", "SAME_LOWER", "VALID",
		"+output_shape", "SAME_UPPER+output_shape", "SAME_LOWER+output_shape", "VALID+output_shape"} {
		if !modes[m] {
			t.Errorf("no onnx case with auto_pad %q", m)
		}
	}
}

// connections calls f(xi, wi, yi) for every product x[xi]·w[wi] that the
// operation of c adds into y[yi], indices flat and row-major. It is the
// definition of each operation written as a loop, independent of torch.
func connections(c *Case, f func(xi, wi, yi int)) {
	n, cin, h, w := c.X.Shape[0], c.X.Shape[1], c.X.Shape[2], c.X.Shape[3]
	cout, oh, ow := c.Y.Shape[1], c.Y.Shape[2], c.Y.Shape[3]
	kh, kw := c.W.Shape[2], c.W.Shape[3]
	g := c.Groups
	cinG, coutG := cin/g, cout/g
	sh, sw, dh, dw := c.Stride[0], c.Stride[1], c.Dilation[0], c.Dilation[1]
	top, left := 0, 0
	if c.Kind == KindONNX {
		top, left = c.ResolvedPads[0], c.ResolvedPads[2]
	} else {
		top, left = c.Padding[0], c.Padding[1]
	}
	for b := range n {
		for gi := range g {
			for ci := range cinG {
				for co := range coutG {
					cIn, cOut := gi*cinG+ci, gi*coutG+co
					for i := range kh {
						for j := range kw {
							if c.Kind == KindConv2d {
								wi := ((cOut*cinG+ci)*kh+i)*kw + j
								for p := range oh {
									for q := range ow {
										a, e := p*sh-top+i*dh, q*sw-left+j*dw
										if a >= 0 && a < h && e >= 0 && e < w {
											f(((b*cin+cIn)*h+a)*w+e, wi, ((b*cout+cOut)*oh+p)*ow+q)
										}
									}
								}
								continue
							}
							wi := ((cIn*coutG+co)*kh+i)*kw + j
							for a := range h {
								for e := range w {
									p, q := a*sh-top+i*dh, e*sw-left+j*dw
									if p >= 0 && p < oh && q >= 0 && q < ow {
										f(((b*cin+cIn)*h+a)*w+e, wi, ((b*cout+cOut)*oh+p)*ow+q)
									}
								}
							}
						}
					}
				}
			}
		}
	}
}

// TestNaive recomputes y, the gradients and the second-order gradients of
// every case from x, w, b and r with the connection loop, and compares them
// with torch's values.
func TestNaive(t *testing.T) {
	for _, c := range loadCommitted(t).Cases {
		t.Run(c.Name, func(t *testing.T) {
			x, w, r := c.X.Data, c.W.Data, c.R.Data
			y := make([]float64, len(c.Y.Data))
			cout, plane := c.Y.Shape[1], c.Y.Shape[2]*c.Y.Shape[3]
			if c.B != nil {
				for i := range y {
					y[i] = c.B.Data[(i/plane)%cout]
				}
			}
			dx := make([]float64, len(x))
			dw := make([]float64, len(w))
			connections(&c, func(xi, wi, yi int) {
				y[yi] += x[xi] * w[wi]
				dx[xi] += r[yi] * w[wi]
				dw[wi] += x[xi] * r[yi]
			})
			ggx := make([]float64, len(x))
			ggw := make([]float64, len(w))
			connections(&c, func(xi, wi, yi int) {
				ggx[xi] += 2 * dw[wi] * r[yi]
				ggw[wi] += 2 * dx[xi] * r[yi]
			})
			for _, v := range []struct {
				name string
				want Tensor
				got  []float64
			}{{"y", c.Y, y}, {"dx", c.DX, dx}, {"dw", c.DW, dw}, {"ggx", c.GGX, ggx}, {"ggw", c.GGW, ggw}} {
				if err := Check(v.want, v.got, c.Tolerance); err != nil {
					t.Errorf("%s: %v", v.name, err)
				}
			}
			if c.B == nil {
				return
			}
			db := make([]float64, cout)
			for i, v := range r {
				db[(i/plane)%cout] += v
			}
			if err := Check(*c.DB, db, c.Tolerance); err != nil {
				t.Errorf("db: %v", err)
			}
			// y is affine in b, so db does not depend on x, w or b: ggb is zero.
			if err := Check(*c.GGB, make([]float64, cout), c.Tolerance); err != nil {
				t.Errorf("ggb: %v", err)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	base := loadCommitted(t).Cases
	var withBias Case
	for _, c := range base {
		if c.B != nil {
			withBias = c
			break
		}
	}
	// toMap turns a case into its JSON object so that a test can break it.
	toMap := func(c Case) map[string]any {
		raw, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, tc := range []struct {
		name  string
		cases func() []map[string]any
		raw   string // used instead of cases when set
		want  string
	}{
		{name: "bad json", raw: `{"cases": [`, want: "decoding"},
		{name: "unknown top-level field", raw: `{"generator": "g", "extra": 1, "cases": []}`, want: "unknown field"},
		{name: "no cases", raw: `{"generator": "g", "cases": []}`, want: "no cases"},
		{name: "unknown case field", want: "unknown field", cases: func() []map[string]any {
			m := toMap(withBias)
			m["colour"] = "red"
			return []map[string]any{m}
		}},
		{name: "dtype", want: `dtype "float16"`, cases: func() []map[string]any {
			m := toMap(withBias)
			m["dtype"] = "float16"
			return []map[string]any{m}
		}},
		{name: "kind", want: `kind "conv3d"`, cases: func() []map[string]any {
			m := toMap(withBias)
			m["kind"] = "conv3d"
			return []map[string]any{m}
		}},
		{name: "auto_pad", want: `auto_pad "SAME"`, cases: func() []map[string]any {
			m := toMap(withBias)
			m["auto_pad"] = "SAME"
			return []map[string]any{m}
		}},
		{name: "stride length", want: "stride = [1 1 1]", cases: func() []map[string]any {
			m := toMap(withBias)
			m["stride"] = []int{1, 1, 1}
			return []map[string]any{m}
		}},
		{name: "groups", want: "groups = 0", cases: func() []map[string]any {
			m := toMap(withBias)
			m["groups"] = 0
			return []map[string]any{m}
		}},
		{name: "tolerance", want: "tolerance = 0", cases: func() []map[string]any {
			m := toMap(withBias)
			m["tolerance"] = 0
			return []map[string]any{m}
		}},
		{name: "data length", want: "dx: shape", cases: func() []map[string]any {
			m := toMap(withBias)
			dx := m["dx"].(map[string]any)
			dx["data"] = dx["data"].([]any)[1:]
			return []map[string]any{m}
		}},
		{name: "rank", want: "b: shape", cases: func() []map[string]any {
			m := toMap(withBias)
			m["b"].(map[string]any)["shape"] = []int{1, len(withBias.B.Data)}
			return []map[string]any{m}
		}},
		{name: "missing tensor", want: "y: shape [] has rank 0", cases: func() []map[string]any {
			m := toMap(withBias)
			delete(m, "y")
			return []map[string]any{m}
		}},
		{name: "bias without db", want: "all present or all null", cases: func() []map[string]any {
			m := toMap(withBias)
			m["db"] = nil
			return []map[string]any{m}
		}},
		{name: "repeated name", want: "used twice", cases: func() []map[string]any {
			return []map[string]any{toMap(withBias), toMap(withBias)}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := []byte(tc.raw)
			if tc.cases != nil {
				var err error
				raw, err = json.Marshal(map[string]any{"generator": "g", "cases": tc.cases()})
				if err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(t.TempDir(), "golden.json")
			if err := os.WriteFile(path, raw, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load error = %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "absent.json")); err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("Load of a missing file: error = %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

func TestDense(t *testing.T) {
	src := Tensor{Shape: []int{2, 3}, Data: []float64{1, -2, 3.5, 0.1, 5, 6}}
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		d, err := src.Dense(dt)
		if err != nil {
			t.Fatal(err)
		}
		if d.Dtype() != dt || !d.Shape().Eq(tensor.Shape{2, 3}) {
			t.Errorf("%v: dtype %v shape %v", dt, d.Dtype(), d.Shape())
		}
		var got []float64
		switch v := d.Data().(type) {
		case []float64:
			got = v
		case []float32:
			for _, e := range v {
				got = append(got, float64(e))
			}
		}
		if err := Check(src, got, 1e-7); err != nil {
			t.Errorf("%v: %v", dt, err)
		}
	}
	// The Dense owns its data: changing it leaves the Tensor alone.
	d, _ := src.Dense(tensor.Float64)
	d.Data().([]float64)[0] = 100
	if src.Data[0] != 1 {
		t.Errorf("Dense shares its backing with the Tensor")
	}
	if _, err := src.Dense(tensor.Int); err == nil {
		t.Errorf("Dense(tensor.Int) gave no error")
	}
	if _, err := (Tensor{Shape: []int{2, 2}, Data: []float64{1}}).Dense(tensor.Float64); err == nil {
		t.Errorf("Dense of a short tensor gave no error")
	}
}

func TestDtype(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want tensor.Dtype
		ok   bool
	}{{"float64", tensor.Float64, true}, {"float32", tensor.Float32, true}, {"int8", tensor.Dtype{}, false}} {
		c := Case{DType: tc.in}
		got, err := c.Dtype()
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("Dtype(%q) = %v, %v", tc.in, got, err)
		}
	}
}

func TestCheck(t *testing.T) {
	want := Tensor{Shape: []int{2, 2}, Data: []float64{1, 1000, -0.5, 0}}
	for _, tc := range []struct {
		name string
		got  []float32
		err  string
	}{
		{"equal", []float32{1, 1000, -0.5, 0}, ""},
		{"relative above 1", []float32{1, 1000.05, -0.5, 0}, ""},
		{"absolute below 1", []float32{1, 1000, -0.50005, 0.00005}, ""},
		{"too far", []float32{1, 1000, -0.5, 0.001}, "1 of 4 values differ; first at [1 1]"},
		{"relative too far", []float32{1, 1000.5, -0.6, 0}, "2 of 4 values differ; first at [0 1]"},
		{"length", []float32{1, 2, 3}, "got 3 values, want 4"},
	} {
		err := Check(want, tc.got, 1e-4)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: Check error = %v, want %q", tc.name, err, tc.err)
		}
	}
}
