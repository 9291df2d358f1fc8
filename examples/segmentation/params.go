package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// params holds the learnable tensors of a model by name. Graphs do not own them: the training graph and
// the evaluation graph bind their nodes to the same tensors, so the solver's updates reach both.
type params map[string]*tensor.Dense

// heNormal returns a float32 tensor of the given shape drawn from N(0, 2/fanIn), He et al.'s
// initialisation for layers followed by a ReLU.
func heNormal(rng *rand.Rand, fanIn int, shape ...int) *tensor.Dense {
	std := math.Sqrt(2 / float64(fanIn))
	data := make([]float32, tensor.Shape(shape).TotalSize())
	for i := range data {
		data[i] = float32(std * rng.NormFloat64())
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// zeros returns a float32 tensor of zeros.
func zeros(shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.Of(tensor.Float32))
}

// names returns the names of p, sorted.
func (p params) names() []string {
	out := make([]string, 0, len(p))
	for name := range p {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// bind binds every tensor of p into g as a learnable node, by name.
func (p params) bind(g *G.ExprGraph) map[string]*G.Node {
	out := make(map[string]*G.Node, len(p))
	for name, t := range p {
		out[name] = G.NewTensor(g, G.Float32, t.Dims(), G.WithShape(t.Shape()...), G.WithName(name), G.WithValue(t))
	}
	return out
}

// size returns the number of scalars in p.
func (p params) size() int {
	n := 0
	for _, t := range p {
		n += t.Shape().TotalSize()
	}
	return n
}

// sameShapes reports an error naming the first tensor of p that q lacks or holds with another shape.
func (p params) sameShapes(q params) error {
	for _, name := range p.names() {
		t, ok := q[name]
		if !ok {
			return fmt.Errorf("no weights %q", name)
		}
		if !slices.Equal([]int(t.Shape()), []int(p[name].Shape())) {
			return fmt.Errorf("weights %q have shape %v, want %v", name, t.Shape(), p[name].Shape())
		}
	}
	if len(q) != len(p) {
		return fmt.Errorf("%d weights, want %d", len(q), len(p))
	}
	return nil
}

// float32s returns the backing slice of a float32 tensor.
func float32s(t tensor.Tensor) []float32 {
	return t.Data().([]float32)
}
