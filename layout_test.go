package convtranspose_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

func dense(shape []int, data []float64) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(slices.Clone(data)))
}

// insertZeros returns y (n, c, h, w) with s−1 zeros between neighbouring
// pixels, q zeros around the image and extra zeros at the bottom and right:
// the input of the convolution that computes a transposed convolution.
func insertZeros(y []float64, shape []int, s, q [2]int, extraH, extraW int) ([]float64, []int) {
	n, c, h, w := shape[0], shape[1], shape[2], shape[3]
	H := (h-1)*s[0] + 1 + 2*q[0] + extraH
	W := (w-1)*s[1] + 1 + 2*q[1] + extraW
	z := make([]float64, n*c*H*W)
	for p := 0; p < n*c; p++ {
		for i := 0; i < h; i++ {
			for j := 0; j < w; j++ {
				z[(p*H+q[0]+i*s[0])*W+q[1]+j*s[1]] = y[(p*h+i)*w+j]
			}
		}
	}
	return z, []int{n, c, H, W}
}

// TestFlippedFilterZeroInsertion checks that zero insertion followed by a
// convolution with FlippedFilter equals ConvTranspose2d, with
// gorgonia.Conv2d for one group and Conv2d for several.
func TestFlippedFilterZeroInsertion(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	cases := []struct {
		n, cin, cout, h, w, kh, kw, groups int
		s, p, d, op                        [2]int
	}{
		{1, 1, 1, 2, 2, 3, 3, 1, [2]int{1, 1}, [2]int{0, 0}, [2]int{1, 1}, [2]int{0, 0}},
		{2, 3, 2, 3, 4, 4, 4, 1, [2]int{2, 2}, [2]int{1, 1}, [2]int{1, 1}, [2]int{0, 0}},
		{1, 2, 3, 4, 3, 3, 2, 1, [2]int{2, 3}, [2]int{1, 0}, [2]int{1, 1}, [2]int{1, 2}},
		{1, 2, 2, 3, 3, 3, 3, 1, [2]int{1, 2}, [2]int{2, 1}, [2]int{2, 1}, [2]int{1, 1}},
		{2, 4, 6, 3, 4, 3, 2, 2, [2]int{2, 1}, [2]int{1, 1}, [2]int{1, 2}, [2]int{1, 0}},
		{1, 6, 3, 2, 3, 2, 3, 3, [2]int{3, 2}, [2]int{0, 1}, [2]int{1, 1}, [2]int{2, 0}},
	}
	for _, c := range cases {
		name := fmt.Sprintf("n%d_c%dto%d_%dx%d_k%dx%d_g%d_s%v_p%v_d%v_op%v", c.n, c.cin, c.cout, c.h, c.w, c.kh, c.kw, c.groups, c.s, c.p, c.d, c.op)
		t.Run(name, func(t *testing.T) {
			wShape := []int{c.cin, c.cout / c.groups, c.kh, c.kw}
			wv := randoms(rng, prod(wShape))
			xShape := []int{c.n, c.cin, c.h, c.w}
			xv := randoms(rng, prod(xShape))
			flipped, err := ct.FlippedFilter(dense(wShape, wv), c.groups)
			if err != nil {
				t.Fatal(err)
			}
			if want := (tensor.Shape{c.cout, c.cin / c.groups, c.kh, c.kw}); !flipped.Shape().Eq(want) {
				t.Fatalf("flipped shape %v, want %v", flipped.Shape(), want)
			}
			q := [2]int{c.d[0]*(c.kh-1) - c.p[0], c.d[1]*(c.kw-1) - c.p[1]}
			z, zShape := insertZeros(xv, xShape, c.s, q, c.op[0], c.op[1])

			g := G.NewGraph()
			fv := flipped.Data().([]float64)
			var conv *G.Node
			if c.groups == 1 {
				conv, err = G.Conv2d(constant(g, zShape, z, "z"), constant(g, flipped.Shape(), fv, "flipped"),
					tensor.Shape{c.kh, c.kw}, []int{0, 0}, []int{1, 1}, c.d[:])
			} else {
				conv, err = ct.Conv2d(constant(g, zShape, z, "z"), constant(g, flipped.Shape(), fv, "flipped"),
					ct.WithDilation(c.d[0], c.d[1]), ct.WithGroups(c.groups))
			}
			if err != nil {
				t.Fatal(err)
			}
			up, err := ct.ConvTranspose2d(constant(g, xShape, xv, "x"), constant(g, wShape, wv, "w"),
				ct.WithStride(c.s[0], c.s[1]), ct.WithPadding(c.p[0], c.p[1]), ct.WithDilation(c.d[0], c.d[1]),
				ct.WithOutputPadding(c.op[0], c.op[1]), ct.WithGroups(c.groups))
			if err != nil {
				t.Fatal(err)
			}
			run(t, g)
			if !conv.Shape().Eq(up.Shape()) {
				t.Fatalf("zero insertion + convolution gives %v, ConvTranspose2d %v", conv.Shape(), up.Shape())
			}
			a, b := conv.Value().Data().([]float64), up.Value().Data().([]float64)
			for i := range a {
				if math.Abs(a[i]-b[i]) > 1e-12*(1+math.Abs(b[i])) {
					t.Fatalf("[%d]: zero insertion + convolution %v, ConvTranspose2d %v", i, a[i], b[i])
				}
			}
			back, err := ct.FlippedFilter(flipped, c.groups)
			if err != nil || !slices.Equal(back.Data().([]float64), wv) || !back.Shape().Eq(tensor.Shape(wShape)) {
				t.Errorf("FlippedFilter twice does not give back w (%v)", err)
			}
		})
	}
}

