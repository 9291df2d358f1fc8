package nnops

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gorgonia-ext/convtranspose/internal/resample"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestUpsample2dErrors(t *testing.T) {
	g := gorgonia.NewGraph()
	x := gorgonia.NewTensor(g, tensor.Float32, 4, gorgonia.WithShape(2, 3, 4, 5), gorgonia.WithName("x"))
	x3 := gorgonia.NewTensor(g, tensor.Float32, 3, gorgonia.WithShape(3, 4, 5), gorgonia.WithName("x3"))
	xi := gorgonia.NewTensor(g, tensor.Int, 4, gorgonia.WithShape(1, 1, 2, 2), gorgonia.WithName("xi"))
	tests := []struct {
		name string
		x    *gorgonia.Node
		opts []UpsampleOption
		want string
	}{
		{"nil node", nil, nil, "nnops: Upsample2d: x is nil"},
		{"3-D", x3, nil, "x must have 4 dimensions (N, C, H, W), got shape (3, 4, 5)"},
		{"int", xi, nil, "x must be float32 or float64, got int"},
		{"nil option", x, []UpsampleOption{nil}, "option is nil"},
		{"unknown mode", x, []UpsampleOption{WithMode(7)}, "unknown mode UpsampleMode(7)"},
		{"align corners with nearest", x, []UpsampleOption{WithAlignCorners(false)}, "align corners applies to bilinear only, not nearest"},
		{"scale and size", x, []UpsampleOption{WithScale(2, 2), WithSize(8, 8)}, "give a scale or a size, not both (scale 2×2, size 8×8)"},
		{"zero scale", x, []UpsampleOption{WithScale(0, 2)}, "scale must be positive and finite, got 0×2"},
		{"negative scale", x, []UpsampleOption{WithScale(2, -1)}, "scale must be positive and finite, got 2×-1"},
		{"NaN scale", x, []UpsampleOption{WithScaleFactor(math.NaN(), 2)}, "scale must be positive and finite, got NaN×2"},
		{"infinite scale", x, []UpsampleOption{WithScaleFactor(2, math.Inf(1))}, "scale must be positive and finite, got 2×+Inf"},
		{"empty output", x, []UpsampleOption{WithScaleFactor(0.2, 1)}, "scale 0.2×1 makes the output of 4×5 empty"},
		{"huge output", x, []UpsampleOption{WithScaleFactor(1e12, 1)}, "too large"},
		{"zero size", x, []UpsampleOption{WithSize(0, 4)}, "size must be positive, got 0×4"},
		{"negative size", x, []UpsampleOption{WithSize(4, -4)}, "size must be positive, got 4×-4"},
	}
	for _, tt := range tests {
		y, err := Upsample2d(tt.x, tt.opts...)
		if err == nil || !strings.Contains(err.Error(), tt.want) || y != nil {
			t.Errorf("%s: got (%v, %v), want an error containing %q", tt.name, y, err, tt.want)
		}
	}
}

