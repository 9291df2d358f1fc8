package convtranspose

import (
	"fmt"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// benchLayers are the layers the benchmark command reports, as
// (N, C_in, side) → C_out with a square kernel k, stride 2, padding 1 and
// output padding op.
var benchLayers = []struct {
	n, cin, cout, side, k, op int
}{
	{64, 128, 64, 7, 4, 0},
	{64, 256, 128, 4, 4, 0},
	{16, 64, 32, 32, 4, 0},
	{8, 256, 128, 16, 3, 1},
}

// BenchmarkConvTranspose2dTape runs the op on the TapeMachine, forward
// alone and with the gradients of x and the filter, as a training loop
// does: the allocations it reports are those of one run in steady state.
func BenchmarkConvTranspose2dTape(b *testing.B) {
	for _, l := range benchLayers {
		for _, backward := range []bool{false, true} {
			pass := "fwd"
			if backward {
				pass = "fwd+bwd"
			}
			name := fmt.Sprintf("%dx%dx%dx%d_to_%d_k%ds2p1op%d/%s", l.n, l.cin, l.side, l.side, l.cout, l.k, l.op, pass)
			b.Run(name, func(b *testing.B) {
				g := G.NewGraph()
				x := G.NewTensor(g, tensor.Float32, 4, G.WithShape(l.n, l.cin, l.side, l.side), G.WithName("x"), G.WithInit(G.GlorotU(1)))
				w := G.NewTensor(g, tensor.Float32, 4, G.WithShape(l.cin, l.cout, l.k, l.k), G.WithName("w"), G.WithInit(G.GlorotU(1)))
				y, err := ConvTranspose2d(x, w, WithStride(2, 2), WithPadding(1, 1), WithOutputPadding(l.op, l.op))
				if err != nil {
					b.Fatal(err)
				}
				if backward {
					if _, err := Grad(G.Must(G.Sum(y)), x, w); err != nil {
						b.Fatal(err)
					}
				}
				m := G.NewTapeMachine(g)
				defer m.Close()
				b.ReportAllocs()
				for b.Loop() {
					if err := m.RunAll(); err != nil {
						b.Fatal(err)
					}
					m.Reset()
				}
			})
		}
	}
}
