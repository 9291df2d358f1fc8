package convtranspose_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// padNodes builds Conv2d and ConvTranspose2d with a padding mode and
// returns the pad node (the child of the convolution) and the fold node
// (the transposed convolution's output).
func padNodes(t *testing.T, g *G.ExprGraph, mode ct.PaddingMode, bias bool) (pad, fold *G.Node) {
	t.Helper()
	rng := rand.New(rand.NewPCG(31, 32))
	x := constant(g, []int{2, 3, 5, 4}, randoms(rng, 120), "x")
	w := constant(g, []int{3, 3, 3, 3}, randoms(rng, 81), "w")
	opts := []ct.Option{ct.WithPads(1, 2, 2, 1), ct.WithPaddingMode(mode)}
	conv, err := ct.Conv2d(x, w, opts...)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range children(g, conv) {
		if n.Op() != nil && strings.HasPrefix(n.Op().String(), "Pad{") {
			pad = n
		}
	}
	if pad == nil {
		t.Fatalf("Conv2d with %v padding has no pad node among its children", mode)
	}
	if bias {
		opts = append(opts, ct.WithBias(constant(g, []int{3}, randoms(rng, 3), "b")))
	}
	fold, err = ct.ConvTranspose2d(conv, w, append(opts, ct.WithOutputSize(5, 4))...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(fold.Op().String(), "Fold{") {
		t.Fatalf("ConvTranspose2d with %v padding ends in %v, want a fold", mode, fold.Op())
	}
	return pad, fold
}

// children returns n's inputs, in order.
func children(g *G.ExprGraph, n *G.Node) []*G.Node {
	var cs []*G.Node
	for it := g.From(n.ID()); it.Next(); {
		cs = append(cs, it.Node().(*G.Node))
	}
	return cs
}

// childValues returns the values of n's inputs after a run.
func childValues(g *G.ExprGraph, n *G.Node) []G.Value {
	var vs []G.Value
	for _, c := range children(g, n) {
		vs = append(vs, c.Value())
	}
	return vs
}

// TestPadOpsDoAndPrealloc checks that Do and UsePreallocDo of both ops give
// the values the graph computed, in both dtypes, and that UsePreallocDo
// writes into the value it is given.
func TestPadOpsDoAndPrealloc(t *testing.T) {
	for _, mode := range allModes[1:] {
		t.Run(mode.String(), func(t *testing.T) {
			g := G.NewGraph()
			pad, fold := padNodes(t, g, mode, true)
			run(t, g)
			for _, n := range []*G.Node{pad, fold} {
				inputs := childValues(g, n)
				got, err := n.Op().Do(inputs...)
				if err != nil {
					t.Fatal(err)
				}
				want := n.Value().Data().([]float64)
				if !slices.Equal(got.Data().([]float64), want) {
					t.Errorf("%v: Do differs from the graph's value", n.Op())
				}
				prealloc := tensor.New(tensor.WithShape(n.Shape()...), tensor.Of(tensor.Float64))
				got, err = n.Op().(G.UsePreallocDoer).UsePreallocDo(prealloc, inputs...)
				if err != nil {
					t.Fatal(err)
				}
				if got != G.Value(prealloc) || !slices.Equal(prealloc.Data().([]float64), want) {
					t.Errorf("%v: UsePreallocDo did not fill the preallocated value", n.Op())
				}
				// float32 inputs give float32 results close to the float64 ones.
				in32 := make([]G.Value, len(inputs))
				for i, v := range inputs {
					d := v.Data().([]float64)
					f := make([]float32, len(d))
					for j := range d {
						f[j] = float32(d[j])
					}
					in32[i] = tensor.New(tensor.WithShape(v.Shape()...), tensor.WithBacking(f))
				}
				got, err = n.Op().Do(in32...)
				if err != nil {
					t.Fatal(err)
				}
				for i, v := range got.Data().([]float32) {
					if math.Abs(float64(v)-want[i]) > 1e-4*(1+math.Abs(want[i])) {
						t.Fatalf("%v: float32 Do[%d] = %v, want %v", n.Op(), i, v, want[i])
					}
				}
			}
		})
	}
}

// TestPadOpsErrors checks that bad inputs give errors, not panics.
func TestPadOpsErrors(t *testing.T) {
	g := G.NewGraph()
	pad, fold := padNodes(t, g, ct.PaddingReflect, true)
	x := tensor.New(tensor.WithShape(2, 3, 5, 4), tensor.Of(tensor.Float64))
	padded := tensor.New(tensor.WithShape(2, 3, 8, 7), tensor.Of(tensor.Float64))
	b := tensor.New(tensor.WithShape(3), tensor.Of(tensor.Float64))
	cases := []struct {
		name     string
		n        *G.Node
		inputs   []G.Value
		prealloc G.Value
		want     string
	}{
		{"pad arity", pad, []G.Value{x, x}, nil, "expected 1 inputs, got 2"},
		{"pad 3-D", pad, []G.Value{tensor.New(tensor.WithShape(3, 5, 4), tensor.Of(tensor.Float64))}, nil, "must be 4-D"},
		{"pad reflect too big", pad, []G.Value{tensor.New(tensor.WithShape(1, 1, 2, 4), tensor.Of(tensor.Float64))}, nil, "reflect padding must be smaller than the height 2, got 1 and 2"},
		{"pad int", pad, []G.Value{tensor.New(tensor.WithShape(1, 1, 5, 4), tensor.Of(tensor.Int))}, nil, "float32 or float64"},
		{"pad prealloc shape", pad, []G.Value{x}, x, "preallocated value"},
		{"fold arity", fold, []G.Value{padded}, nil, "expected 2 inputs"},
		{"fold smaller than padding", fold, []G.Value{tensor.New(tensor.WithShape(2, 3, 2, 7), tensor.Of(tensor.Float64)), b}, nil, "smaller than the padding"},
		{"fold bias shape", fold, []G.Value{padded, tensor.New(tensor.WithShape(4), tensor.Of(tensor.Float64))}, nil, "bias must have shape (3)"},
		{"fold mixed dtypes", fold, []G.Value{padded, tensor.New(tensor.WithShape(3), tensor.Of(tensor.Float32))}, nil, "dtype"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.prealloc != nil {
				_, err = c.n.Op().(G.UsePreallocDoer).UsePreallocDo(c.prealloc, c.inputs...)
			} else {
				_, err = c.n.Op().Do(c.inputs...)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
	shapes := []G.DimSizer{tensor.Shape{1, 1, 2, 4}}
	if _, err := pad.Op().InferShape(shapes...); err == nil || !strings.Contains(err.Error(), "reflect padding") {
		t.Errorf("InferShape: error %v, want the reflect rule", err)
	}
}

// TestPadNodesNotMerged checks that pad and fold nodes differing in mode,
// padding or bias have distinct hashes and stay distinct nodes, while equal
// ones are merged.
func TestPadNodesNotMerged(t *testing.T) {
	g := G.NewGraph()
	rng := rand.New(rand.NewPCG(33, 34))
	x := constant(g, []int{1, 1, 4, 4}, randoms(rng, 16), "x")
	w := constant(g, []int{1, 1, 3, 3}, randoms(rng, 9), "w")
	b := constant(g, []int{1}, []float64{0.5}, "b")
	variants := map[string][]ct.Option{
		"circular":       {ct.WithPaddingMode(ct.PaddingCircular), ct.WithPadding(1, 1)},
		"reflect":        {ct.WithPaddingMode(ct.PaddingReflect), ct.WithPadding(1, 1)},
		"replicate":      {ct.WithPaddingMode(ct.PaddingReplicate), ct.WithPadding(1, 1)},
		"top":            {ct.WithPaddingMode(ct.PaddingReplicate), ct.WithPads(2, 0, 1, 1)},
		"bottom":         {ct.WithPaddingMode(ct.PaddingReplicate), ct.WithPads(0, 2, 1, 1)},
		"left":           {ct.WithPaddingMode(ct.PaddingReplicate), ct.WithPads(1, 1, 2, 0)},
		"right":          {ct.WithPaddingMode(ct.PaddingReplicate), ct.WithPads(1, 1, 0, 2)},
		"circular, bias": {ct.WithPaddingMode(ct.PaddingCircular), ct.WithPadding(1, 1), ct.WithBias(b)},
	}
	for _, transposed := range []bool{false, true} {
		seen := map[uint32]string{}
		values := map[string][]float64{}
		nodes := map[string]*G.Node{}
		for name, opts := range variants {
			var n *G.Node
			var err error
			if transposed {
				n, err = ct.ConvTranspose2d(x, w, opts...)
			} else {
				n, err = ct.Conv2d(x, w, opts...)
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			nodes[name] = n
			if transposed { // the fold op carries the mode and paddings
				h := n.Op().Hashcode()
				if other, ok := seen[h]; ok {
					t.Errorf("%s and %s share the hash %d", name, other, h)
				}
				seen[h] = name
			}
			again, _ := ct.Conv2d(x, w, opts...)
			if transposed {
				again, _ = ct.ConvTranspose2d(x, w, opts...)
			}
			if again != n {
				t.Errorf("%s: an identical node was not merged", name)
			}
		}
		run(t, g)
		for name, n := range nodes {
			v := n.Value().Data().([]float64)
			for other, ov := range values {
				if len(ov) == len(v) && slices.Equal(ov, v) {
					t.Errorf("transposed %t: %s and %s give the same values", transposed, name, other)
				}
			}
			values[name] = v
		}
	}
}
