package nnops

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// LayerConfig describes a convolution layer: its channels and kernel, the
// options of the operation, and how its values are initialised. The zero
// values of the optional fields give PyTorch's defaults.
type LayerConfig struct {
	Name        string       // prefix of the weight and bias node names; must be unique in the graph
	InChannels  int          // C_in
	OutChannels int          // C_out
	Kernel      [2]int       // kH, kW
	Groups      int          // channel groups; 0 means 1
	Options     []ConvOption // stride, padding, dilation, ... (WithGroups and WithBias are added by the layer)
	NoBias      bool         // leave out the bias
	Dtype       tensor.Dtype // Float32 (the default, when zero) or Float64
	Weight      Initializer  // default KaimingUniform, as PyTorch
	Bias        Initializer  // default U(−1/√fanIn, 1/√fanIn), as PyTorch
	Rand        *rand.Rand   // source of the initial values; required unless both initialisers ignore it
}

// Conv2dLayer is a convolution that owns its weight (C_out, C_in/groups,
// kH, kW) and bias (C_out).
type Conv2dLayer struct{ layer }

// ConvTranspose2dLayer is a transposed convolution that owns its weight
// (C_in, C_out/groups, kH, kW) and bias (C_out).
type ConvTranspose2dLayer struct{ layer }

// layer is what both layers share.
type layer struct {
	Weight, Bias *G.Node // Bias is nil with NoBias
	opts         []ConvOption
}

// NewConv2dLayer adds the weight and bias of a convolution layer to g.
func NewConv2dLayer(g *G.ExprGraph, c LayerConfig) (*Conv2dLayer, error) {
	l, err := newLayer(g, c, false)
	if err != nil {
		return nil, fmt.Errorf("NewConv2dLayer %q: %w", c.Name, err)
	}
	return &Conv2dLayer{l}, nil
}

// NewConvTranspose2dLayer adds the weight and bias of a transposed
// convolution layer to g.
func NewConvTranspose2dLayer(g *G.ExprGraph, c LayerConfig) (*ConvTranspose2dLayer, error) {
	l, err := newLayer(g, c, true)
	if err != nil {
		return nil, fmt.Errorf("NewConvTranspose2dLayer %q: %w", c.Name, err)
	}
	return &ConvTranspose2dLayer{l}, nil
}

// Forward applies the convolution to x (N, C_in, H, W).
func (l *Conv2dLayer) Forward(x *G.Node, extra ...ConvOption) (*G.Node, error) {
	return Conv2d(x, l.Weight, l.options(extra)...)
}

// Forward applies the transposed convolution to x (N, C_in, H, W); extra
// options, such as WithOutputSize, apply to this call only.
func (l *ConvTranspose2dLayer) Forward(x *G.Node, extra ...ConvOption) (*G.Node, error) {
	return ConvTranspose2d(x, l.Weight, l.options(extra)...)
}

// Learnables returns the weight and, if there is one, the bias, for a
// gorgonia solver.
func (l *layer) Learnables() G.Nodes {
	if l.Bias == nil {
		return G.Nodes{l.Weight}
	}
	return G.Nodes{l.Weight, l.Bias}
}

func (l *layer) options(extra []ConvOption) []ConvOption {
	opts := append(append([]ConvOption(nil), l.opts...), extra...)
	if l.Bias != nil {
		opts = append(opts, ct.WithBias(l.Bias))
	}
	return opts
}

func newLayer(g *G.ExprGraph, c LayerConfig, transposed bool) (layer, error) {
	if g == nil {
		return layer{}, fmt.Errorf("graph is nil")
	}
	if c.InChannels <= 0 || c.OutChannels <= 0 || c.Kernel[0] <= 0 || c.Kernel[1] <= 0 || c.Groups < 0 {
		return layer{}, fmt.Errorf("channels, kernel and groups must be positive, got in %d, out %d, kernel %v, groups %d",
			c.InChannels, c.OutChannels, c.Kernel, c.Groups)
	}
	dt := c.Dtype
	if dt == (tensor.Dtype{}) {
		dt = tensor.Float32
	}
	if dt != tensor.Float32 && dt != tensor.Float64 {
		return layer{}, fmt.Errorf("dtype must be float32 or float64, got %v", dt)
	}
	groups := max(c.Groups, 1)
	if c.InChannels%groups != 0 || c.OutChannels%groups != 0 {
		return layer{}, fmt.Errorf("groups %d must divide both channel counts %d and %d", groups, c.InChannels, c.OutChannels)
	}
	shape := tensor.Shape{c.OutChannels, c.InChannels / groups, c.Kernel[0], c.Kernel[1]}
	if transposed {
		shape = tensor.Shape{c.InChannels, c.OutChannels / groups, c.Kernel[0], c.Kernel[1]}
	}
	fanIn := shape[1] * c.Kernel[0] * c.Kernel[1]
	rng := c.Rand
	winit, binit := c.Weight, c.Bias
	if winit == nil {
		winit = KaimingUniform
	}
	if binit == nil {
		binit = KaimingUniform
	}
	if rng == nil {
		return layer{}, fmt.Errorf("Rand is nil: the initial values need a source")
	}
	l := layer{opts: append(append([]ConvOption(nil), c.Options...), ct.WithGroups(groups))}
	l.Weight = G.NewTensor(g, dt, 4, G.WithShape(shape...), G.WithName(c.Name+".weight"), G.WithValue(initialValue(rng, winit, fanIn, dt, shape)))
	if !c.NoBias {
		l.Bias = G.NewVector(g, dt, G.WithShape(c.OutChannels), G.WithName(c.Name+".bias"),
			G.WithValue(initialValue(rng, binit, fanIn, dt, tensor.Shape{c.OutChannels})))
	}
	return l, nil
}

func initialValue(rng *rand.Rand, init Initializer, fanIn int, dt tensor.Dtype, shape tensor.Shape) *tensor.Dense {
	v := make([]float64, shape.TotalSize())
	init(rng, fanIn, v)
	if dt == tensor.Float64 {
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v))
	}
	f := make([]float32, len(v))
	for i, x := range v {
		f[i] = float32(x)
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(f))
}