// tfConv2d is tf.nn.conv2d as its documentation defines it, VALID padding,
// NHWC input and HWIO filter:
//
//	out[b, i, j, k] = Σ_{di, dj, q} in[b, s·i + di, s·j + dj, q] · filter[di, dj, q, k]
func tfConv2d(in []float64, n, h, w, cin int, filter []float64, kh, kw, cout, s int) ([]float64, int, int) {
	oh, ow := (h-kh)/s+1, (w-kw)/s+1
	out := make([]float64, n*oh*ow*cout)
	for b := 0; b < n; b++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				for k := 0; k < cout; k++ {
					var sum float64
					for di := 0; di < kh; di++ {
						for dj := 0; dj < kw; dj++ {
							for q := 0; q < cin; q++ {
								sum += in[((b*h+s*i+di)*w+s*j+dj)*cin+q] * filter[((di*kw+dj)*cin+q)*cout+k]
							}
						}
					}
					out[((b*oh+i)*ow+j)*cout+k] = sum
				}
			}
		}
	}
	return out, oh, ow
}

// nhwcToNCHW reorders a batch from channels-last to channels-first.
func nhwcToNCHW(v []float64, n, h, w, c int) []float64 {
	out := make([]float64, len(v))
	for b := 0; b < n; b++ {
		for i := 0; i < h; i++ {
			for j := 0; j < w; j++ {
				for ch := 0; ch < c; ch++ {
					out[((b*c+ch)*h+i)*w+j] = v[((b*h+i)*w+j)*c+ch]
				}
			}
		}
	}
	return out
}

// TestFilterFromKeras checks the conversion against TensorFlow's definition
// of Keras' Conv2DTranspose: tf.nn.conv2d_transpose with filter k of shape
// [height, width, output_channels, in_channels] is the transpose (gradient)
// of tf.nn.conv2d with the same filter read as [height, width, in, out]. So
// ⟨tfConv2d(u, k), v⟩ = ⟨u, ConvTranspose2d(v, FilterFromKeras(k))⟩.
func TestFilterFromKeras(t *testing.T) {
	rng := rand.New(rand.NewPCG(63, 64))
	for _, c := range []struct{ n, h, w, kh, kw, cout, cin, s int }{
		{1, 5, 5, 3, 3, 2, 3, 1},
		{2, 7, 6, 3, 2, 3, 2, 2},
		{1, 8, 9, 4, 4, 1, 4, 2},
	} {
		t.Run(fmt.Sprintf("%dx%d_k%dx%d_out%d_in%d_s%d", c.h, c.w, c.kh, c.kw, c.cout, c.cin, c.s), func(t *testing.T) {
			kShape := []int{c.kh, c.kw, c.cout, c.cin}
			kv := randoms(rng, prod(kShape))
			k := dense(kShape, kv)
			// u is the transposed convolution's output (C_out channels), v its input.
			u := randoms(rng, c.n*c.h*c.w*c.cout)
			conv, oh, ow := tfConv2d(u, c.n, c.h, c.w, c.cout, kv, c.kh, c.kw, c.cin, c.s)
			v := randoms(rng, len(conv))

			w, err := ct.FilterFromKeras(k)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(k.Data().([]float64), kv) {
				t.Fatal("FilterFromKeras modified its input")
			}
			g := G.NewGraph()
			vn := constant(g, []int{c.n, c.cin, oh, ow}, nhwcToNCHW(v, c.n, oh, ow, c.cin), "v")
			up, err := ct.ConvTranspose2d(vn, constant(g, w.Shape(), w.Data().([]float64), "w"),
				ct.WithStride(c.s, c.s), ct.WithOutputSize(c.h, c.w))
			if err != nil {
				t.Fatal(err)
			}
			run(t, g)
			lhs, rhs := 0.0, 0.0
			for i := range conv {
				lhs += conv[i] * v[i]
			}
			un := nhwcToNCHW(u, c.n, c.h, c.w, c.cout)
			for i, x := range up.Value().Data().([]float64) {
				rhs += un[i] * x
			}
			if math.Abs(lhs-rhs) > 1e-10*(1+math.Abs(lhs)) {
				t.Errorf("<conv2d(u, k), v> = %v, <u, ConvTranspose2d(v, FilterFromKeras(k))> = %v", lhs, rhs)
			}
			back, err := ct.FilterToKeras(w)
			if err != nil || !back.Shape().Eq(tensor.Shape(kShape)) || !slices.Equal(back.Data().([]float64), kv) {
				t.Errorf("FilterToKeras(FilterFromKeras(k)) is not k (%v)", err)
			}
		})
	}
}

