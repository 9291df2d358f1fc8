package convtranspose_test

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// checkFiniteDifferences compares the gradients of L = Σ r·y² and of
// P = Σ (∂L/∂x)² + Σ (∂L/∂w)² with central differences, in float64.
func checkFiniteDifferences(t *testing.T, g *G.ExprGraph, y *G.Node, rng *rand.Rand, in ...*G.Node) {
	t.Helper()
	r := constant(g, y.Shape(), randoms(rng, y.Shape().TotalSize()), "r")
	loss := G.Must(G.Sum(G.Must(G.HadamardProd(G.Must(G.Square(y)), r))))
	grads, err := G.Grad(loss, in...)
	if err != nil {
		t.Fatal(err)
	}
	penalty := G.Must(G.Add(G.Must(G.Sum(G.Must(G.Square(grads[0])))), G.Must(G.Sum(G.Must(G.Square(grads[1]))))))
	second, err := ct.Grad(penalty, in...)
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
	}{{"L", loss, grads}, {"P", penalty, second}} {
		eval(f.out)
		analytic := make([][]float64, len(in))
		for i, gr := range f.grads {
			analytic[i] = append([]float64(nil), gr.Value().Data().([]float64)...)
		}
		for i, n := range in {
			data := n.Value().Data().([]float64)
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
					t.Fatalf("d%s/d%s[%d]: analytic %v, numeric %v", f.name, n.Name(), j, analytic[i][j], numeric)
				}
			}
		}
	}
}

// machinesAgree builds a graph twice with build, which returns the graph,
// its inputs and a scalar loss: once to take symbolic gradients with Grad and
// run them on the TapeMachine, once to run on the LispMachine (DoDiff). The
// gradients of every input must agree.
func machinesAgree(t *testing.T, dt tensor.Dtype, build func() (*G.ExprGraph, G.Nodes, *G.Node)) {
	t.Helper()
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
