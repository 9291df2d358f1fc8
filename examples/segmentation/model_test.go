package main

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestModelShapes builds every variant, checks the shapes of its outputs and takes two training steps
// on a blank-and-one-digit batch: the loss must be finite and must fall.
func TestModelShapes(t *testing.T) {
	archs := []Arch{
		{Width: 2, Upsample: Transposed, Kernel: 2},
		{Width: 2, Upsample: Transposed, Kernel: 3},
		{Width: 2, Upsample: Transposed, Kernel: 4, Norm: true},
		{Width: 2, Upsample: Nearest, Norm: true},
		{Width: 2, Upsample: Bilinear},
		{Width: 4, Upsample: PixelShuffle},
	}
	for _, a := range archs {
		p := initParams(a, rand.New(rand.NewPCG(1, 1)))
		g := G.NewGraph()
		m, err := newModel(g, a, p)
		if err != nil {
			t.Fatalf("%+v: %v", a, err)
		}
		x := G.NewTensor(g, G.Float32, 4, G.WithShape(2, 1, Height, Width), G.WithName("x"))
		logits, up, err := m.forward(x)
		if err != nil {
			t.Fatalf("%+v: %v", a, err)
		}
		if want := (tensor.Shape{2, Classes, Height, Width}); !logits.Shape().Eq(want) {
			t.Errorf("%+v: logits %v, want %v", a, logits.Shape(), want)
		}
		if want := (tensor.Shape{2, a.Width, Height, Width}); !up.Shape().Eq(want) {
			t.Errorf("%+v: up-sampled %v, want %v", a, up.Shape(), want)
		}
		want := 2 * len(a.layers()) // a filter and a bias each
		if a.Norm {
			want = 3*len(a.layers()) - 1 // a filter, a scale and a shift each, and the head's bias
		}
		if len(m.learnables()) != want {
			t.Errorf("%+v: %d learnables, want %d", a, len(m.learnables()), want)
		}

		tr, err := newTrainer(a, p, 2, optim{LR: 1e-2})
		if err != nil {
			t.Fatalf("%+v: %v", a, err)
		}
		s := Sample{Pixels: make([]uint8, Height*Width), Mask: make([]uint8, Height*Width)}
		for y := 20; y < 30; y++ {
			for x := 30; x < 34; x++ {
				s.Pixels[y*Width+x], s.Mask[y*Width+x] = 255, 2
			}
		}
		if err := fillBatch(float32s(tr.x), tr.labels, []Sample{s, s}); err != nil {
			t.Fatal(err)
		}
		var losses []float32
		for i := 0; i < 3; i++ {
			l, err := tr.step()
			if err != nil {
				t.Fatalf("%+v: step %d: %v", a, i, err)
			}
			losses = append(losses, l)
		}
		tr.Close()
		if math.IsNaN(float64(losses[2])) || !(losses[2] < losses[0]) {
			t.Errorf("%+v: losses %v, want finite and falling", a, losses)
		}
	}
}

func TestArchErrors(t *testing.T) {
	for _, a := range []Arch{
		{Width: 3, Upsample: Nearest},
		{Width: 0, Upsample: Nearest},
		{Width: 4, Upsample: Upsampling(9)},
		{Width: 4, Upsample: Transposed, Kernel: 5},
	} {
		if err := a.check(); err == nil {
			t.Errorf("%+v: no error", a)
		}
	}
}

func TestUpsamplingFlag(t *testing.T) {
	for _, m := range Upsamplings {
		var u Upsampling
		if err := u.Set(m.String()); err != nil || u != m {
			t.Errorf("Set(%q) = %v, %v; want %v", m.String(), u, err, m)
		}
	}
	var u Upsampling
	if err := u.Set("deconv"); err == nil {
		t.Error(`Set("deconv"): no error`)
	}
}

func TestCosineRate(t *testing.T) {
	if r := cosineRate(1, 0, 100); r != 1 {
		t.Errorf("rate at step 0 = %v, want 1", r)
	}
	if r := cosineRate(1, 100, 100); math.Abs(r-0.05) > 1e-12 {
		t.Errorf("rate at the end = %v, want 0.05", r)
	}
	if r := cosineRate(1, 50, 100); math.Abs(r-0.525) > 1e-12 {
		t.Errorf("rate half way = %v, want 0.525", r)
	}
}