// The ops check what reaches them at run time too, and return errors.
func TestUpsampleOpRunErrors(t *testing.T) {
	h := resample.AxisSpec{In: 2, Out: 4, Mode: resample.Bilinear}
	op := &upsampleOp{h: h, w: h}
	good := tensor.New(tensor.WithShape(1, 1, 2, 2), tensor.WithBacking([]float64{1, 2, 3, 4}))
	tests := []struct {
		name string
		run  func() (gorgonia.Value, error)
		want string
	}{
		{"arity", func() (gorgonia.Value, error) { return op.Do() }, "want 1 input, got 0"},
		{"scalar", func() (gorgonia.Value, error) { return op.Do(gorgonia.NewF64(1)) }, "want a tensor input"},
		{"int", func() (gorgonia.Value, error) {
			return op.Do(tensor.New(tensor.WithShape(1, 1, 2, 2), tensor.WithBacking([]int{1, 2, 3, 4})))
		}, "want a float32 or float64 input, got int"},
		{"wrong size", func() (gorgonia.Value, error) {
			return op.Do(tensor.New(tensor.WithShape(1, 1, 3, 2), tensor.Of(tensor.Float64)))
		}, "want an input of height and width 2×2, got shape (1, 1, 3, 2)"},
		{"3-D", func() (gorgonia.Value, error) {
			return op.Do(tensor.New(tensor.WithShape(1, 2, 2), tensor.Of(tensor.Float64)))
		}, "want a 4-D input"},
		{"nil prealloc", func() (gorgonia.Value, error) { return op.UsePreallocDo(nil, good) }, "UsePreallocDo got a nil value"},
		{"prealloc shape", func() (gorgonia.Value, error) {
			return op.UsePreallocDo(tensor.New(tensor.WithShape(1, 1, 4, 3), tensor.Of(tensor.Float64)), good)
		}, "preallocated float64 of shape (1, 1, 4, 3), want float64 of shape (1, 1, 4, 4)"},
		{"prealloc dtype", func() (gorgonia.Value, error) {
			return op.UsePreallocDo(tensor.New(tensor.WithShape(1, 1, 4, 4), tensor.Of(tensor.Float32)), good)
		}, "preallocated float32"},
		{"adjoint wrong size", func() (gorgonia.Value, error) { return op.adjoint().Do(good) }, "want an input of height and width 4×4"},
	}
	for _, tt := range tests {
		v, err := tt.run()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got (%v, %v), want an error containing %q", tt.name, v, err, tt.want)
		}
	}
	if _, err := op.InferShape(tensor.Shape{1, 1, 3, 3}); err == nil {
		t.Error("InferShape accepted a 3×3 input for a 2×2 op")
	}
	if _, err := op.InferShape(); err == nil {
		t.Error("InferShape accepted no input")
	}
	if _, err := op.SymDiff(nil, nil, nil); err == nil {
		t.Error("SymDiff accepted no input")
	}
	if err := op.DoDiff(gorgonia.ExecutionContext{}, nil, nil); err == nil {
		t.Error("DoDiff accepted no input")
	}
}

// Every parameter of the resizing reaches the hash: ops differing in any
// one of them hash differently, and the adjoint differs from the forward.
func TestUpsampleHashCoversEveryParameter(t *testing.T) {
	base := resample.AxisSpec{In: 3, Out: 6, Mode: resample.Bilinear, Scale: 2}
	vary := []func(h, w *resample.AxisSpec){
		func(h, w *resample.AxisSpec) {},
		func(h, w *resample.AxisSpec) { h.Mode, w.Mode = resample.Nearest, resample.Nearest },
		func(h, w *resample.AxisSpec) { h.AlignCorners, w.AlignCorners = true, true },
		func(h, w *resample.AxisSpec) { h.In = 4 },
		func(h, w *resample.AxisSpec) { w.In = 4 },
		func(h, w *resample.AxisSpec) { h.Out = 7 },
		func(h, w *resample.AxisSpec) { w.Out = 7 },
		func(h, w *resample.AxisSpec) { h.Scale = 0 },
		func(h, w *resample.AxisSpec) { w.Scale = 0 },
		func(h, w *resample.AxisSpec) { h.Scale = 2.0000000000000004 },
		func(h, w *resample.AxisSpec) { w.Mode = resample.Nearest },
		func(h, w *resample.AxisSpec) { w.AlignCorners = true },
	}
	seen := map[uint64]string{}
	add := func(op gorgonia.Op) {
		h := fnv.New64a()
		op.WriteHash(h)
		if prev, ok := seen[h.Sum64()]; ok {
			t.Errorf("%v hashes like %v", op, prev)
		}
		seen[h.Sum64()] = fmt.Sprint(op)
		if op.Hashcode() != hashOf(op) {
			t.Errorf("%v: Hashcode is not the hash of WriteHash", op)
		}
	}
	for _, v := range vary {
		h, w := base, base
		v(&h, &w)
		add(&upsampleOp{h: h, w: w})
		add(&upsampleAdjointOp{h: h, w: w})
	}
}

