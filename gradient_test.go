package convtranspose_test

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// TestFiniteDifferences checks the first gradients, and the gradient of a
// function of the first gradients, against central differences.
func TestFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	cases := []struct {
		name string
		x, w []int
		opts []ct.Option
	}{
		{"s2_p1_op1", []int{2, 2, 3, 2}, []int{2, 3, 3, 3}, []ct.Option{ct.WithStride(2, 2), ct.WithPadding(1, 1), ct.WithOutputPadding(1, 1)}},
		{"g2_d2", []int{1, 4, 3, 3}, []int{4, 1, 2, 3}, []ct.Option{ct.WithGroups(2), ct.WithDilation(2, 1)}},
		{"pads_same", []int{1, 2, 2, 3}, []int{2, 2, 3, 3}, []ct.Option{ct.WithStride(2, 1), ct.WithAutoPad(ct.AutoPadSameLower)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := G.NewGraph()
			x := constant(g, c.x, randoms(rng, prod(c.x)), "x")
			w := constant(g, c.w, randoms(rng, prod(c.w)), "w")
			shape, err := ct.OutputShape(tensor.Shape(c.x), tensor.Shape(c.w), c.opts...)
			if err != nil {
				t.Fatal(err)
			}
			b := constant(g, []int{shape[1]}, randoms(rng, shape[1]), "b")
			y, err := ct.ConvTranspose2d(x, w, append(c.opts, ct.WithBias(b))...)
			if err != nil {
				t.Fatal(err)
			}
			checkFiniteDifferences(t, g, y, rng, x, w, b)
		})
	}
}

// TestMachinesAgree runs one graph on the TapeMachine (symbolic gradients)
// and the LispMachine (DoDiff) and compares the gradients, in both dtypes.
func TestMachinesAgree(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			build := func() (*G.ExprGraph, G.Nodes, *G.Node) {
				rng := rand.New(rand.NewPCG(13, 14))
				g := G.NewGraph()
				mk := func(shape []int, name string) *G.Node {
					v := randoms(rng, prod(shape))
					var d *tensor.Dense
					if dt == tensor.Float32 {
						f := make([]float32, len(v))
						for i := range v {
							f[i] = float32(v[i])
						}
						d = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(f))
					} else {
						d = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v))
					}
					return G.NewTensor(g, dt, len(shape), G.WithShape(shape...), G.WithValue(d), G.WithName(name))
				}
				x, w, b := mk([]int{3, 4, 5, 4}, "x"), mk([]int{4, 3, 4, 3}, "w"), mk([]int{6}, "b")
				y := G.Must(ct.ConvTranspose2d(x, w, ct.WithStride(2, 2), ct.WithPadding(1, 0), ct.WithGroups(2), ct.WithBias(b)))
				// The output feeds a second transposed convolution and a convolution, so
				// gradients from several consumers must add up.
				w2 := mk([]int{6, 2, 3, 3}, "w2")
				z := G.Must(ct.ConvTranspose2d(y, w2))
				wc := mk([]int{2, 6, 3, 3}, "wc")
				c := G.Must(ct.Conv2d(y, wc, ct.WithPadding(1, 1)))
				loss := G.Must(G.Add(G.Must(G.Sum(G.Must(G.Square(z)))), G.Must(G.Sum(G.Must(G.Square(c))))))
				return g, G.Nodes{x, w, b, w2, wc}, loss
			}
			machinesAgree(t, dt, build)
		})
	}
}

// TestGradOfGradient shows the difference between Grad and gorgonia.Grad on
// the smallest graph where a second gradient shares nodes with the first:
// y = x⊙w, dx = ∂Σy²/∂x = 2·x⊙w², P = Σ dx², ∂P/∂x = 8·x⊙w⁴.
func TestGradOfGradient(t *testing.T) {
	build := func(grad func(*G.Node, ...*G.Node) (G.Nodes, error)) []float64 {
		g := G.NewGraph()
		x := constant(g, []int{3}, []float64{1, 2, 3}, "x")
		w := constant(g, []int{3}, []float64{0.5, -1, 2}, "w")
		y := G.Must(G.HadamardProd(x, w))
		first, err := G.Grad(G.Must(G.Sum(G.Must(G.Square(y)))), x)
		if err != nil {
			t.Fatal(err)
		}
		second, err := grad(G.Must(G.Sum(G.Must(G.Square(first[0])))), x)
		if err != nil {
			t.Fatal(err)
		}
		run(t, g)
		return second[0].Value().Data().([]float64)
	}
	want := []float64{8 * 1 * 0.0625, 8 * 2 * 1, 8 * 3 * 16}
	got := build(ct.Grad)
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("Grad: ∂P/∂x = %v, want %v", got, want)
		}
	}
	if wrong := build(G.Grad); wrong[2] == want[2] {
		t.Logf("gorgonia.Grad now gets ∂P/∂x right (%v): its second-order bug may be fixed", wrong)
	}
}
