package nnops_test

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
	"github.com/gorgonia-ext/convtranspose/nnops"
)

// icnrCase is one sub-pixel convolution: x (2, cin, 6, 5) convolved to
// c·r² channels with a k×k kernel (padding k/2, the given stride and
// dilation), then PixelShuffle(r).
type icnrCase struct {
	dt                          tensor.Dtype
	c, cin, k, stride, dilation int
	r                           int
}

func (c icnrCase) String() string {
	return fmt.Sprintf("%v/C%d/Cin%d/k%d/s%d/d%d/r%d", c.dt, c.c, c.cin, c.k, c.stride, c.dilation, c.r)
}

// denseOf returns a tensor of dtype dt holding data.
func denseOf(dt tensor.Dtype, shape tensor.Shape, data []float64) *tensor.Dense {
	if dt == tensor.Float64 {
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(slices.Clone(data)))
	}
	f := make([]float32, len(data))
	for i, v := range data {
		f[i] = float32(v)
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(f))
}

// icnrFilter draws w0 of shape (c, cin, k, k) in dtype dt and returns it
// with ICNR(w0), after checking that ICNR left w0 as it was.
func icnrFilter(t *testing.T, rng *rand.Rand, c icnrCase) (w0, w *tensor.Dense) {
	t.Helper()
	shape := tensor.Shape{c.c, c.cin, c.k, c.k}
	data := make([]float64, shape.TotalSize())
	nnops.KaimingUniform(rng, c.cin*c.k*c.k, data)
	w0 = denseOf(c.dt, shape, data)
	big := tensor.Shape{c.c * c.r * c.r, c.cin, c.k, c.k}
	switch d := w0.Data().(type) {
	case []float32:
		w = expand(t, d, shape, big, c.r)
	case []float64:
		w = expand(t, d, shape, big, c.r)
	}
	return w0, w
}

func expand[T float32 | float64](t *testing.T, d []T, shape, big tensor.Shape, r int) *tensor.Dense {
	t.Helper()
	kept := slices.Clone(d)
	e, err := nnops.ICNR(d, shape, r)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d, kept) {
		t.Fatalf("ICNR modified its input")
	}
	if len(e) != big.TotalSize() {
		t.Fatalf("ICNR returned %d values, want %d for shape %v", len(e), big.TotalSize(), big)
	}
	return tensor.New(tensor.WithShape(big...), tensor.WithBacking(e))
}

// subPixel returns PixelShuffle(Conv2d(x, w), r) and
// Upsample2d(Conv2d(x, w0), nearest, r).
func subPixel(t *testing.T, c icnrCase, x, w, w0 *tensor.Dense) (sub, near *tensor.Dense) {
	t.Helper()
	g := G.NewGraph()
	node := func(name string, v *tensor.Dense) *G.Node {
		return G.NewTensor(g, c.dt, 4, G.WithShape(v.Shape()...), G.WithName(name), G.WithValue(v))
	}
	opts := []ct.Option{ct.WithPadding(c.k/2, c.k/2), ct.WithStride(c.stride, c.stride), ct.WithDilation(c.dilation, c.dilation)}
	xn := node("x", x)
	conv, err := nnops.Conv2d(xn, node("w", w), opts...)
	if err != nil {
		t.Fatal(err)
	}
	shuffled, err := nnops.PixelShuffle(conv, c.r)
	if err != nil {
		t.Fatal(err)
	}
	conv0, err := nnops.Conv2d(xn, node("w0", w0), opts...)
	if err != nil {
		t.Fatal(err)
	}
	nearest, err := nnops.Upsample2d(conv0, nnops.WithMode(nnops.Nearest), nnops.WithScale(c.r, c.r))
	if err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	return shuffled.Value().(*tensor.Dense), nearest.Value().(*tensor.Dense)
}

// blockSpread returns the largest difference, relative to max(1, |value|),
// between a pixel of y (N, C, H, W) and the top-left pixel of its r×r block.
func blockSpread(y *tensor.Dense, r int) float64 {
	s, v := y.Shape(), floats(y)
	spread := 0.0
	for nc := range s[0] * s[1] {
		plane := v[nc*s[2]*s[3] : (nc+1)*s[2]*s[3]]
		for i := range s[2] {
			for j := range s[3] {
				corner := plane[(i-i%r)*s[3]+j-j%r]
				spread = max(spread, math.Abs(plane[i*s[3]+j]-corner)/max(1, math.Abs(corner)))
			}
		}
	}
	return spread
}