// Gorgonia merges nodes whose ops hash alike: the same resizing twice is
// one node, and resizings differing only in align_corners are two.
func TestUpsampleNodesMergeOnlyWhenEqual(t *testing.T) {
	g := gorgonia.NewGraph()
	x := gorgonia.NewTensor(g, tensor.Float64, 4, gorgonia.WithShape(1, 1, 2, 2), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(1, 1, 2, 2), tensor.WithBacking([]float64{1, 2, 3, 4}))))
	a := gorgonia.Must(Upsample2d(x, WithMode(Bilinear), WithAlignCorners(true)))
	b := gorgonia.Must(Upsample2d(x, WithMode(Bilinear), WithAlignCorners(false)))
	a2 := gorgonia.Must(Upsample2d(x, WithMode(Bilinear), WithAlignCorners(true)))
	if a != a2 {
		t.Error("two identical resizings of x are not one node")
	}
	if a == b {
		t.Fatal("resizings differing in align_corners were merged")
	}
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	av, bv := floats(t, a.Value()), floats(t, b.Value())
	// corner-aligned: y[0,1] = 1 + 1/3; half-pixel: source 0.25 → 1.25
	if math.Abs(av[1]-(1+1.0/3)) > 1e-15 || math.Abs(bv[1]-1.25) > 1e-15 {
		t.Errorf("y[0,1]: align_corners=true %v (want 4/3), false %v (want 1.25)", av[1], bv[1])
	}
}

func randTensor(rng *rand.Rand, dt tensor.Dtype, shape ...int) *tensor.Dense {
	n := tensor.Shape(shape).TotalSize()
	data := make([]float64, n)
	for i := range data {
		data[i] = rng.NormFloat64()
	}
	return newTensor(dt, shape, data)
}

func dotValues(t testing.TB, a, b gorgonia.Value) float64 {
	x, y := floats(t, a), floats(t, b)
	var s float64
	for i := range x {
		s += x[i] * y[i]
	}
	return s
}

// linearOps are the ops of the family with an input shape and the adjoint
// of each.
func linearOps() []struct {
	op, adj linearOp
	in      []int
} {
	ax := func(in, out int, m resample.Mode, ac bool, s float64) resample.AxisSpec {
		return resample.AxisSpec{In: in, Out: out, Mode: m, AlignCorners: ac, Scale: s}
	}
	var ops []struct {
		op, adj linearOp
		in      []int
	}
	for _, p := range []struct{ h, w resample.AxisSpec }{
		{ax(3, 6, resample.Nearest, false, 2), ax(4, 12, resample.Nearest, false, 3)},
		{ax(3, 7, resample.Nearest, false, 0), ax(4, 3, resample.Nearest, false, 0)},
		{ax(3, 6, resample.Bilinear, false, 2), ax(4, 9, resample.Bilinear, false, 0)},
		{ax(3, 6, resample.Bilinear, true, 2), ax(4, 9, resample.Bilinear, true, 0)},
		{ax(3, 4, resample.Bilinear, false, 1.5), ax(4, 10, resample.Bilinear, false, 2.5)},
	} {
		op := &upsampleOp{h: p.h, w: p.w}
		ops = append(ops, struct {
			op, adj linearOp
			in      []int
		}{op, op.adjoint(), []int{2, 3, p.h.In, p.w.In}})
	}
	sh := &pixelShuffleOp{r: 2}
	ops = append(ops, struct {
		op, adj linearOp
		in      []int
	}{sh, sh.inverse(), []int{2, 8, 3, 5}})
	return ops
}

