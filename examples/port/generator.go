package main

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// batchNormEps is nn.BatchNorm2d's default eps, which a state_dict does not
// store.
const batchNormEps = 1e-5

// A layer is one nn.ConvTranspose2d, with the BatchNorm2d that follows it
// folded into its weight and bias, and its activation.
type layer struct {
	name       string // the state_dict prefix of the convolution, e.g. "3"
	weight     *G.Node
	bias       *G.Node
	opts       []ct.Option
	activation func(*G.Node) (*G.Node, error)
}

// Generator is the PyTorch generator of make_generator.py:
//
//	nn.ConvTranspose2d(8, 16, 4, 1, 0, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
//	nn.ConvTranspose2d(16, 8, 4, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
//	nn.ConvTranspose2d(8, 1, 3, 2, 1, output_padding=1), nn.Tanh()
//
// in eval mode. Its learnables are the weights and biases of its layers.
type Generator struct {
	layers []layer
}

// spec describes one layer of the PyTorch module: the indexes of its
// convolution and of the BatchNorm2d after it (-1 for none), and the
// convolution's arguments.
type spec struct {
	conv, norm                     int
	stride, padding, outputPadding int
	activation                     func(*G.Node) (*G.Node, error)
}

var generatorSpec = []spec{
	{conv: 0, norm: 1, stride: 1, padding: 0, activation: G.Rectify},
	{conv: 3, norm: 4, stride: 2, padding: 1, activation: G.Rectify},
	{conv: 6, norm: -1, stride: 2, padding: 1, outputPadding: 1, activation: G.Tanh},
}

// NewGenerator builds the generator's learnables in g from a PyTorch
// state_dict, folding each BatchNorm2d (in eval mode: running statistics)
// into the ConvTranspose2d before it:
//
//	scale = γ / √(running_var + eps),  W'[:, c] = W[:, c]·scale[c],  b'[c] = (b[c] − running_mean[c])·scale[c] + β[c]
//
// The weights keep PyTorch's layout (C_in, C_out, kH, kW), which is the one
// convtranspose.ConvTranspose2d takes.
func NewGenerator(g *G.ExprGraph, state map[string]*tensor.Dense) (*Generator, error) {
	m := &Generator{}
	for _, s := range generatorSpec {
		name := fmt.Sprint(s.conv)
		w, err := float32s(state, name+".weight", 4)
		if err != nil {
			return nil, err
		}
		shape := state[name+".weight"].Shape()
		cout, plane := shape[1], shape[2]*shape[3]
		bias := make([]float32, cout)
		if _, ok := state[name+".bias"]; ok {
			if bias, err = float32s(state, name+".bias", 1); err != nil {
				return nil, err
			}
		}
		if len(bias) != cout {
			return nil, fmt.Errorf("layer %s: bias has %d values, the weight %v has %d output channels", name, len(bias), shape, cout)
		}
		w = append([]float32(nil), w...) // the state is not modified
		bias = append([]float32(nil), bias...)
		if s.norm >= 0 {
			if err := foldBatchNorm(state, fmt.Sprint(s.norm), w, bias, plane); err != nil {
				return nil, fmt.Errorf("layer %s: %w", name, err)
			}
		}
		m.layers = append(m.layers, layer{
			name:   name,
			weight: G.NewTensor(g, tensor.Float32, 4, G.WithShape(shape...), G.WithName("w"+name), G.WithValue(tensor.New(tensor.WithShape(shape...), tensor.WithBacking(w)))),
			bias:   G.NewVector(g, tensor.Float32, G.WithShape(cout), G.WithName("b"+name), G.WithValue(tensor.New(tensor.WithShape(cout), tensor.WithBacking(bias)))),
			opts: []ct.Option{ct.WithStride(s.stride, s.stride), ct.WithPadding(s.padding, s.padding),
				ct.WithOutputPadding(s.outputPadding, s.outputPadding)},
			activation: s.activation,
		})
	}
	return m, nil
}

// foldBatchNorm scales the output channels of w (C_in, C_out, plane) and
// shifts bias by the BatchNorm2d whose state_dict prefix is name.
func foldBatchNorm(state map[string]*tensor.Dense, name string, w, bias []float32, plane int) error {
	var p [4][]float32
	for i, field := range []string{"weight", "bias", "running_mean", "running_var"} {
		v, err := float32s(state, name+"."+field, 1)
		if err != nil {
			return err
		}
		if len(v) != len(bias) {
			return fmt.Errorf("%s.%s has %d values, want %d (the output channels)", name, field, len(v), len(bias))
		}
		p[i] = v
	}
	gamma, beta, mean, variance := p[0], p[1], p[2], p[3]
	cout := len(bias)
	for c := range cout {
		scale := float64(gamma[c]) / math.Sqrt(float64(variance[c])+batchNormEps)
		bias[c] = float32((float64(bias[c])-float64(mean[c]))*scale + float64(beta[c]))
		for ci := 0; ci < len(w)/(cout*plane); ci++ {
			k := w[(ci*cout+c)*plane:][:plane]
			for j := range k {
				k[j] = float32(float64(k[j]) * scale)
			}
		}
	}
	return nil
}

// float32s returns the data of the named float32 tensor of rank dims.
func float32s(state map[string]*tensor.Dense, name string, dims int) ([]float32, error) {
	t, ok := state[name]
	if !ok {
		return nil, fmt.Errorf("the state_dict has no %q", name)
	}
	if t.Dtype() != tensor.Float32 || t.Dims() != dims {
		return nil, fmt.Errorf("%q must be a %d-D float32 tensor, got %v %v", name, dims, t.Dtype(), t.Shape())
	}
	return t.Data().([]float32), nil
}

// Learnables returns the weights and biases, for a solver.
func (m *Generator) Learnables() G.Nodes {
	var ns G.Nodes
	for _, l := range m.layers {
		ns = append(ns, l.weight, l.bias)
	}
	return ns
}

// Forward returns the images (N, 1, 16, 16) for latent vectors z (N, 8, 1, 1).
func (m *Generator) Forward(z *G.Node) (*G.Node, error) {
	x := z
	for _, l := range m.layers {
		y, err := ct.ConvTranspose2d(x, l.weight, append(l.opts, ct.WithBias(l.bias))...)
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", l.name, err)
		}
		if x, err = l.activation(y); err != nil {
			return nil, fmt.Errorf("layer %s activation: %w", l.name, err)
		}
	}
	return x, nil
}
