package convtranspose_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// TestNodesNotMerged checks that nodes differing in any one parameter are
// distinct nodes with distinct hashes, while identical ones are merged.
func TestNodesNotMerged(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float64, 4, G.WithShape(1, 2, 4, 4), G.WithName("x"))
	w := G.NewTensor(g, tensor.Float64, 4, G.WithShape(2, 2, 3, 3), G.WithName("w"))
	b := G.NewVector(g, tensor.Float64, G.WithShape(2), G.WithName("b"))
	variants := map[string][]ct.Option{
		"default":        nil,
		"stride":         {ct.WithStride(2, 1), ct.WithOutputPadding(1, 0)},
		"stride only":    {ct.WithStride(2, 1)},
		"padding":        {ct.WithPadding(1, 0)},
		"pads":           {ct.WithPads(0, 1, 0, 0)},
		"pads other end": {ct.WithPads(1, 0, 0, 0)},
		"dilation":       {ct.WithDilation(2, 1)},
		"dilation width": {ct.WithDilation(1, 2)},
		"groups":         {ct.WithGroups(2)},
		"bias":           {ct.WithBias(b)},
	}
	seen := map[uint32]string{}
	nodes := map[*G.Node]string{}
	for name, opts := range variants {
		n, err := ct.ConvTranspose2d(x, w, opts...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		h := n.Op().Hashcode()
		if other, ok := seen[h]; ok {
			t.Errorf("%s and %s have the same op hash", name, other)
		}
		if other, ok := nodes[n]; ok {
			t.Errorf("%s and %s were merged into one node", name, other)
		}
		seen[h], nodes[n] = name, name
	}
	again, _ := ct.ConvTranspose2d(x, w, ct.WithDilation(2, 1))
	if nodes[again] != "dilation" {
		t.Errorf("an identical node was not merged")
	}
}

// TestDoAndPrealloc checks that Do and UsePreallocDo give the same values,
// that UsePreallocDo writes into the given value, and that the inputs are
// left as they were, for the op and for the ops its gradients build.
func TestDoAndPrealloc(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	g := G.NewGraph()
	xv := tensor.New(tensor.WithShape(2, 4, 3, 5), tensor.WithBacking(randoms(rng, 120)))
	wv := tensor.New(tensor.WithShape(4, 3, 2, 3), tensor.WithBacking(randoms(rng, 72)))
	bv := tensor.New(tensor.WithShape(6), tensor.WithBacking(randoms(rng, 6)))
	x := G.NewTensor(g, tensor.Float64, 4, G.WithShape(2, 4, 3, 5), G.WithValue(xv), G.WithName("x"))
	w := G.NewTensor(g, tensor.Float64, 4, G.WithShape(4, 3, 2, 3), G.WithValue(wv), G.WithName("w"))
	b := G.NewVector(g, tensor.Float64, G.WithShape(6), G.WithValue(bv), G.WithName("b"))
	y := G.Must(ct.ConvTranspose2d(x, w, ct.WithStride(2, 3), ct.WithPadding(1, 1), ct.WithGroups(2), ct.WithBias(b)))
	grads, err := G.Grad(G.Must(G.Sum(y)), x, w)
	if err != nil {
		t.Fatal(err)
	}
	xs, ws, bs := slices.Clone(xv.Data().([]float64)), slices.Clone(wv.Data().([]float64)), slices.Clone(bv.Data().([]float64))
	run(t, g)
	if !slices.Equal(xs, xv.Data().([]float64)) || !slices.Equal(ws, wv.Data().([]float64)) || !slices.Equal(bs, bv.Data().([]float64)) {
		t.Fatal("running the graph modified an input")
	}
	ones := tensor.New(tensor.WithShape(y.Shape()...), tensor.Of(tensor.Float64))
	ones.Memset(1.0)
	for _, c := range []struct {
		n      *G.Node
		inputs []G.Value
	}{{y, []G.Value{xv, wv, bv}}, {grads[0], []G.Value{ones, wv}}, {grads[1], []G.Value{xv, ones}}} {
		n, inputs := c.n, c.inputs
		done, err := n.Op().Do(inputs...)
		if err != nil {
			t.Fatal(err)
		}
		pre, ok := n.Op().(G.UsePreallocDoer)
		if !ok {
			t.Fatalf("%v is not a UsePreallocDoer", n.Op())
		}
		into := tensor.New(tensor.WithShape(n.Shape()...), tensor.Of(tensor.Float64))
		into.Memset(7.0)
		got, err := pre.UsePreallocDo(into, inputs...)
		if err != nil {
			t.Fatal(err)
		}
		if got != G.Value(into) {
			t.Errorf("%v: UsePreallocDo did not return the preallocated value", n.Op())
		}
		if !slices.Equal(done.Data().([]float64), into.Data().([]float64)) || !slices.Equal(done.Data().([]float64), n.Value().Data().([]float64)) {
			t.Errorf("%v: Do, UsePreallocDo and the machine disagree", n.Op())
		}
		// A preallocated value of the wrong shape is an error, not a panic.
		if _, err := pre.UsePreallocDo(tensor.New(tensor.WithShape(1), tensor.Of(tensor.Float64)), inputs...); err == nil {
			t.Errorf("%v: no error for a preallocated value of the wrong shape", n.Op())
		}
	}
	// Values of the wrong dtype or shape are errors in Do too.
	if _, err := y.Op().Do(tensor.New(tensor.WithShape(2, 4, 3, 5), tensor.Of(tensor.Float32)), wv, bv); err == nil {
		t.Error("no error for mixed dtypes in Do")
	}
	if _, err := y.Op().Do(wv, xv, bv); err == nil {
		t.Error("no error for swapped inputs in Do")
	}
	if _, err := y.Op().Do(xv, wv); err == nil {
		t.Error("no error for a missing bias in Do")
	}
}
