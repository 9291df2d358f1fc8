package main

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Arch sizes the two networks.
type Arch struct {
	Z         int // length of the latent vector
	GenWidth  int // generator channels at 7x7; it has GenWidth/2 at 14x14
	DiscWidth int // discriminator channels at 7x7; it has DiscWidth/2 at 14x14
}

// check reports an architecture that cannot be built.
func (a Arch) check() error {
	if a.Z < 1 || a.GenWidth < 2 || a.DiscWidth < 2 {
		return fmt.Errorf("architecture %+v: want Z ≥ 1 and widths ≥ 2", a)
	}
	return nil
}

// weights holds the learnable tensors of one network by name. Graphs do not own them: every graph that
// uses a network binds its nodes to these same tensors, so an update by the solver of one graph is seen
// by all the others.
type weights map[string]*tensor.Dense

// normal returns a float32 tensor of the given shape drawn from N(mean, std²) with rng.
// It replaces gorgonia's initialisers (GlorotN, Gaussian, ...), which draw from the global math/rand source
// and so cannot be seeded per run.
func normal(rng *rand.Rand, mean, std float64, shape ...int) *tensor.Dense {
	n := tensor.Shape(shape).TotalSize()
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(mean + std*rng.NormFloat64())
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// zeros returns a float32 tensor of zeros.
func zeros(shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.Of(tensor.Float32))
}

// node binds the named tensor of w into graph g as a learnable node.
func (w weights) node(g *G.ExprGraph, name string) (*G.Node, error) {
	t, ok := w[name]
	if !ok {
		return nil, fmt.Errorf("no weights named %q", name)
	}
	return G.NewTensor(g, G.Float32, t.Dims(), G.WithShape(t.Shape()...), G.WithName(name), G.WithValue(t)), nil
}

// nodes binds the named tensors of w into g, in the order of names.
func (w weights) nodes(g *G.ExprGraph, names ...string) ([]*G.Node, error) {
	out := make([]*G.Node, len(names))
	for i, name := range names {
		n, err := w.node(g, name)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// size returns the number of scalars in w.
func (w weights) size() int {
	n := 0
	for _, t := range w {
		n += t.Shape().TotalSize()
	}
	return n
}

// float32s returns the backing slice of a float32 tensor.
func float32s(t tensor.Tensor) []float32 {
	return t.Data().([]float32)
}
