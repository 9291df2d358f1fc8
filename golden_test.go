package convtranspose_test

import (
	"fmt"
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
	"github.com/gorgonia-ext/convtranspose/internal/golden"
)

// goldenPath holds values and gradients that PyTorch computed; see
// testdata/make_golden.py.
const goldenPath = "testdata/convtranspose_golden.json"

// caseOptions translates a golden case's parameters into options.
func caseOptions(c *golden.Case) []ct.Option {
	opts := []ct.Option{
		ct.WithStride(c.Stride[0], c.Stride[1]),
		ct.WithDilation(c.Dilation[0], c.Dilation[1]),
		ct.WithGroups(c.Groups),
	}
	switch c.Kind {
	case golden.KindTorch, golden.KindConv2d:
		opts = append(opts, ct.WithPadding(c.Padding[0], c.Padding[1]))
		if c.OutputSize != nil {
			opts = append(opts, ct.WithOutputSize(c.OutputSize[0], c.OutputSize[1]))
		} else if c.Kind == golden.KindTorch {
			opts = append(opts, ct.WithOutputPadding(c.OutputPadding[0], c.OutputPadding[1]))
		}
	case golden.KindONNX:
		if c.Pads != nil {
			opts = append(opts, ct.WithPads(c.Pads[0], c.Pads[1], c.Pads[2], c.Pads[3]))
		}
		modes := map[string]ct.AutoPad{golden.AutoPadNotSet: ct.AutoPadNotSet, golden.AutoPadSameUpper: ct.AutoPadSameUpper,
			golden.AutoPadSameLower: ct.AutoPadSameLower, golden.AutoPadValid: ct.AutoPadValid}
		opts = append(opts, ct.WithAutoPad(modes[c.AutoPad]), ct.WithOutputPadding(c.OutputPadding[0], c.OutputPadding[1]))
		if c.OutputShape != nil {
			opts = append(opts, ct.WithOutputShape(c.OutputShape[0], c.OutputShape[1]))
		}
	}
	return opts
}

// goldenGraph is the graph of one case: y = op(x, w, b), L = Σ y·r, the
// first gradients of L, and the gradients of P = Σ dx² + Σ dw² + Σ db².
type goldenGraph struct {
	g              *G.ExprGraph
	x, w, b, y     *G.Node
	first, second  G.Nodes
	wrt            G.Nodes
	firstLossValue *G.Node
}

func node(g *G.ExprGraph, t golden.Tensor, dt tensor.Dtype, name string) (*G.Node, error) {
	d, err := t.Dense(dt)
	if err != nil {
		return nil, err
	}
	return G.NewTensor(g, dt, len(t.Shape), G.WithShape(t.Shape...), G.WithName(name), G.WithValue(d)), nil
}

func buildGolden(c *golden.Case, secondOrder bool) (*goldenGraph, error) {
	dt, err := c.Dtype()
	if err != nil {
		return nil, err
	}
	gg := &goldenGraph{g: G.NewGraph()}
	g := gg.g
	if gg.x, err = node(g, c.X, dt, "x"); err != nil {
		return nil, err
	}
	if gg.w, err = node(g, c.W, dt, "w"); err != nil {
		return nil, err
	}
	r, err := node(g, c.R, dt, "r")
	if err != nil {
		return nil, err
	}
	opts := caseOptions(c)
	gg.wrt = G.Nodes{gg.x, gg.w}
	if c.B != nil {
		if gg.b, err = node(g, *c.B, dt, "b"); err != nil {
			return nil, err
		}
		opts = append(opts, ct.WithBias(gg.b))
		gg.wrt = append(gg.wrt, gg.b)
	}
	if c.Kind == golden.KindConv2d {
		gg.y, err = ct.Conv2d(gg.x, gg.w, opts...)
	} else {
		gg.y, err = ct.ConvTranspose2d(gg.x, gg.w, opts...)
	}
	if err != nil {
		return nil, err
	}
	loss := G.Must(G.Sum(G.Must(G.HadamardProd(gg.y, r))))
	gg.firstLossValue = loss
	if gg.first, err = G.Grad(loss, gg.wrt...); err != nil {
		return nil, fmt.Errorf("first gradient: %w", err)
	}
	if !secondOrder {
		return gg, nil
	}
	var penalty *G.Node
	for _, d := range gg.first {
		sq := G.Must(G.Sum(G.Must(G.Square(d))))
		if penalty == nil {
			penalty = sq
		} else {
			penalty = G.Must(G.Add(penalty, sq))
		}
	}
	// P does not depend on b (L is linear in it), so its gradient is taken
	// with respect to x and w only; the test checks that PyTorch's ggb is 0.
	if gg.second, err = ct.Grad(penalty, gg.x, gg.w); err != nil {
		return nil, fmt.Errorf("second gradient: %w", err)
	}
	return gg, nil
}

