package nnops

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gorgonia-ext/convtranspose"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// This file holds the machinery the golden tests of the up-sampling family
// share: building a graph around one op, running it on both of Gorgonia's
// machines, and comparing with values computed by PyTorch.

// loadGolden reads testdata/name, written by testdata/make_golden.py.
func loadGolden(t testing.TB, name string, cases any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("reading golden file: %v (regenerate with /usr/bin/python3 nnops/testdata/make_golden.py)", err)
	}
	doc := struct {
		Torch string          `json:"torch"`
		Cases json.RawMessage `json:"cases"`
	}{}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := json.Unmarshal(doc.Cases, cases); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func dtypeOf(name string) tensor.Dtype {
	if name == "float32" {
		return tensor.Float32
	}
	return tensor.Float64
}

// newTensor returns a tensor of dtype dt holding data.
func newTensor(dt tensor.Dtype, shape []int, data []float64) *tensor.Dense {
	if dt == tensor.Float32 {
		d := make([]float32, len(data))
		for i, v := range data {
			d[i] = float32(v)
		}
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(d))
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float64(nil), data...)))
}

// floats returns the data of v as float64s.
func floats(t testing.TB, v gorgonia.Value) []float64 {
	t.Helper()
	if v == nil {
		t.Fatal("nil value")
	}
	switch d := v.Data().(type) {
	case []float32:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out
	case []float64:
		return append([]float64(nil), d...)
	case float32:
		return []float64{float64(d)}
	case float64:
		return []float64{d}
	}
	t.Fatalf("unexpected data %T", v.Data())
	return nil
}

// tolerance is the comparison tolerance of each dtype, relative to
// max(1, |want|).
func tolerance(dt tensor.Dtype) float64 {
	if dt == tensor.Float32 {
		return 2e-5
	}
	return 1e-12
}

func compare(t testing.TB, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d values, want %d", what, len(got), len(want))
		return
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol*math.Max(1, math.Abs(want[i])) || math.IsNaN(got[i]) {
			t.Errorf("%s: [%d] = %v, want %v (and maybe more)", what, i, got[i], want[i])
			return
		}
	}
}

// gradCase is one op applied to one input, with PyTorch's answers:
// y = build(x); grad = ∂/∂x Σ y⊙r; grad2 = ∂/∂x Σ v⊙(∂/∂x Σ r2⊙y⊙y).
type gradCase struct {
	name   string
	dt     tensor.Dtype
	xShape []int
	x      []float64
	build  func(*gorgonia.Node) (*gorgonia.Node, error)

	yShape                   []int
	y, r, grad, r2, v, grad2 []float64
}

// graph builds x, y = build(x) and the scalar Σ y⊙weights.
func (c gradCase) graph(t testing.TB, weights []float64) (g *gorgonia.ExprGraph, x, y, cost *gorgonia.Node) {
	t.Helper()
	g = gorgonia.NewGraph()
	x = gorgonia.NewTensor(g, c.dt, 4, gorgonia.WithShape(c.xShape...), gorgonia.WithName("x"),
		gorgonia.WithValue(newTensor(c.dt, c.xShape, c.x)))
	y, err := c.build(x)
	if err != nil {
		t.Fatalf("%s: build: %v", c.name, err)
	}
	if got := []int(y.Shape()); fmt.Sprint(got) != fmt.Sprint(c.yShape) {
		t.Fatalf("%s: output shape %v, want %v", c.name, got, c.yShape)
	}
	r := gorgonia.NewTensor(g, c.dt, 4, gorgonia.WithShape(c.yShape...), gorgonia.WithName("r"),
		gorgonia.WithValue(newTensor(c.dt, c.yShape, weights)))
	cost = gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.HadamardProd(y, r))))
	return g, x, y, cost
}

// checkTape runs the graph on the TapeMachine with symbolic gradients.
func (c gradCase) checkTape(t *testing.T) {
	g, x, y, cost := c.graph(t, c.r)
	grads, err := gorgonia.Grad(cost, x)
	if err != nil {
		t.Fatalf("%s: Grad: %v", c.name, err)
	}
	// the TapeMachine may reuse y's memory once y is no longer needed:
	// Read copies it out when it is computed
	var yv gorgonia.Value
	gorgonia.Read(y, &yv)
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatalf("%s: tape: %v", c.name, err)
	}
	tol := tolerance(c.dt)
	compare(t, c.name+" tape y", floats(t, yv), c.y, tol)
	compare(t, c.name+" tape grad", floats(t, grads[0].Value()), c.grad, tol)
	compare(t, c.name+" tape x unmodified", floats(t, x.Value()), c.x, tol)
}

// checkLisp runs the graph on the LispMachine, whose gradients come from
// DoDiff.
func (c gradCase) checkLisp(t *testing.T) {
	g, x, y, _ := c.graph(t, c.r)
	m := gorgonia.NewLispMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatalf("%s: lisp: %v", c.name, err)
	}
	xg, err := x.Grad()
	if err != nil {
		t.Fatalf("%s: lisp: %v", c.name, err)
	}
	tol := tolerance(c.dt)
	compare(t, c.name+" lisp y", floats(t, y.Value()), c.y, tol)
	compare(t, c.name+" lisp grad", floats(t, xg), c.grad, tol)
	compare(t, c.name+" lisp x unmodified", floats(t, x.Value()), c.x, tol)
}

// checkSecond differentiates a function of the first gradient on the
// TapeMachine: the nodes that the op's SymDiff returns must themselves be
// differentiable. Both gradients come from convtranspose.Grad: Gorgonia
// v0.9.18's own Grad reuses the derivatives an earlier call stored in the
// graph, so its second call through the same forward nodes is wrong for any
// op (Σ x⊙x⊙x gives 2v instead of 6x⊙v).
func (c gradCase) checkSecond(t *testing.T) {
	g, x, y, _ := c.graph(t, c.r)
	r2 := gorgonia.NewTensor(g, c.dt, 4, gorgonia.WithShape(c.yShape...), gorgonia.WithName("r2"),
		gorgonia.WithValue(newTensor(c.dt, c.yShape, c.r2)))
	cost := gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.HadamardProd(gorgonia.Must(gorgonia.HadamardProd(r2, y)), y))))
	first, err := convtranspose.Grad(cost, x)
	if err != nil {
		t.Fatalf("%s: first Grad: %v", c.name, err)
	}
	v := gorgonia.NewTensor(g, c.dt, 4, gorgonia.WithShape(c.xShape...), gorgonia.WithName("v"),
		gorgonia.WithValue(newTensor(c.dt, c.xShape, c.v)))
	cost2 := gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.HadamardProd(first[0], v))))
	second, err := convtranspose.Grad(cost2, x)
	if err != nil {
		t.Fatalf("%s: Grad of the first gradient: %v", c.name, err)
	}
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatalf("%s: tape (second order): %v", c.name, err)
	}
	compare(t, c.name+" grad2", floats(t, second[0].Value()), c.grad2, 10*tolerance(c.dt))
}

func (c gradCase) checkAll(t *testing.T) {
	c.checkTape(t)
	c.checkLisp(t)
	c.checkSecond(t)
}
