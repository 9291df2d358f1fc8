package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"

	ct "github.com/gorgonia-ext/convtranspose"
	"github.com/gorgonia-ext/convtranspose/nnops"
)

func randoms(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// subPixelAndNearest returns PixelShuffle(Conv2d(x, w), r) and
// Upsample2d(Conv2d(x, w0), nearest, r) for x (2, cin, 5, 4).
func subPixelAndNearest(t *testing.T, x, w, w0 []float64, cout, cin, k, r int) (sub, near []float64) {
	t.Helper()
	g := G.NewGraph()
	xn := constant(g, "x", x, 2, cin, 5, 4)
	pad := ct.WithPadding(k/2, k/2)
	conv, err := ct.Conv2d(xn, constant(g, "w", w, cout*r*r, cin, k, k), pad)
	if err != nil {
		t.Fatal(err)
	}
	shuffled, err := nnops.PixelShuffle(conv, r)
	if err != nil {
		t.Fatal(err)
	}
	conv0, err := ct.Conv2d(xn, constant(g, "w0", w0, cout, cin, k, k), pad)
	if err != nil {
		t.Fatal(err)
	}
	nearest, err := nnops.Upsample2d(conv0, nnops.WithMode(nnops.Nearest), nnops.WithScale(r, r))
	if err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	if !shuffled.Shape().Eq(nearest.Shape()) {
		t.Fatalf("shapes %v and %v", shuffled.Shape(), nearest.Shape())
	}
	return shuffled.Value().Data().([]float64), nearest.Value().Data().([]float64)
}

func maxDiff(a, b []float64) float64 {
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

// At initialisation, a sub-pixel convolution whose filter icnr made is
// nearest-neighbour up-sampling of the convolution with the filter it was
// made from; with an ordinary random filter it is not.
func TestICNRIsNearestUpsamplingAtInit(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct{ cout, cin, k, r int }{
		{1, 8, 3, 2}, {3, 2, 3, 2}, {2, 3, 1, 3}, {2, 2, 5, 1},
	} {
		x := randoms(rng, 2*c.cin*5*4)
		w0 := randoms(rng, c.cout*c.cin*c.k*c.k)
		kept := slices.Clone(w0)
		w, err := icnr(w0, [4]int{c.cout, c.cin, c.k, c.k}, c.r)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(w0, kept) {
			t.Fatalf("%+v: icnr modified its input", c)
		}
		sub, near := subPixelAndNearest(t, x, w, w0, c.cout, c.cin, c.k, c.r)
		if d := maxDiff(sub, near); d > 1e-12 {
			t.Errorf("%+v: sub-pixel convolution with ICNR differs from nearest up-sampling by %g", c, d)
		}
		if c.r == 1 {
			continue
		}
		random := randoms(rng, len(w))
		sub, near = subPixelAndNearest(t, x, random, w0, c.cout, c.cin, c.k, c.r)
		if d := maxDiff(sub, near); d < 0.1 {
			t.Errorf("%+v: a random filter also matches nearest up-sampling (difference %g): the test cannot tell", c, d)
		}
	}
}

func TestICNRErrors(t *testing.T) {
	tests := []struct {
		w     []float64
		shape [4]int
		r     int
		want  string
	}{
		{make([]float64, 9), [4]int{1, 1, 3, 3}, 0, "factor r must be at least 1, got 0"},
		{make([]float64, 9), [4]int{1, 0, 3, 3}, 2, "has an empty dimension"},
		{make([]float64, 8), [4]int{1, 1, 3, 3}, 2, "filter has 8 values, shape [1 1 3 3] needs 9"},
	}
	for _, tt := range tests {
		if _, err := icnr(tt.w, tt.shape, tt.r); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("icnr(%d values, %v, %d): %v, want %q", len(tt.w), tt.shape, tt.r, err, tt.want)
		}
	}
}