// TestKerasLayout checks the index formula on a filter whose values are
// their own indices, and the round trip from this package's layout, in
// float32.
func TestKerasLayout(t *testing.T) {
	const cin, cout, kh, kw = 2, 3, 4, 5
	v := make([]float32, cin*cout*kh*kw)
	for i := range v {
		v[i] = float32(i)
	}
	w := tensor.New(tensor.WithShape(cin, cout, kh, kw), tensor.WithBacking(v))
	k, err := ct.FilterToKeras(w)
	if err != nil {
		t.Fatal(err)
	}
	if !k.Shape().Eq(tensor.Shape{kh, kw, cout, cin}) {
		t.Fatalf("Keras shape %v, want (%d, %d, %d, %d)", k.Shape(), kh, kw, cout, cin)
	}
	for ci := 0; ci < cin; ci++ {
		for co := 0; co < cout; co++ {
			for i := 0; i < kh; i++ {
				for j := 0; j < kw; j++ {
					got, _ := k.At(i, j, co, ci)
					want, _ := w.At(ci, co, i, j)
					if got != want {
						t.Fatalf("k[%d, %d, %d, %d] = %v, want w[%d, %d, %d, %d] = %v", i, j, co, ci, got, ci, co, i, j, want)
					}
				}
			}
		}
	}
	back, err := ct.FilterFromKeras(k)
	if err != nil || !slices.Equal(back.Data().([]float32), v) {
		t.Errorf("FilterFromKeras(FilterToKeras(w)) is not w (%v)", err)
	}
}

// TestONNXLayoutIsOurs runs ONNX's published ConvTranspose example
// (onnx/backend/test/case/node/convtranspose.py, "convtranspose"): W of
// shape (C=1, M=2, 3, 3) is used as it is. Were the layouts different, the
// shape alone would be rejected (a first dimension of 1 against one input
// channel is the only reading that fits).
func TestONNXLayoutIsOurs(t *testing.T) {
	g := G.NewGraph()
	x := constant(g, []int{1, 1, 3, 3}, []float64{0, 1, 2, 3, 4, 5, 6, 7, 8}, "x")
	ones := make([]float64, 18)
	for i := range ones {
		ones[i] = 1
	}
	w := constant(g, []int{1, 2, 3, 3}, ones, "W")
	y, err := ct.ConvTranspose2d(x, w)
	if err != nil {
		t.Fatal(err)
	}
	run(t, g)
	plane := []float64{0, 1, 3, 3, 2, 3, 8, 15, 12, 7, 9, 21, 36, 27, 15, 9, 20, 33, 24, 13, 6, 13, 21, 15, 8}
	want := append(slices.Clone(plane), plane...)
	if !y.Shape().Eq(tensor.Shape{1, 2, 5, 5}) || !slices.Equal(y.Value().Data().([]float64), want) {
		t.Errorf("ONNX example: got %v %v, want (1, 2, 5, 5) %v", y.Shape(), y.Value().Data(), want)
	}
}

func TestLayoutErrors(t *testing.T) {
	w := tensor.New(tensor.WithShape(4, 3, 2, 2), tensor.Of(tensor.Float64))
	cases := []struct {
		name string
		f    func() (*tensor.Dense, error)
		want string
	}{
		{"nil", func() (*tensor.Dense, error) { return ct.FilterFromKeras(nil) }, "FilterFromKeras: k is nil"},
		{"3-D", func() (*tensor.Dense, error) {
			return ct.FilterToKeras(tensor.New(tensor.WithShape(3, 2, 2), tensor.Of(tensor.Float64)))
		}, "FilterToKeras: w must be 4-D (C_in, C_out, kH, kW), got shape (3, 2, 2)"},
		{"int", func() (*tensor.Dense, error) {
			return ct.FlippedFilter(tensor.New(tensor.WithShape(1, 1, 1, 1), tensor.Of(tensor.Int)), 1)
		}, "FlippedFilter: w must be float32 or float64, got int"},
		{"groups", func() (*tensor.Dense, error) { return ct.FlippedFilter(w, 3) }, "groups must be positive and divide w's first dimension 4, got 3"},
		{"zero groups", func() (*tensor.Dense, error) { return ct.FlippedFilter(w, 0) }, "got 0"},
	}
	for _, c := range cases {
		if r, err := c.f(); err == nil || !strings.Contains(err.Error(), c.want) || r != nil {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
