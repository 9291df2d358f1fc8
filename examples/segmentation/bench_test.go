package main

import (
	"fmt"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gorgonia-ext/convtranspose"
)

// encoderLayers are the encoder's convolutions at width 16 and batch 16: input shape, output channels,
// stride.
var encoderLayers = []struct {
	in     [4]int
	out    int
	stride int
}{
	{[4]int{16, 16, 64, 84}, 16, 1}, // dec1 at full resolution
	{[4]int{16, 16, 64, 84}, 32, 2}, // down1
	{[4]int{16, 32, 32, 42}, 32, 1}, // enc2
	{[4]int{16, 64, 16, 21}, 64, 1}, // mid1
}

// BenchmarkEncoderConv times one 3x3 convolution of the encoder, forward and backward (gradients with
// respect to the input and the filter), built with this module's Conv2d and with gorgonia.Conv2d.
func BenchmarkEncoderConv(b *testing.B) {
	for _, l := range encoderLayers {
		for _, impl := range []string{"convtranspose", "gorgonia"} {
			name := fmt.Sprintf("%s/x%dx%dx%dx%d/c%d/s%d", impl, l.in[0], l.in[1], l.in[2], l.in[3], l.out, l.stride)
			b.Run(name, func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 1))
				g := G.NewGraph()
				x := G.NewTensor(g, G.Float32, 4, G.WithShape(l.in[:]...), G.WithName("x"),
					G.WithValue(heNormal(rng, 1, l.in[:]...)))
				w := G.NewTensor(g, G.Float32, 4, G.WithShape(l.out, l.in[1], 3, 3), G.WithName("w"),
					G.WithValue(heNormal(rng, 9*l.in[1], l.out, l.in[1], 3, 3)))
				var y *G.Node
				var err error
				if impl == "convtranspose" {
					y, err = convtranspose.Conv2d(x, w, convtranspose.WithStride(l.stride, l.stride), convtranspose.WithPadding(1, 1))
				} else {
					y, err = G.Conv2d(x, w, tensor.Shape{3, 3}, []int{1, 1}, []int{l.stride, l.stride}, []int{1, 1})
				}
				if err != nil {
					b.Fatal(err)
				}
				cost := G.Must(G.Sum(y))
				if _, err := G.Grad(cost, x, w); err != nil {
					b.Fatal(err)
				}
				vm := G.NewTapeMachine(g, G.BindDualValues(x, w))
				defer vm.Close()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if err := vm.RunAll(); err != nil {
						b.Fatal(err)
					}
					vm.Reset()
				}
			})
		}
	}
}
