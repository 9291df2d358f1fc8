package main

import (
	"fmt"
	"math"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
	"github.com/gorgonia-ext/convtranspose/nnops"
)

// The artifact experiment: a constant image of inChannels channels,
// inSide×inSide, up-sampled by 2 to one channel by a freshly initialised
// layer. Any pattern in the output is the layer's own.
const (
	inChannels = 8
	inSide     = 16
	outSide    = 2 * inSide
	border     = 4 // pixels near the border, where zero padding shows, are left out of the measure
)

// method is one way of up-sampling by 2 with learnable weights.
type method struct {
	name, file string
	// build returns the layer's output for x, with weights from draw.
	build func(g *G.ExprGraph, x *G.Node, draw drawFunc) (*G.Node, error)
}

var methods = []method{
	{"transposed convolution, k3 s2", "artifact-transposed-k3s2.png", func(g *G.ExprGraph, x *G.Node, draw drawFunc) (*G.Node, error) {
		w := weights(g, draw, []int{inChannels, 1, 3, 3}, inChannels*9)
		return ct.ConvTranspose2d(x, w, ct.WithStride(2, 2), ct.WithPadding(1, 1), ct.WithOutputPadding(1, 1))
	}},
	{"transposed convolution, k4 s2", "artifact-transposed-k4s2.png", func(g *G.ExprGraph, x *G.Node, draw drawFunc) (*G.Node, error) {
		w := weights(g, draw, []int{inChannels, 1, 4, 4}, inChannels*16)
		return ct.ConvTranspose2d(x, w, ct.WithStride(2, 2), ct.WithPadding(1, 1))
	}},
	{"nearest resize, conv k3", "artifact-nearest-conv.png", func(g *G.ExprGraph, x *G.Node, draw drawFunc) (*G.Node, error) {
		return resizeConv(g, x, draw, nnops.Nearest)
	}},
	{"bilinear resize, conv k3", "artifact-bilinear-conv.png", func(g *G.ExprGraph, x *G.Node, draw drawFunc) (*G.Node, error) {
		return resizeConv(g, x, draw, nnops.Bilinear)
	}},
	{"conv k3, pixel shuffle, random init", "artifact-shuffle-random.png", func(g *G.ExprGraph, x *G.Node, draw drawFunc) (*G.Node, error) {
		w := weights(g, draw, []int{4, inChannels, 3, 3}, inChannels*9)
		return subPixel(x, w)
	}},
	{"conv k3, pixel shuffle, ICNR init", "artifact-shuffle-icnr.png", func(g *G.ExprGraph, x *G.Node, draw drawFunc) (*G.Node, error) {
		w0 := draw(inChannels*9, inChannels*9)
		w, err := nnops.ICNR(w0, tensor.Shape{1, inChannels, 3, 3}, 2)
		if err != nil {
			return nil, err
		}
		return subPixel(x, constant(g, "w", w, 4, inChannels, 3, 3))
	}},
}

func resizeConv(g *G.ExprGraph, x *G.Node, draw drawFunc, mode nnops.UpsampleMode) (*G.Node, error) {
	up, err := nnops.Upsample2d(x, nnops.WithMode(mode), nnops.WithScale(2, 2))
	if err != nil {
		return nil, err
	}
	w := weights(g, draw, []int{1, inChannels, 3, 3}, inChannels*9)
	return ct.Conv2d(up, w, ct.WithPadding(1, 1))
}

func subPixel(x, w *G.Node) (*G.Node, error) {
	y, err := ct.Conv2d(x, w, ct.WithPadding(1, 1))
	if err != nil {
		return nil, err
	}
	return nnops.PixelShuffle(y, 2)
}

// A drawFunc returns n initial weights of a layer whose output pixels each
// sum fanIn products.
type drawFunc func(n, fanIn int) []float64

// uniform draws weights uniformly in ±1/√fanIn, PyTorch's default
// initialisation of convolutions.
func uniform(rng *rand.Rand) drawFunc {
	return func(n, fanIn int) []float64 {
		bound := 1 / math.Sqrt(float64(fanIn))
		v := make([]float64, n)
		for i := range v {
			v[i] = bound * (2*rng.Float64() - 1)
		}
		return v
	}
}

// equal sets every weight to 1/fanIn, a layer that spreads each input
// pixel evenly over the taps: what remains in its output is the overlap.
func equal(n, fanIn int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1 / float64(fanIn)
	}
	return v
}

func weights(g *G.ExprGraph, draw drawFunc, shape []int, fanIn int) *G.Node {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return constant(g, "w", draw(n, fanIn), shape...)
}

func constant(g *G.ExprGraph, name string, data []float64, shape ...int) *G.Node {
	t := tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
	return G.NewTensor(g, tensor.Float64, len(shape), G.WithShape(shape...), G.WithName(name), G.WithValue(t))
}

// respond returns what m, with weights from draw, makes of a constant image
// of ones: an outSide×outSide map.
func respond(m method, draw drawFunc) ([]float64, error) {
	g := G.NewGraph()
	ones := make([]float64, inChannels*inSide*inSide)
	for i := range ones {
		ones[i] = 1
	}
	x := constant(g, "x", ones, 1, inChannels, inSide, inSide)
	y, err := m.build(g, x, draw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.name, err)
	}
	if s := y.Shape(); !s.Eq(tensor.Shape{1, 1, outSide, outSide}) {
		return nil, fmt.Errorf("%s: output shape %v, want (1, 1, %d, %d)", m.name, s, outSide, outSide)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return nil, fmt.Errorf("%s: %w", m.name, err)
	}
	return append([]float64(nil), y.Value().Data().([]float64)...), nil
}

// spread measures how far the interior of an outSide×outSide map, border
// pixels in from each side, is from constant: its standard deviation over
// its root mean square, 0 for a constant map and 1 for one that averages
// to zero.
func spread(v []float64) float64 {
	var interior []float64
	for i := border; i < outSide-border; i++ {
		interior = append(interior, v[i*outSide+border:(i+1)*outSide-border]...)
	}
	n := float64(len(interior))
	var sum float64
	for _, x := range interior {
		sum += x
	}
	mean := sum / n
	var dev, sq float64
	for _, x := range interior {
		dev += (x - mean) * (x - mean)
		sq += x * x
	}
	if sq == 0 {
		return 0
	}
	return math.Sqrt(dev / sq)
}