// checkTensor compares a value with a golden tensor, shape and values.
// checkOnLispMachine runs Σ y·r on the LispMachine, whose DoDiff fills the
// gradients of the inputs x, w and b (b may be nil), and checks y, dx, dw
// (want, in that order) and db against the golden values.
func checkOnLispMachine(t *testing.T, g *G.ExprGraph, y, r *G.Node, xwb []*G.Node, want []golden.Tensor, db *golden.Tensor, tol float64) {
	t.Helper()
	G.Must(G.Sum(G.Must(G.HadamardProd(y, r))))
	m := G.NewLispMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	checkTensor(t, "y", y.Value(), want[0], tol)
	for i, name := range []string{"dx", "dw", "db"} {
		n, w := xwb[i], db
		if i < 2 {
			w = &want[i+1]
		}
		if n == nil || w == nil {
			continue
		}
		grad, err := n.Grad()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkTensor(t, name, grad, *w, tol)
	}
}

func checkTensor(t *testing.T, what string, v G.Value, want golden.Tensor, tol float64) {
	t.Helper()
	if v == nil {
		t.Errorf("%s: no value", what)
		return
	}
	if !v.Shape().Eq(tensor.Shape(want.Shape)) {
		t.Errorf("%s: shape %v, want %v", what, v.Shape(), want.Shape)
		return
	}
	var got []float64
	switch d := v.Data().(type) {
	case []float64:
		got = d
	case []float32:
		got = make([]float64, len(d))
		for i, x := range d {
			got[i] = float64(x)
		}
	}
	worst, at := 0.0, -1
	for i, w := range want.Data {
		e := math.Abs(got[i]-w) / math.Max(1, math.Abs(w))
		if e > worst || math.IsNaN(got[i]) {
			worst, at = e, i
		}
	}
	if at >= 0 && (worst > tol || math.IsNaN(worst)) {
		t.Errorf("%s[%d] = %v, want %v (relative error %.3g > %.3g)", what, at, got[at], want.Data[at], worst, tol)
	}
}

func TestGoldenTapeMachine(t *testing.T) {
	f, err := golden.Load(goldenPath)
	if err != nil {
		t.Fatal(err)
	}
	for i := range f.Cases {
		c := &f.Cases[i]
		t.Run(c.Name, func(t *testing.T) {
			gg, err := buildGolden(c, true)
			if err != nil {
				t.Fatal(err)
			}
			m := G.NewTapeMachine(gg.g)
			defer m.Close()
			if err := m.RunAll(); err != nil {
				t.Fatal(err)
			}
			checkTensor(t, "y", gg.y.Value(), c.Y, c.Tolerance)
			checkTensor(t, "dx", gg.first[0].Value(), c.DX, c.Tolerance)
			checkTensor(t, "dw", gg.first[1].Value(), c.DW, c.Tolerance)
			checkTensor(t, "ggx", gg.second[0].Value(), c.GGX, c.Tolerance)
			checkTensor(t, "ggw", gg.second[1].Value(), c.GGW, c.Tolerance)
			if c.B != nil {
				checkTensor(t, "db", gg.first[2].Value(), *c.DB, c.Tolerance)
				for i, v := range c.GGB.Data {
					if v != 0 {
						t.Errorf("golden ggb[%d] = %v, want 0: P should not depend on b", i, v)
					}
				}
			}
		})
	}
}

func TestGoldenLispMachine(t *testing.T) {
	f, err := golden.Load(goldenPath)
	if err != nil {
		t.Fatal(err)
	}
	for i := range f.Cases {
		c := &f.Cases[i]
		t.Run(c.Name, func(t *testing.T) {
			dt, _ := c.Dtype()
			g := G.NewGraph()
			x, err := node(g, c.X, dt, "x")
			if err != nil {
				t.Fatal(err)
			}
			w, _ := node(g, c.W, dt, "w")
			r, _ := node(g, c.R, dt, "r")
			opts := caseOptions(c)
			var b *G.Node
			if c.B != nil {
				b, _ = node(g, *c.B, dt, "b")
				opts = append(opts, ct.WithBias(b))
			}
			var y *G.Node
			if c.Kind == golden.KindConv2d {
				y, err = ct.Conv2d(x, w, opts...)
			} else {
				y, err = ct.ConvTranspose2d(x, w, opts...)
			}
			if err != nil {
				t.Fatal(err)
			}
			checkOnLispMachine(t, g, y, r, []*G.Node{x, w, b}, []golden.Tensor{c.Y, c.DX, c.DW}, c.DB, c.Tolerance)
		})
	}
}
