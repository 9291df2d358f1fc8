package main

import (
	"fmt"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
)

// The default model, as run by `go run ./examples/dcgan`.
var benchArch, benchBatch = defaultOptions().Arch, defaultOptions().Batch

// BenchmarkStep times one training step (a D update and a G update) of the default model on random
// images; it needs no data.
func BenchmarkStep(b *testing.B) {
	name := fmt.Sprintf("batch=%d/z=%d/g=%d/d=%d", benchBatch, benchArch.Z, benchArch.GenWidth, benchArch.DiscWidth)
	b.Run(name, func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 1))
		gw, dw := initGenerator(benchArch, rng), initDiscriminator(benchArch, rng)
		tr, err := newTrainer(benchArch, gw, dw, benchBatch, 2e-4, 0.5)
		if err != nil {
			b.Fatal(err)
		}
		defer tr.Close()
		for i := range float32s(tr.real) {
			float32s(tr.real)[i] = 2*rng.Float32() - 1
		}
		fillNormal(rng, float32s(tr.z))
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, _, err := tr.step(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGeneratorConvTranspose times the generator's three ConvTranspose2d layers as one training step
// runs them: forward twice (in the D graph and in the G graph) and backward once (filter gradients of
// all three, input gradients of the two upper ones), at the default model's shapes. Each layer gets its
// own random input, and the backward pass starts from a random output gradient (the loss Σ y·r); the
// elementwise products and sums that this adds are a small part of the time. Compared with
// BenchmarkStep, it tells how much of a step the transposed convolutions take.
func BenchmarkGeneratorConvTranspose(b *testing.B) {
	a, n := benchArch, benchBatch
	c0, c1 := a.GenWidth, a.GenWidth/2
	layers := []struct {
		in, filter []int
		stride     int
		pad        int
		inputGrad  bool
	}{
		{[]int{n, a.Z, 1, 1}, []int{a.Z, c0, 7, 7}, 1, 0, false},
		{[]int{n, c0, 7, 7}, []int{c0, c1, 4, 4}, 2, 1, true},
		{[]int{n, c1, 14, 14}, []int{c1, 1, 4, 4}, 2, 1, true},
	}
	name := fmt.Sprintf("batch=%d/z=%d/g=%d", n, a.Z, a.GenWidth)
	b.Run(name, func(b *testing.B) {
		rng := rand.New(rand.NewPCG(2, 2))
		build := func(backward bool) (G.VM, error) {
			g := G.NewGraph()
			var losses, wrt G.Nodes
			for i, l := range layers {
				x := G.NewTensor(g, G.Float32, 4, G.WithShape(l.in...), G.WithName(fmt.Sprintf("x%d", i)), G.WithValue(normal(rng, 0, 1, l.in...)))
				w := G.NewTensor(g, G.Float32, 4, G.WithShape(l.filter...), G.WithName(fmt.Sprintf("w%d", i)), G.WithValue(normal(rng, 0, 0.02, l.filter...)))
				y, err := convT(x, w, l.stride, l.pad)
				if err != nil {
					return nil, err
				}
				if !backward {
					continue
				}
				r := G.NewTensor(g, G.Float32, 4, G.WithShape(y.Shape()...), G.WithName(fmt.Sprintf("r%d", i)), G.WithValue(normal(rng, 0, 1, y.Shape()...)))
				loss, err := G.Sum(G.Must(G.HadamardProd(y, r)))
				if err != nil {
					return nil, err
				}
				losses = append(losses, loss)
				wrt = append(wrt, w)
				if l.inputGrad {
					wrt = append(wrt, x)
				}
			}
			if !backward {
				return G.NewTapeMachine(g), nil
			}
			total, err := G.ReduceAdd(losses)
			if err != nil {
				return nil, err
			}
			if _, err := G.Grad(total, wrt...); err != nil {
				return nil, err
			}
			return G.NewTapeMachine(g, G.BindDualValues(wrt...)), nil
		}
		fwd, err := build(false)
		if err != nil {
			b.Fatal(err)
		}
		defer fwd.Close()
		fwdBwd, err := build(true)
		if err != nil {
			b.Fatal(err)
		}
		defer fwdBwd.Close()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			for _, vm := range []G.VM{fwd, fwdBwd} {
				if err := vm.RunAll(); err != nil {
					b.Fatal(err)
				}
				vm.Reset()
			}
		}
	})
}
