package nnops

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// benchShapes are the (N, C, H, W) inputs of the benchmarks: a DCGAN-sized
// feature map, a segmentation decoder's, and a small one where overhead
// dominates.
var benchShapes = [][4]int{
	{64, 128, 7, 7},
	{8, 64, 32, 32},
	{1, 3, 8, 8},
}

func shapeName(s [4]int) string { return fmt.Sprintf("N%dC%dH%dW%d", s[0], s[1], s[2], s[3]) }

var benchSink gorgonia.Value

// benchOp times UsePreallocDo of op on a random input of shape in.
func benchOp(b *testing.B, op linearOp, dt tensor.Dtype, in []int) {
	out, err := op.outShape(in)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	x := randTensor(rng, dt, in...)
	y := tensor.New(tensor.Of(dt), tensor.WithShape(out...))
	pre := op.(gorgonia.UsePreallocDoer)
	b.SetBytes(int64((in[0]*in[1]*in[2]*in[3] + out.TotalSize()) * int(dt.Size())))
	b.ResetTimer()
	for range b.N {
		if benchSink, err = pre.UsePreallocDo(y, x); err != nil {
			b.Fatal(err)
		}
	}
}

func dtName(dt tensor.Dtype) string {
	if dt == tensor.Float32 {
		return "f32"
	}
	return "f64"
}

func BenchmarkUpsample2d(b *testing.B) {
	for _, mode := range []UpsampleMode{Nearest, Bilinear} {
		for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
			for _, s := range benchShapes {
				h, w, err := upsampleAxes(s[2], s[3], WithMode(mode), WithScale(2, 2))
				if err != nil {
					b.Fatal(err)
				}
				op := &upsampleOp{h: h, w: w}
				b.Run(fmt.Sprintf("%v/%s/%sx2", mode, dtName(dt), shapeName(s)), func(b *testing.B) {
					benchOp(b, op, dt, s[:])
				})
				b.Run(fmt.Sprintf("%v-adjoint/%s/%sx2", mode, dtName(dt), shapeName(s)), func(b *testing.B) {
					benchOp(b, op.adjoint(), dt, []int{s[0], s[1], h.Out, w.Out})
				})
			}
		}
	}
}

func BenchmarkPixelShuffle(b *testing.B) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		for _, s := range benchShapes {
			in := []int{s[0], s[1] * 4, s[2], s[3]}
			b.Run(fmt.Sprintf("%s/%sr2", dtName(dt), shapeName([4]int(in))), func(b *testing.B) {
				benchOp(b, &pixelShuffleOp{r: 2}, dt, in)
			})
			b.Run(fmt.Sprintf("unshuffle/%s/%sr2", dtName(dt), shapeName(s)), func(b *testing.B) {
				benchOp(b, &pixelShuffleOp{r: 2, unshuffle: true}, dt, []int{s[0], s[1], s[2] * 2, s[3] * 2})
			})
		}
	}
}

// BenchmarkUpsample2dGraph compares nearest ×2 up-sampling, forward and
// backward on the TapeMachine, with Gorgonia's own Upsample2D as the
// baseline.
func BenchmarkUpsample2dGraph(b *testing.B) {
	impls := []struct {
		name string
		up   func(*gorgonia.Node) (*gorgonia.Node, error)
	}{
		{"nnops", func(x *gorgonia.Node) (*gorgonia.Node, error) { return Upsample2d(x) }},
		{"gorgonia", func(x *gorgonia.Node) (*gorgonia.Node, error) { return gorgonia.Upsample2D(x, 2) }},
	}
	for _, s := range benchShapes[1:] {
		for _, impl := range impls {
			b.Run(fmt.Sprintf("%s/f32/%sx2", impl.name, shapeName(s)), func(b *testing.B) {
				g := gorgonia.NewGraph()
				rng := rand.New(rand.NewPCG(2, 2))
				x := gorgonia.NewTensor(g, tensor.Float32, 4, gorgonia.WithShape(s[:]...), gorgonia.WithName("x"),
					gorgonia.WithValue(randTensor(rng, tensor.Float32, s[:]...)))
				y, err := impl.up(x)
				if err != nil {
					b.Fatal(err)
				}
				cost := gorgonia.Must(gorgonia.Sum(y))
				if _, err := gorgonia.Grad(cost, x); err != nil {
					b.Fatal(err)
				}
				m := gorgonia.NewTapeMachine(g)
				defer m.Close()
				b.ResetTimer()
				for range b.N {
					if err := m.RunAll(); err != nil {
						b.Fatal(err)
					}
					m.Reset()
				}
			})
		}
	}
}
