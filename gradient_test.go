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
			r := constant(g, shape, randoms(rng, shape.TotalSize()), "r")
			loss := G.Must(G.Sum(G.Must(G.HadamardProd(G.Must(G.Square(y)), r))))
			grads, err := G.Grad(loss, x, w, b)
			if err != nil {
				t.Fatal(err)
			}
			// A scalar function of the first gradients, as a gradient penalty is.
			penalty := G.Must(G.Add(G.Must(G.Sum(G.Must(G.Square(grads[0])))), G.Must(G.Sum(G.Must(G.Square(grads[1]))))))
			second, err := ct.Grad(penalty, x, w, b)
			if err != nil {
				t.Fatal(err)
			}
			m := G.NewTapeMachine(g)
			defer m.Close()
			eval := func(n *G.Node) float64 {
				m.Reset()
				if err := m.RunAll(); err != nil {
					t.Fatal(err)
				}
				return n.Value().Data().(float64)
			}
			for _, f := range []struct {
				name  string
				out   *G.Node
				grads G.Nodes
			}{{"loss", loss, grads}, {"penalty", penalty, second}} {
				eval(f.out)
				analytic := make([][]float64, 3)
				for i, gr := range f.grads {
					analytic[i] = append([]float64(nil), gr.Value().Data().([]float64)...)
				}
				for i, in := range []*G.Node{x, w, b} {
					data := in.Value().Data().([]float64)
					for j := range data {
						const h = 1e-5
						orig := data[j]
						data[j] = orig + h
						up := eval(f.out)
						data[j] = orig - h
						down := eval(f.out)
						data[j] = orig
						numeric := (up - down) / (2 * h)
						if d := math.Abs(numeric - analytic[i][j]); d > 1e-5*(1+math.Abs(numeric)) {
							t.Fatalf("d%s/d%s[%d]: analytic %v, numeric %v", f.name, in.Name(), j, analytic[i][j], numeric)
						}
					}
				}
			}
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
			g1, in1, loss1 := build()
			grads, err := G.Grad(loss1, in1...)
			if err != nil {
				t.Fatal(err)
			}
			run(t, g1)
			g2, in2, _ := build()
			lm := G.NewLispMachine(g2)
			defer lm.Close()
			if err := lm.RunAll(); err != nil {
				t.Fatal(err)
			}
			tol := 1e-10
			if dt == tensor.Float32 {
				tol = 1e-3
			}
			for i := range in1 {
				lisp, err := in2[i].Grad()
				if err != nil {
					t.Fatal(err)
				}
				a, b := asFloat64s(grads[i].Value()), asFloat64s(lisp)
				for j := range a {
					if math.Abs(a[j]-b[j]) > tol*(1+math.Abs(a[j])) {
						t.Fatalf("%s[%d]: TapeMachine %v, LispMachine %v", in1[i].Name(), j, a[j], b[j])
					}
				}
			}
		})
	}
}

func asFloat64s(v G.Value) []float64 {
	switch d := v.Data().(type) {
	case []float64:
		return d
	case []float32:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out
	}
	return nil
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
