package main

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gorgonia-ext/convtranspose"
)

// discriminatorNames lists the discriminator's learnables in the order of Discriminator.learnables.
var discriminatorNames = []string{"d.conv1", "d.conv2", "d.bn2.scale", "d.bn2.shift", "d.out"}

// initDiscriminator draws the discriminator's weights like initGenerator does.
func initDiscriminator(a Arch, rng *rand.Rand) weights {
	c1, c2 := a.DiscWidth/2, a.DiscWidth
	return weights{
		"d.conv1":     normal(rng, 0, 0.02, c1, 1, 4, 4),
		"d.conv2":     normal(rng, 0, 0.02, c2, c1, 4, 4),
		"d.bn2.scale": normal(rng, 1, 0.02, c2),
		"d.bn2.shift": zeros(c2),
		"d.out":       normal(rng, 0, 0.02, 1, c2, 7, 7),
	}
}

// Discriminator maps images (N, 1, 28, 28) to logits (N): large for images it takes for real MNIST digits.
// Its layers are strided convolutions, with the filter layout (C_out, C_in, kH, kW):
//
//	x (N, 1, 28, 28) → Conv2d k4 s2 p1 → (N, D/2, 14, 14) → LeakyReLU(0.2)
//	                 → Conv2d k4 s2 p1 → (N, D, 7, 7)      → batch norm → LeakyReLU(0.2)
//	                 → Conv2d k7       → (N, 1, 1, 1)      → logit
//
// The sigmoid is left to the loss (binary cross-entropy with logits).
type Discriminator struct {
	Conv1, Conv2, Out *G.Node // convolution filters
	Scale2, Shift2    *G.Node // batch norm after Conv2, (D)
}

// newDiscriminator binds the weights w into graph g.
func newDiscriminator(g *G.ExprGraph, w weights) (*Discriminator, error) {
	n, err := w.nodes(g, discriminatorNames...)
	if err != nil {
		return nil, fmt.Errorf("discriminator: %w", err)
	}
	return &Discriminator{Conv1: n[0], Conv2: n[1], Scale2: n[2], Shift2: n[3], Out: n[4]}, nil
}

// learnables returns the discriminator's learnable nodes, in the order of discriminatorNames.
func (m *Discriminator) learnables() G.Nodes {
	return G.Nodes{m.Conv1, m.Conv2, m.Scale2, m.Shift2, m.Out}
}

// forward returns the logits (N) of the images x (N, 1, 28, 28). Applied to two batches in one graph,
// it shares the weights and normalises each batch with its own statistics, as PyTorch's DCGAN does.
func (m *Discriminator) forward(x *G.Node) (*G.Node, error) {
	h, err := conv(x, m.Conv1, 2, 1)
	if err != nil {
		return nil, fmt.Errorf("discriminator: conv1: %w", err)
	}
	if h, err = leakyReLU(h, 0.2); err != nil {
		return nil, fmt.Errorf("discriminator: conv1: %w", err)
	}
	if h, err = conv(h, m.Conv2, 2, 1); err != nil {
		return nil, fmt.Errorf("discriminator: conv2: %w", err)
	}
	if h, err = batchNorm(h, m.Scale2, m.Shift2); err != nil {
		return nil, fmt.Errorf("discriminator: conv2: %w", err)
	}
	if h, err = leakyReLU(h, 0.2); err != nil {
		return nil, fmt.Errorf("discriminator: conv2: %w", err)
	}
	if h, err = conv(h, m.Out, 1, 0); err != nil {
		return nil, fmt.Errorf("discriminator: out: %w", err)
	}
	if h, err = G.Reshape(h, tensor.Shape{x.Shape()[0]}); err != nil {
		return nil, fmt.Errorf("discriminator: out: %w", err)
	}
	return h, nil
}

// conv is a square convolution with equal stride and padding on both axes. It uses this module's Conv2d,
// built from the same kernels as ConvTranspose2d, rather than gorgonia.Conv2d, which works through
// Im2Col, a matrix product and a Transpose node, each materialised, and is about twice as slow here.
func conv(x, filter *G.Node, stride, pad int) (*G.Node, error) {
	return convtranspose.Conv2d(x, filter, convtranspose.WithStride(stride, stride), convtranspose.WithPadding(pad, pad))
}
