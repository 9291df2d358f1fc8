package nnops

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// bnBenchShapes are the batch norms of a DCGAN on MNIST at batch 32: the
// generator's two and the discriminator's.
var bnBenchShapes = [][]int{{32, 64, 7, 7}, {32, 32, 14, 14}}

// BenchmarkBatchNorm2d times a forward and backward pass (the gradients
// with respect to x, scale and shift, from a given output gradient r) on the
// TapeMachine, float32:
// BatchNorm2d, and beside it the same normalisation composed of Gorgonia's
// reductions and broadcasts.
func BenchmarkBatchNorm2d(b *testing.B) {
	for _, shape := range bnBenchShapes {
		for _, impl := range []struct {
			name  string
			build func(x, scale, shift *gorgonia.Node) (*gorgonia.Node, error)
		}{{"fused", func(x, scale, shift *gorgonia.Node) (*gorgonia.Node, error) {
			return BatchNorm2d(x, scale, shift)
		}}, {"composed", composedBatchNorm}} {
			b.Run(fmt.Sprintf("%s/float32/%v", impl.name, shape), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 2))
				c := shape[1]
				g := gorgonia.NewGraph()
				x := gorgonia.NewTensor(g, tensor.Float32, 4, gorgonia.WithShape(shape...), gorgonia.WithName("x"),
					gorgonia.WithValue(randomF32(rng, shape...)))
				scale := gorgonia.NewVector(g, tensor.Float32, gorgonia.WithShape(c), gorgonia.WithName("scale"),
					gorgonia.WithValue(randomF32(rng, c)))
				shift := gorgonia.NewVector(g, tensor.Float32, gorgonia.WithShape(c), gorgonia.WithName("shift"),
					gorgonia.WithValue(randomF32(rng, c)))
				r := gorgonia.NewTensor(g, tensor.Float32, 4, gorgonia.WithShape(shape...), gorgonia.WithName("r"),
					gorgonia.WithValue(randomF32(rng, shape...)))
				y, err := impl.build(x, scale, shift)
				if err != nil {
					b.Fatal(err)
				}
				// r is the output's gradient: no cost node to differentiate
				if _, err := gorgonia.Backpropagate(gorgonia.Nodes{y}, gorgonia.Nodes{r}, gorgonia.Nodes{x, scale, shift}); err != nil {
					b.Fatal(err)
				}
				m := gorgonia.NewTapeMachine(g, gorgonia.BindDualValues(x, scale, shift))
				defer m.Close()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if err := m.RunAll(); err != nil {
						b.Fatal(err)
					}
					m.Reset()
				}
			})
		}
	}
}

func randomF32(rng *rand.Rand, shape ...int) *tensor.Dense {
	d := make([]float32, tensor.Shape(shape).TotalSize())
	for i := range d {
		d[i] = float32(rng.NormFloat64())
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(d))
}

// composedBatchNorm is BatchNorm2d written with Gorgonia's own operations,
// for comparison: scale and shift are reshaped to (1, C, 1, 1) and every
// per-channel statistic is broadcast to the shape of x.
func composedBatchNorm(x, scale, shift *gorgonia.Node) (*gorgonia.Node, error) {
	perChannel := tensor.Shape{1, x.Shape()[1], 1, 1}
	bc := []byte{0, 2, 3}
	mean := gorgonia.Must(gorgonia.Reshape(gorgonia.Must(gorgonia.Mean(x, 0, 2, 3)), perChannel))
	xc := gorgonia.Must(gorgonia.BroadcastSub(x, mean, nil, bc))
	variance := gorgonia.Must(gorgonia.Mean(gorgonia.Must(gorgonia.Square(xc)), 0, 2, 3))
	eps := gorgonia.NewConstant(float32(DefaultBatchNormEpsilon))
	sd := gorgonia.Must(gorgonia.Reshape(gorgonia.Must(gorgonia.Sqrt(gorgonia.Must(gorgonia.Add(variance, eps)))), perChannel))
	gain := gorgonia.Must(gorgonia.HadamardDiv(gorgonia.Must(gorgonia.Reshape(scale, perChannel)), sd))
	y := gorgonia.Must(gorgonia.BroadcastHadamardProd(xc, gain, nil, bc))
	return gorgonia.BroadcastAdd(y, gorgonia.Must(gorgonia.Reshape(shift, perChannel)), nil, bc)
}