// ⟨Op(x), y⟩ = ⟨x, Adj(y)⟩ through the ops' Do, and UsePreallocDo into a
// dirty buffer equals Do, for both dtypes.
func TestLinearOpsAdjointAndPrealloc(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		for _, c := range linearOps() {
			outShape, err := c.op.outShape(c.in)
			if err != nil {
				t.Fatal(err)
			}
			x := randTensor(rng, dt, c.in...)
			y := randTensor(rng, dt, outShape...)
			opx, err := c.op.Do(x)
			if err != nil {
				t.Fatalf("%v: %v", c.op, err)
			}
			adjy, err := c.adj.Do(y)
			if err != nil {
				t.Fatalf("%v: %v", c.adj, err)
			}
			l, r := dotValues(t, opx, y), dotValues(t, x, adjy)
			tol := 1e-12
			if dt == tensor.Float32 {
				tol = 1e-4
			}
			if math.Abs(l-r) > tol*(1+math.Abs(l)) {
				t.Errorf("%v %v: ⟨Op(x), y⟩ = %v, ⟨x, Adj(y)⟩ = %v", c.op, dt, l, r)
			}
			dirty := randTensor(rng, dt, outShape...)
			pre, err := c.op.(gorgonia.UsePreallocDoer).UsePreallocDo(dirty, x)
			if err != nil {
				t.Fatal(err)
			}
			if pre != gorgonia.Value(dirty) {
				t.Errorf("%v: UsePreallocDo did not return its buffer", c.op)
			}
			compare(t, fmt.Sprintf("%v %v prealloc", c.op, dt), floats(t, pre), floats(t, opx), 0)
		}
	}
}

// Central differences of a non-linear function of the output agree with
// the gradient that flows through SymDiff.
func TestUpsampleFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, opts := range [][]UpsampleOption{
		{WithMode(Nearest), WithScaleFactor(1.5, 2)},
		{WithMode(Bilinear), WithSize(5, 7)},
		{WithMode(Bilinear), WithAlignCorners(true), WithScale(3, 2)},
	} {
		x0 := randTensor(rng, tensor.Float64, 1, 2, 3, 4)
		g := gorgonia.NewGraph()
		x := gorgonia.NewTensor(g, tensor.Float64, 4, gorgonia.WithShape(1, 2, 3, 4), gorgonia.WithName("x"), gorgonia.WithValue(x0))
		y := gorgonia.Must(Upsample2d(x, opts...))
		// cost = Σ sin(y)·y, non-linear so that the difference quotient
		// depends on the point
		cost := gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.HadamardProd(gorgonia.Must(gorgonia.Sin(y)), y))))
		grads, err := gorgonia.Grad(cost, x)
		if err != nil {
			t.Fatal(err)
		}
		m := gorgonia.NewTapeMachine(g)
		eval := func(v *tensor.Dense) float64 {
			if err := gorgonia.Let(x, v); err != nil {
				t.Fatal(err)
			}
			m.Reset()
			if err := m.RunAll(); err != nil {
				t.Fatal(err)
			}
			return floats(t, cost.Value())[0]
		}
		eval(x0)
		analytic := floats(t, grads[0].Value())
		const h = 1e-6
		for i := range analytic {
			xp, xm := x0.Clone().(*tensor.Dense), x0.Clone().(*tensor.Dense)
			xp.Data().([]float64)[i] += h
			xm.Data().([]float64)[i] -= h
			fd := (eval(xp) - eval(xm)) / (2 * h)
			if math.Abs(fd-analytic[i]) > 1e-6*(1+math.Abs(fd)) {
				t.Errorf("%v: ∂/∂x[%d]: finite difference %v, gradient %v", y.Op(), i, fd, analytic[i])
			}
		}
		m.Close()
	}
}

