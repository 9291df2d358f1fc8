package main

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"gorgonia.org/tensor"
)

// golden is testdata/golden.json, written by testdata/make_golden.py with PyTorch.
type golden struct {
	Arch    Arch
	Weights map[string]goldenTensor
	Z       goldenTensor            `json:"z"`
	Real    goldenTensor            `json:"real"`
	DLoss   float64                 `json:"d_loss"`
	GLoss   float64                 `json:"g_loss"`
	DGrads  map[string]goldenTensor `json:"d_grads"`
	GGrads  map[string]goldenTensor `json:"g_grads"`
}

type goldenTensor struct {
	Shape []int
	Data  []float64
}

func (g goldenTensor) dense() *tensor.Dense {
	d := make([]float32, len(g.Data))
	for i, v := range g.Data {
		d[i] = float32(v)
	}
	return tensor.New(tensor.WithShape(g.Shape...), tensor.WithBacking(d))
}

// TestGradientsMatchPyTorch binds PyTorch's weights and inputs into both training graphs and compares
// the losses, and the gradients each solver would receive, with PyTorch's.
func TestGradientsMatchPyTorch(t *testing.T) {
	b, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var gd golden
	if err := json.Unmarshal(b, &gd); err != nil {
		t.Fatal(err)
	}
	// golden.json holds the batch-norm scales and shifts as (1, C, 1, 1), the shape that broadcasts in
	// make_golden.py; the model holds them as (C). Every weight takes the model's shape.
	shapes := rand.New(rand.NewPCG(0, 0))
	gw, dw := initGenerator(gd.Arch, shapes), initDiscriminator(gd.Arch, shapes)
	if n := len(gw) + len(dw); len(gd.Weights) != n {
		t.Fatalf("golden.json has %d weights, the model %d", len(gd.Weights), n)
	}
	for name, v := range gd.Weights {
		w := dw
		if name[0] == 'g' {
			w = gw
		}
		model, ok := w[name]
		if !ok {
			t.Fatalf("golden.json has weights %q, which the model lacks", name)
		}
		d := v.dense()
		if err := d.Reshape(model.Shape()...); err != nil {
			t.Fatalf("golden weights %q of shape %v: %v", name, v.Shape, err)
		}
		w[name] = d
	}
	batch := gd.Z.Shape[0]
	tr, err := newTrainer(gd.Arch, gw, dw, batch, 1e-3, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	copy(float32s(tr.z), float32s(gd.Z.dense()))
	copy(float32s(tr.real), float32s(gd.Real.dense()))

	for _, p := range []struct {
		ph    *phase
		loss  float64
		grads map[string]goldenTensor
	}{{&tr.d, gd.DLoss, gd.DGrads}, {&tr.g, gd.GLoss, gd.GGrads}} {
		if err := p.ph.vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		if got := float64(p.ph.loss.Value().Data().(float32)); math.Abs(got-p.loss) > 1e-5*math.Abs(p.loss) {
			t.Errorf("%s loss = %v, PyTorch %v", p.ph.name, got, p.loss)
		}
		if len(p.ph.learn) != len(p.grads) {
			t.Errorf("%s step updates %d tensors, PyTorch differentiates %d", p.ph.name, len(p.ph.learn), len(p.grads))
		}
		for _, n := range p.ph.learn {
			want, ok := p.grads[n.Name()]
			if !ok {
				t.Errorf("%s step: no PyTorch gradient for %s", p.ph.name, n.Name())
				continue
			}
			g, err := n.Grad()
			if err != nil {
				t.Fatal(err)
			}
			got := float32s(g.(tensor.Tensor))
			scale := 0.0 // compare relative to the largest component
			for _, v := range want.Data {
				scale = math.Max(scale, math.Abs(v))
			}
			worst := 0.0
			for i, v := range want.Data {
				worst = math.Max(worst, math.Abs(float64(got[i])-v))
			}
			if worst > 1e-4*scale {
				t.Errorf("%s step: gradient of %s is off by up to %.3g (largest component %.3g)", p.ph.name, n.Name(), worst, scale)
			}
		}
		p.ph.vm.Reset()
	}
}
