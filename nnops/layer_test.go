package nnops_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
	"github.com/gorgonia-ext/convtranspose/nnops"
)

// TestLayerInit checks PyTorch's default initialisation: weights and bias in
// U(−1/√fanIn, 1/√fanIn) with fanIn = weight.shape[1]·kH·kW, filling the
// interval (the extremes come close to the bound, the variance is b²/3).
func TestLayerInit(t *testing.T) {
	g := G.NewGraph()
	rng := rand.New(rand.NewPCG(1, 2))
	tr, err := nnops.NewConvTranspose2dLayer(g, nnops.LayerConfig{Name: "up", InChannels: 64, OutChannels: 32, Kernel: [2]int{4, 4},
		Groups: 2, Options: []nnops.ConvOption{ct.WithStride(2, 2), ct.WithPadding(1, 1)}, Rand: rng})
	if err != nil {
		t.Fatal(err)
	}
	cv, err := nnops.NewConv2dLayer(g, nnops.LayerConfig{Name: "down", InChannels: 32, OutChannels: 64, Kernel: [2]int{3, 3}, Dtype: tensor.Float64, Rand: rng})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		l     G.Nodes
		shape tensor.Shape
		fanIn int
	}{{tr.Learnables(), tensor.Shape{64, 16, 4, 4}, 16 * 16}, {cv.Learnables(), tensor.Shape{64, 32, 3, 3}, 32 * 9}} {
		if !c.l[0].Shape().Eq(c.shape) {
			t.Fatalf("weight shape %v, want %v", c.l[0].Shape(), c.shape)
		}
		bound := 1 / math.Sqrt(float64(c.fanIn))
		for _, n := range c.l {
			v := floats(n.Value())
			var sum2, top float64
			for _, x := range v {
				if math.Abs(x) > bound {
					t.Fatalf("%s: |%v| > bound %v", n.Name(), x, bound)
				}
				sum2 += x * x
				top = math.Max(top, math.Abs(x))
			}
			if len(v) > 1000 {
				if variance := sum2 / float64(len(v)); math.Abs(variance-bound*bound/3) > 0.1*bound*bound/3 {
					t.Errorf("%s: variance %v, want about %v", n.Name(), variance, bound*bound/3)
				}
				if top < 0.98*bound {
					t.Errorf("%s: largest |value| %v, want close to %v", n.Name(), top, bound)
				}
			}
		}
	}
	// The layers compose: down then up gives back the input's spatial size.
	x := G.NewTensor(g, tensor.Float32, 4, G.WithShape(2, 64, 8, 8), G.WithName("x"), G.WithInit(G.Gaussian(0, 1)))
	y, err := tr.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	if !y.Shape().Eq(tensor.Shape{2, 32, 16, 16}) {
		t.Errorf("Forward shape %v, want (2, 32, 16, 16)", y.Shape())
	}
}

func floats(v G.Value) []float64 {
	switch d := v.Data().(type) {
	case []float32:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out
	case []float64:
		return d
	}
	return nil
}

// TestLayerErrors checks the configuration errors.
func TestLayerErrors(t *testing.T) {
	g := G.NewGraph()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		cfg  nnops.LayerConfig
		want string
	}{
		{nnops.LayerConfig{Name: "a", InChannels: 0, OutChannels: 2, Kernel: [2]int{3, 3}, Rand: rng}, "channels, kernel and groups must be positive"},
		{nnops.LayerConfig{Name: "b", InChannels: 4, OutChannels: 6, Kernel: [2]int{3, 3}, Groups: 4, Rand: rng}, "groups 4 must divide both channel counts 4 and 6"},
		{nnops.LayerConfig{Name: "c", InChannels: 4, OutChannels: 6, Kernel: [2]int{3, 3}}, "Rand is nil"},
		{nnops.LayerConfig{Name: "d", InChannels: 4, OutChannels: 6, Kernel: [2]int{3, 3}, Dtype: tensor.Int, Rand: rng}, "dtype must be float32 or float64, got int"},
	} {
		if _, err := nnops.NewConvTranspose2dLayer(g, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.cfg.Name, err, c.want)
		}
	}
}

// TestSaveLoadValues checks the round trip and that a mismatch loads nothing.
func TestSaveLoadValues(t *testing.T) {
	build := func(seed uint64, out int) *nnops.ConvTranspose2dLayer {
		l, err := nnops.NewConvTranspose2dLayer(G.NewGraph(), nnops.LayerConfig{Name: "up", InChannels: 3, OutChannels: out,
			Kernel: [2]int{2, 2}, Weight: nnops.Normal(0, 0.02), Rand: rand.New(rand.NewPCG(seed, 0))})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	a, b := build(1, 4), build(2, 4)
	var buf bytes.Buffer
	if err := nnops.SaveValues(&buf, a.Learnables()); err != nil {
		t.Fatal(err)
	}
	saved := buf.Bytes()
	if err := nnops.LoadValues(bytes.NewReader(saved), b.Learnables()); err != nil {
		t.Fatal(err)
	}
	for i := range a.Learnables() {
		if !slices.Equal(floats(a.Learnables()[i].Value()), floats(b.Learnables()[i].Value())) {
			t.Fatalf("%s differs after the round trip", a.Learnables()[i].Name())
		}
	}
	other := build(3, 5)
	before := floats(other.Weight.Value())
	if err := nnops.LoadValues(bytes.NewReader(saved), other.Learnables()); err == nil || !strings.Contains(err.Error(), `"up.weight" was saved as float32 [3 4 2 2], the node is float32 (3, 5, 2, 2)`) {
		t.Errorf("loading into a different shape: error %v", err)
	}
	if !slices.Equal(before, floats(other.Weight.Value())) {
		t.Error("a failed load changed a value")
	}
}
