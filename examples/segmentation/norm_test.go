package main

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestBatchNormGradient compares the gradients of Σ r·batchNorm(x, scale, shift), for a fixed random r,
// with central differences, in float64.
func TestBatchNormGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	draw := func(n int, mean, std float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = mean + std*rng.NormFloat64()
		}
		return v
	}
	xs, ss, hs, rs := draw(2*3*2*3, 1, 2), draw(3, 1, 0.5), draw(3, 0, 1), draw(2*3*2*3, 0, 1)
	shape := tensor.Shape{2, 3, 2, 3}
	value := func() (float64, [][]float64) {
		g := G.NewGraph()
		x := G.NewTensor(g, G.Float64, 4, G.WithShape(shape...), G.WithName("x"),
			G.WithValue(tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float64(nil), xs...)))))
		scale := G.NewVector(g, G.Float64, G.WithShape(3), G.WithName("scale"), G.WithValue(tensor.New(tensor.WithBacking(append([]float64(nil), ss...)))))
		shift := G.NewVector(g, G.Float64, G.WithShape(3), G.WithName("shift"), G.WithValue(tensor.New(tensor.WithBacking(append([]float64(nil), hs...)))))
		r := G.NewTensor(g, G.Float64, 4, G.WithShape(shape...), G.WithName("r"),
			G.WithValue(tensor.New(tensor.WithShape(shape...), tensor.WithBacking(rs))))
		y, err := batchNorm(x, scale, shift)
		if err != nil {
			t.Fatal(err)
		}
		cost := G.Must(G.Sum(G.Must(G.HadamardProd(y, r))))
		if _, err := G.Grad(cost, x, scale, shift); err != nil {
			t.Fatal(err)
		}
		vm := G.NewTapeMachine(g, G.BindDualValues(x, scale, shift))
		defer vm.Close()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		var grads [][]float64
		for _, n := range []*G.Node{x, scale, shift} {
			gv, err := n.Grad()
			if err != nil {
				t.Fatal(err)
			}
			grads = append(grads, append([]float64(nil), gv.Data().([]float64)...))
		}
		return cost.Value().Data().(float64), grads
	}
	_, grads := value()
	const h = 1e-6
	for k, v := range [][]float64{xs, ss, hs} {
		for i := range v {
			old := v[i]
			v[i] = old + h
			up, _ := value()
			v[i] = old - h
			down, _ := value()
			v[i] = old
			if num := (up - down) / (2 * h); math.Abs(num-grads[k][i]) > 1e-6 {
				t.Errorf("input %d, element %d: gradient %v, central difference %v", k, i, grads[k][i], num)
			}
		}
	}
}