// On the LispMachine, an input read by two resizings collects the sum of
// both gradients: DoDiff adds into the input's gradient.
func TestUpsampleLispAccumulates(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	x0 := randTensor(rng, tensor.Float64, 2, 1, 3, 3)
	run := func(both, lisp bool) []float64 {
		g := gorgonia.NewGraph()
		x := gorgonia.NewTensor(g, tensor.Float64, 4, gorgonia.WithShape(2, 1, 3, 3), gorgonia.WithName("x"), gorgonia.WithValue(x0.Clone()))
		a := gorgonia.Must(Upsample2d(x, WithMode(Bilinear), WithSize(5, 4)))
		cost := gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.Square(a))))
		if both {
			b := gorgonia.Must(PixelUnshuffle(gorgonia.Must(Upsample2d(x, WithScale(2, 2))), 3))
			cost = gorgonia.Must(gorgonia.Add(cost, gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.Cube(b))))))
		}
		if lisp {
			m := gorgonia.NewLispMachine(g)
			defer m.Close()
			if err := m.RunAll(); err != nil {
				t.Fatal(err)
			}
			xg, err := x.Grad()
			if err != nil {
				t.Fatal(err)
			}
			return floats(t, xg)
		}
		grads, err := gorgonia.Grad(cost, x)
		if err != nil {
			t.Fatal(err)
		}
		m := gorgonia.NewTapeMachine(g)
		defer m.Close()
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		return floats(t, grads[0].Value())
	}
	lisp, tape := run(true, true), run(true, false)
	compare(t, "lisp vs tape, two paths", lisp, tape, 1e-12)
	one := run(false, true)
	same := true
	for i := range one {
		same = same && one[i] == lisp[i]
	}
	if same {
		t.Error("the second path added nothing to the gradient")
	}
}

// For integer scales, nearest up-sampling is Gorgonia's own Upsample2D:
// values and gradients agree with it.
func TestUpsample2dMatchesGorgonia(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	for _, scale := range []int{1, 2, 3} {
		x0 := randTensor(rng, tensor.Float64, 2, 3, 4, 5)
		var vals, grads [2][]float64
		for i, up := range []func(*gorgonia.Node) (*gorgonia.Node, error){
			func(x *gorgonia.Node) (*gorgonia.Node, error) { return Upsample2d(x, WithScale(scale, scale)) },
			func(x *gorgonia.Node) (*gorgonia.Node, error) { return gorgonia.Upsample2D(x, scale) },
		} {
			g := gorgonia.NewGraph()
			x := gorgonia.NewTensor(g, tensor.Float64, 4, gorgonia.WithShape(2, 3, 4, 5), gorgonia.WithName("x"), gorgonia.WithValue(x0.Clone()))
			y := gorgonia.Must(up(x))
			cost := gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.Square(y))))
			gr, err := gorgonia.Grad(cost, x)
			if err != nil {
				t.Fatal(err)
			}
			var yv gorgonia.Value
			gorgonia.Read(y, &yv)
			m := gorgonia.NewTapeMachine(g)
			if err := m.RunAll(); err != nil {
				t.Fatal(err)
			}
			vals[i], grads[i] = floats(t, yv), floats(t, gr[0].Value())
			m.Close()
		}
		compare(t, fmt.Sprintf("scale %d values", scale), vals[0], vals[1], 0)
		compare(t, fmt.Sprintf("scale %d gradients", scale), grads[0], grads[1], 1e-15)
	}
}

// A transposed view is read in its logical order, not its memory order.
func TestUpsampleReadsViews(t *testing.T) {
	h := resample.AxisSpec{In: 2, Out: 4, Mode: resample.Nearest, Scale: 2}
	w := resample.AxisSpec{In: 3, Out: 6, Mode: resample.Nearest, Scale: 2}
	op := &upsampleOp{h: h, w: w}
	x := tensor.New(tensor.WithShape(1, 1, 3, 2), tensor.WithBacking([]float64{1, 2, 3, 4, 5, 6}))
	if err := x.T(0, 1, 3, 2); err != nil {
		t.Fatal(err)
	}
	y, err := op.Do(x) // logical x: [[1 3 5] [2 4 6]]
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1, 1, 3, 3, 5, 5}
	compare(t, "first row", floats(t, y)[:6], want, 0)
}