// TestICNRBlocksAreConstant checks the defining property of ICNR: after
// it, a convolution followed by PixelShuffle(r) gives outputs constant over
// every r×r block, whatever the input, and equal to nearest-neighbour
// up-sampling of the convolution with the filter ICNR started from. A
// random filter of the same shape, the control, must fail the property.
func TestICNRBlocksAreConstant(t *testing.T) {
	tests := []icnrCase{
		{tensor.Float64, 1, 8, 3, 1, 1, 2},
		{tensor.Float64, 3, 2, 3, 1, 1, 2},
		{tensor.Float64, 2, 3, 1, 1, 1, 3},
		{tensor.Float64, 2, 2, 5, 2, 1, 2},
		{tensor.Float64, 2, 3, 3, 1, 2, 4},
		{tensor.Float64, 2, 2, 5, 1, 1, 1},
		{tensor.Float32, 1, 8, 3, 1, 1, 2},
		{tensor.Float32, 4, 3, 3, 2, 1, 3},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range tests {
		t.Run(c.String(), func(t *testing.T) {
			tol := 1e-12
			if c.dt == tensor.Float32 {
				tol = 1e-5
			}
			for range 3 { // three inputs and filters per case
				xShape := tensor.Shape{2, c.cin, 6, 5}
				xs := make([]float64, xShape.TotalSize())
				nnops.Normal(0, 1)(rng, 0, xs)
				x := denseOf(c.dt, xShape, xs)
				w0, w := icnrFilter(t, rng, c)
				sub, near := subPixel(t, c, x, w, w0)
				if d := blockSpread(sub, c.r); d > tol {
					t.Errorf("after ICNR, an r×r block varies by %g", d)
				}
				if !sub.Shape().Eq(near.Shape()) {
					t.Fatalf("sub-pixel shape %v, nearest shape %v", sub.Shape(), near.Shape())
				}
				got := floats(sub)
				for i, v := range floats(near) {
					if math.Abs(got[i]-v) > tol*max(1, math.Abs(v)) {
						t.Fatalf("[%d] = %v, nearest up-sampling of the small convolution gives %v", i, got[i], v)
					}
				}
				if c.r == 1 {
					continue // every filter passes: blocks are single pixels
				}
				random := make([]float64, w.Shape().TotalSize())
				nnops.Normal(0, 1)(rng, 0, random)
				sub, _ = subPixel(t, c, x, denseOf(c.dt, w.Shape(), random), w0)
				if d := blockSpread(sub, c.r); d < 0.1 {
					t.Errorf("a random filter also gives constant blocks (spread %g): the test cannot tell", d)
				}
			}
		})
	}
}

// TestICNRLayout checks the channel order on a filter of distinct values:
// channel c·r²+i is channel c of w0, for every i.
func TestICNRLayout(t *testing.T) {
	w0 := []float64{1, 2, 3, 4, 5, 6} // (2, 3, 1, 1)
	got, err := nnops.ICNR(w0, tensor.Shape{2, 3, 1, 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6, 4, 5, 6, 4, 5, 6}
	if !slices.Equal(got, want) {
		t.Errorf("ICNR = %v, want %v", got, want)
	}
}

// TestICNRErrors checks that bad arguments are reported, never a panic.
func TestICNRErrors(t *testing.T) {
	tests := []struct {
		n     int
		shape tensor.Shape
		r     int
		want  string
	}{
		{9, tensor.Shape{1, 1, 3, 3}, 0, "factor r must be at least 1, got 0"},
		{9, tensor.Shape{1, 1, 3, 3}, -2, "factor r must be at least 1, got -2"},
		{9, tensor.Shape{1, 9}, 2, "shape must be 4-D (C, C_in, kH, kW), got (1, 9)"},
		{0, tensor.Shape{1, 0, 3, 3}, 2, "shape (1, 0, 3, 3) has an empty dimension"},
		{8, tensor.Shape{1, 1, 3, 3}, 2, "filter has 8 values, shape (1, 1, 3, 3) needs 9"},
	}
	for _, tt := range tests {
		_, err32 := nnops.ICNR(make([]float32, tt.n), tt.shape, tt.r)
		_, err64 := nnops.ICNR(make([]float64, tt.n), tt.shape, tt.r)
		for _, err := range []error{err32, err64} {
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ICNR(%d values, %v, %d): %v, want %q", tt.n, tt.shape, tt.r, err, tt.want)
			}
		}
	}
}
