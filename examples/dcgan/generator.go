package main

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gorgonia-ext/convtranspose"
)

// generatorNames lists the generator's learnables in the order of Generator.learnables.
var generatorNames = []string{"g.project", "g.bn0.scale", "g.bn0.shift", "g.up1", "g.bn1.scale", "g.bn1.shift", "g.up2"}

// initGenerator draws the generator's weights as the DCGAN paper does: filters from N(0, 0.02²),
// batch-norm scales from N(1, 0.02²), shifts zero. No layer has a bias: batch norm removes it, and the
// last layer's tanh is centred.
func initGenerator(a Arch, rng *rand.Rand) weights {
	c0, c1 := a.GenWidth, a.GenWidth/2
	return weights{
		"g.project":   normal(rng, 0, 0.02, a.Z, c0, 7, 7),
		"g.bn0.scale": normal(rng, 1, 0.02, c0),
		"g.bn0.shift": zeros(c0),
		"g.up1":       normal(rng, 0, 0.02, c0, c1, 4, 4),
		"g.bn1.scale": normal(rng, 1, 0.02, c1),
		"g.bn1.shift": zeros(c1),
		"g.up2":       normal(rng, 0, 0.02, c1, 1, 4, 4),
	}
}

// Generator maps latent vectors (N, Z) to images (N, 1, 28, 28) in [−1, 1]. Every layer is a transposed
// convolution, with PyTorch's filter layout (C_in, C_out, kH, kW):
//
//	z (N, Z, 1, 1)  → ConvTranspose2d k7        → (N, C, 7, 7)    → batch norm → ReLU
//	                → ConvTranspose2d k4 s2 p1  → (N, C/2, 14, 14) → batch norm → ReLU
//	                → ConvTranspose2d k4 s2 p1  → (N, 1, 28, 28)   → tanh
type Generator struct {
	Project, Up1, Up2 *G.Node // transposed-convolution filters
	Scale0, Shift0    *G.Node // batch norm after Project, (C)
	Scale1, Shift1    *G.Node // batch norm after Up1, (C/2)
}

// newGenerator binds the weights w into graph g.
func newGenerator(g *G.ExprGraph, w weights) (*Generator, error) {
	n, err := w.nodes(g, generatorNames...)
	if err != nil {
		return nil, fmt.Errorf("generator: %w", err)
	}
	return &Generator{Project: n[0], Scale0: n[1], Shift0: n[2], Up1: n[3], Scale1: n[4], Shift1: n[5], Up2: n[6]}, nil
}

// learnables returns the generator's learnable nodes, in the order of generatorNames.
func (m *Generator) learnables() G.Nodes {
	return G.Nodes{m.Project, m.Scale0, m.Shift0, m.Up1, m.Scale1, m.Shift1, m.Up2}
}

// forward returns the images drawn from z (N, Z).
func (m *Generator) forward(z *G.Node) (*G.Node, error) {
	zs := z.Shape()
	x, err := G.Reshape(z, tensor.Shape{zs[0], zs[1], 1, 1})
	if err != nil {
		return nil, fmt.Errorf("generator: latent %v: %w", zs, err)
	}
	if x, err = upBlock(x, m.Project, m.Scale0, m.Shift0, 1, 0); err != nil {
		return nil, fmt.Errorf("generator: project: %w", err)
	}
	if x, err = upBlock(x, m.Up1, m.Scale1, m.Shift1, 2, 1); err != nil {
		return nil, fmt.Errorf("generator: up1: %w", err)
	}
	if x, err = convT(x, m.Up2, 2, 1); err != nil {
		return nil, fmt.Errorf("generator: up2: %w", err)
	}
	if x, err = G.Tanh(x); err != nil {
		return nil, fmt.Errorf("generator: tanh: %w", err)
	}
	return x, nil
}

// convT is a square transposed convolution with equal stride and padding on both axes.
func convT(x, filter *G.Node, stride, pad int) (*G.Node, error) {
	return convtranspose.ConvTranspose2d(x, filter, convtranspose.WithStride(stride, stride), convtranspose.WithPadding(pad, pad))
}

// upBlock is a transposed convolution followed by batch norm and ReLU.
func upBlock(x, filter, scale, shift *G.Node, stride, pad int) (*G.Node, error) {
	y, err := convT(x, filter, stride, pad)
	if err != nil {
		return nil, err
	}
	if y, err = batchNorm(y, scale, shift); err != nil {
		return nil, err
	}
	return G.Rectify(y)
}
