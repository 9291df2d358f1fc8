package nnops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/gorgonia-ext/convtranspose"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// bnGolden is one case of testdata/batchnorm.json, written by
// testdata/make_batchnorm_golden.py with PyTorch's F.batch_norm.
type bnGolden struct {
	Dtype  string    `json:"dtype"`
	Shape  []int     `json:"shape"`
	Eps    float64   `json:"eps"`
	X      []float64 `json:"x"`
	Scale  []float64 `json:"scale"`
	Shift  []float64 `json:"shift"`
	R      []float64 `json:"r"`
	Y      []float64 `json:"y"`
	DX     []float64 `json:"dx"`
	DScale []float64 `json:"dscale"`
	DShift []float64 `json:"dshift"`
}

func (c bnGolden) name() string { return fmt.Sprintf("%s/%v/eps=%g", c.Dtype, c.Shape, c.Eps) }

// bnGraph is BatchNorm2d applied to the golden inputs, with the cost Σ y⊙r.
type bnGraph struct {
	g                     *gorgonia.ExprGraph
	x, scale, shift, y, r *gorgonia.Node
	cost                  *gorgonia.Node
}

func (c bnGolden) graph(t testing.TB) bnGraph {
	t.Helper()
	dt, ch := dtypeOf(c.Dtype), c.Shape[1]
	var b bnGraph
	b.g = gorgonia.NewGraph()
	b.x = gorgonia.NewTensor(b.g, dt, 4, gorgonia.WithShape(c.Shape...), gorgonia.WithName("x"), gorgonia.WithValue(newTensor(dt, c.Shape, c.X)))
	b.scale = gorgonia.NewVector(b.g, dt, gorgonia.WithShape(ch), gorgonia.WithName("scale"), gorgonia.WithValue(newTensor(dt, []int{ch}, c.Scale)))
	b.shift = gorgonia.NewVector(b.g, dt, gorgonia.WithShape(ch), gorgonia.WithName("shift"), gorgonia.WithValue(newTensor(dt, []int{ch}, c.Shift)))
	var opts []BatchNormOption
	if c.Eps != DefaultBatchNormEpsilon {
		opts = append(opts, WithEpsilon(c.Eps))
	}
	var err error
	if b.y, err = BatchNorm2d(b.x, b.scale, b.shift, opts...); err != nil {
		t.Fatalf("%s: %v", c.name(), err)
	}
	b.r = gorgonia.NewTensor(b.g, dt, 4, gorgonia.WithShape(c.Shape...), gorgonia.WithName("r"), gorgonia.WithValue(newTensor(dt, c.Shape, c.R)))
	b.cost = gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.HadamardProd(b.y, b.r))))
	return b
}

// checkInputs fails if the op changed any of its inputs.
func (c bnGolden) checkInputs(t *testing.T, what string, b bnGraph) {
	t.Helper()
	compare(t, what+" x unmodified", floats(t, b.x.Value()), c.X, 0)
	compare(t, what+" scale unmodified", floats(t, b.scale.Value()), c.Scale, 0)
	compare(t, what+" shift unmodified", floats(t, b.shift.Value()), c.Shift, 0)
}

// bnErrors records the largest error seen per dtype, relative to
// max(1, |want|), for the log.
type bnErrors map[string]float64

func (e bnErrors) add(dtype string, got, want []float64) {
	for i := range got {
		if i < len(want) {
			e[dtype] = math.Max(e[dtype], math.Abs(got[i]-want[i])/math.Max(1, math.Abs(want[i])))
		}
	}
}

// bnTolerance is tolerance, but 4e-5 for float32: where a channel has
// two values (x of shape (2, 1, 1, 1)), dx cancels to almost nothing, and
// PyTorch's float32 result is 2e-5 away from the exact one, which the
// float64 accumulation here gets to 1e-7.
func bnTolerance(dt tensor.Dtype) float64 {
	if dt == tensor.Float32 {
		return 4e-5
	}
	return tolerance(dt)
}

// TestBatchNorm2dGolden compares BatchNorm2d and its three gradients with
// PyTorch's F.batch_norm(training=True) on the TapeMachine (SymDiff) and the
// LispMachine (DoDiff), for every case of testdata/batchnorm.json.
func TestBatchNorm2dGolden(t *testing.T) {
	var cases []bnGolden
	loadGolden(t, "batchnorm.json", &cases)
	if len(cases) < 16 {
		t.Fatalf("only %d golden cases", len(cases))
	}
	worst := bnErrors{}
	for _, c := range cases {
		t.Run(c.name(), func(t *testing.T) {
			tol := bnTolerance(dtypeOf(c.Dtype))
			check := func(what string, got gorgonia.Value, want []float64) {
				t.Helper()
				g := floats(t, got)
				compare(t, what, g, want, tol)
				worst.add(c.Dtype, g, want)
			}

			b := c.graph(t)
			grads, err := gorgonia.Grad(b.cost, b.x, b.scale, b.shift)
			if err != nil {
				t.Fatal(err)
			}
			var y gorgonia.Value
			gorgonia.Read(b.y, &y)
			m := gorgonia.NewTapeMachine(b.g)
			defer m.Close()
			if err := m.RunAll(); err != nil {
				t.Fatal(err)
			}
			check("tape y", y, c.Y)
			check("tape dx", grads[0].Value(), c.DX)
			check("tape dscale", grads[1].Value(), c.DScale)
			check("tape dshift", grads[2].Value(), c.DShift)
			c.checkInputs(t, "tape", b)

			b = c.graph(t)
			lm := gorgonia.NewLispMachine(b.g)
			defer lm.Close()
			if err := lm.RunAll(); err != nil {
				t.Fatal(err)
			}
			check("lisp y", b.y.Value(), c.Y)
			for _, p := range []struct {
				name string
				n    *gorgonia.Node
				want []float64
			}{{"dx", b.x, c.DX}, {"dscale", b.scale, c.DScale}, {"dshift", b.shift, c.DShift}} {
				g, err := p.n.Grad()
				if err != nil {
					t.Fatal(err)
				}
				check("lisp "+p.name, g, p.want)
			}
			c.checkInputs(t, "lisp", b)
		})
	}
	t.Logf("largest error relative to max(1, |PyTorch|): float32 %.2g, float64 %.2g", worst["float32"], worst["float64"])
}

// TestBatchNorm2dFiniteDifferences checks the gradient kernels against
// central differences of the forward kernel, a first-principles oracle
// independent of PyTorch, in float64 with a non-default eps.
func TestBatchNorm2dFiniteDifferences(t *testing.T) {
	g := bnGeometry{N: 3, C: 2, Plane: 5}
	const eps = 0.01
	rng := rand.New(rand.NewPCG(3, 4))
	randn := func(n int, mean, std float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = mean + std*rng.NormFloat64()
		}
		return v
	}
	x, r := randn(g.size(), 2, 1.5), randn(g.size(), 0, 1)
	scale, shift := randn(g.C, 1, 0.5), randn(g.C, 0, 1)
	loss := func() float64 {
		y := make([]float64, g.size())
		bnForward(y, x, scale, shift, g, eps)
		var s float64
		for i, v := range y {
			s += v * r[i]
		}
		return s
	}
	dx, dscale, dshift := make([]float64, g.size()), make([]float64, g.C), make([]float64, g.C)
	bnInputGrad(dx, x, scale, r, g, eps)
	bnScaleGrad(dscale, x, r, g, eps)
	bnShiftGrad(dshift, r, g)
	for _, p := range []struct {
		name   string
		vals   []float64
		answer []float64
	}{{"x", x, dx}, {"scale", scale, dscale}, {"shift", shift, dshift}} {
		for i := range p.vals {
			const h = 1e-5
			v := p.vals[i]
			p.vals[i] = v + h
			up := loss()
			p.vals[i] = v - h
			down := loss()
			p.vals[i] = v
			if fd := (up - down) / (2 * h); math.Abs(fd-p.answer[i]) > 1e-7*math.Max(1, math.Abs(fd)) {
				t.Errorf("d loss / d %s[%d] = %v, central difference %v", p.name, i, p.answer[i], fd)
			}
		}
	}
}

// TestBatchNorm2dKernelsFloat32 feeds the float32 kernels values whose
// mean is large against their spread: the statistics, accumulated in
// float64 over two passes, must match the float64 kernels to float32
// precision.
func TestBatchNorm2dKernelsFloat32(t *testing.T) {
	g := bnGeometry{N: 16, C: 3, Plane: 64}
	rng := rand.New(rand.NewPCG(5, 6))
	x32, dy32 := make([]float32, g.size()), make([]float32, g.size())
	for i := range x32 {
		x32[i] = float32(1000 + rng.NormFloat64())
		dy32[i] = float32(rng.NormFloat64())
	}
	x64, dy64 := widen(x32), widen(dy32)
	scale32, shift32 := []float32{1, -2, 0.5}, []float32{0, 1, -1}
	scale64, shift64 := widen(scale32), widen(shift32)

	y32, y64 := make([]float32, g.size()), make([]float64, g.size())
	bnForward(y32, x32, scale32, shift32, g, 1e-5)
	bnForward(y64, x64, scale64, shift64, g, 1e-5)
	dx32, dx64 := make([]float32, g.size()), make([]float64, g.size())
	bnInputGrad(dx32, x32, scale32, dy32, g, 1e-5)
	bnInputGrad(dx64, x64, scale64, dy64, g, 1e-5)
	ds32, ds64 := make([]float32, g.C), make([]float64, g.C)
	bnScaleGrad(ds32, x32, dy32, g, 1e-5)
	bnScaleGrad(ds64, x64, dy64, g, 1e-5)
	compare(t, "y", widen(y32), y64, 1e-6)
	compare(t, "dx", widen(dx32), dx64, 1e-6)
	compare(t, "dscale", widen(ds32), ds64, 1e-6)
}

func widen[T float32 | float64](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// TestBatchNorm2dPrealloc checks that UsePreallocDo writes what Do returns,
// over whatever the destination held, for the forward op and every
// gradient.
func TestBatchNorm2dPrealloc(t *testing.T) {
	var cases []bnGolden
	loadGolden(t, "batchnorm.json", &cases)
	c := cases[0]
	dt, ch := dtypeOf(c.Dtype), c.Shape[1]
	x, dy := newTensor(dt, c.Shape, c.X), newTensor(dt, c.Shape, c.R)
	scale, shift := newTensor(dt, []int{ch}, c.Scale), newTensor(dt, []int{ch}, c.Shift)
	ops := []struct {
		op     gorgonia.UsePreallocDoer
		inputs []gorgonia.Value
		shape  []int
	}{
		{&batchNormOp{eps: c.Eps}, []gorgonia.Value{x, scale, shift}, c.Shape},
		{&batchNormGradOp{eps: c.Eps, wrt: 0}, []gorgonia.Value{x, scale, dy}, c.Shape},
		{&batchNormGradOp{eps: c.Eps, wrt: 1}, []gorgonia.Value{x, dy}, []int{ch}},
		{&batchNormGradOp{eps: c.Eps, wrt: 2}, []gorgonia.Value{dy}, []int{ch}},
	}
	for _, o := range ops {
		want, err := o.op.(gorgonia.Op).Do(o.inputs...)
		if err != nil {
			t.Fatalf("%v: Do: %v", o.op, err)
		}
		sevens := make([]float64, tensor.Shape(o.shape).TotalSize())
		for i := range sevens {
			sevens[i] = 7
		}
		dst := newTensor(dt, o.shape, sevens)
		got, err := o.op.UsePreallocDo(dst, o.inputs...)
		if err != nil {
			t.Fatalf("%v: UsePreallocDo: %v", o.op, err)
		}
		if got != dst {
			t.Errorf("%v: UsePreallocDo did not return its destination", o.op)
		}
		compare(t, fmt.Sprint(o.op), floats(t, got), floats(t, want), 0)
		if _, err := o.op.UsePreallocDo(newTensor(dt, []int{1, 2}, []float64{0, 0}), o.inputs...); err == nil {
			t.Errorf("%v: UsePreallocDo accepted a destination of the wrong shape", o.op)
		}
	}
}

// TestBatchNorm2dOnce checks that differentiating BatchNorm2d's gradient
// again is an error, not a silent zero.
func TestBatchNorm2dOnce(t *testing.T) {
	var cases []bnGolden
	loadGolden(t, "batchnorm.json", &cases)
	b := cases[0].graph(t)
	first, err := convtranspose.Grad(b.cost, b.x)
	if err != nil {
		t.Fatal(err)
	}
	penalty := gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.Square(first[0]))))
	_, err = convtranspose.Grad(penalty, b.x)
	if err == nil || !strings.Contains(err.Error(), "differentiable once") {
		t.Errorf("second derivative: got error %v, want one saying BatchNorm2d is differentiable once", err)
	}
}

// TestBatchNorm2dHash checks that ops differing in eps or in the gradient
// they compute hash apart, so that the graph does not merge them.
func TestBatchNorm2dHash(t *testing.T) {
	ops := []gorgonia.Op{
		&batchNormOp{eps: 1e-5}, &batchNormOp{eps: 1e-3},
		&batchNormGradOp{eps: 1e-5, wrt: 0}, &batchNormGradOp{eps: 1e-5, wrt: 1}, &batchNormGradOp{eps: 1e-5, wrt: 2},
		&batchNormGradOp{eps: 1e-3, wrt: 0},
	}
	seen := map[uint32]gorgonia.Op{}
	for _, op := range ops {
		if other, ok := seen[op.Hashcode()]; ok {
			t.Errorf("%v and %v have the same hash", op, other)
		}
		seen[op.Hashcode()] = op
	}
}

func TestBatchNorm2dErrors(t *testing.T) {
	g := gorgonia.NewGraph()
	x := gorgonia.NewTensor(g, tensor.Float32, 4, gorgonia.WithShape(2, 3, 4, 4), gorgonia.WithName("x"))
	x3 := gorgonia.NewTensor(g, tensor.Float32, 3, gorgonia.WithShape(3, 4, 4), gorgonia.WithName("x3"))
	xi := gorgonia.NewTensor(g, tensor.Int, 4, gorgonia.WithShape(2, 3, 4, 4), gorgonia.WithName("xi"))
	x1 := gorgonia.NewTensor(g, tensor.Float32, 4, gorgonia.WithShape(1, 3, 1, 1), gorgonia.WithName("x1"))
	vec := func(name string, dt tensor.Dtype, n int) *gorgonia.Node {
		return gorgonia.NewVector(g, dt, gorgonia.WithShape(n), gorgonia.WithName(name))
	}
	s3, h3 := vec("s3", tensor.Float32, 3), vec("h3", tensor.Float32, 3)
	s4 := vec("s4", tensor.Float32, 4)
	s64 := vec("s64", tensor.Float64, 3)
	s1c11 := gorgonia.NewTensor(g, tensor.Float32, 4, gorgonia.WithShape(1, 3, 1, 1), gorgonia.WithName("s1c11"))
	tests := []struct {
		name            string
		x, scale, shift *gorgonia.Node
		opts            []BatchNormOption
		want            string
	}{
		{"nil x", nil, s3, h3, nil, "x is nil"},
		{"nil scale", x, nil, h3, nil, "scale is nil"},
		{"nil shift", x, s3, nil, nil, "shift is nil"},
		{"3-D x", x3, s3, h3, nil, "x must have 4 dimensions (N, C, H, W), got shape (3, 4, 4)"},
		{"int x", xi, s3, h3, nil, "x must be float32 or float64, got int"},
		{"scale of 4 channels", x, s4, h3, nil, "scale must have shape (3), one value per channel of x of shape (2, 3, 4, 4), got shape (4)"},
		{"shift of 4 channels", x, s3, s4, nil, "shift must have shape (3)"},
		{"scale (1, C, 1, 1)", x, s1c11, h3, nil, "scale must have shape (3), one value per channel of x of shape (2, 3, 4, 4), got shape (1, 3, 1, 1)"},
		{"scale float64", x, s64, h3, nil, "scale must have x's dtype float32, got Vector float64"},
		{"one value per channel", x1, s3, h3, nil, "x of shape (1, 3, 1, 1) has one value per channel"},
		{"negative eps", x, s3, h3, []BatchNormOption{WithEpsilon(-1e-5)}, "eps must be finite and not negative, got -1e-05"},
		{"NaN eps", x, s3, h3, []BatchNormOption{WithEpsilon(math.NaN())}, "eps must be finite and not negative, got NaN"},
		{"infinite eps", x, s3, h3, []BatchNormOption{WithEpsilon(math.Inf(1))}, "got +Inf"},
	}
	for _, tc := range tests {
		y, err := BatchNorm2d(tc.x, tc.scale, tc.shift, tc.opts...)
		if err == nil {
			t.Errorf("%s: no error (node %v)", tc.name, y)
			continue
		}
		if !strings.HasPrefix(err.Error(), "nnops: BatchNorm2d: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

// TestBatchNorm2dDoErrors checks the ops' own checks of the values they
// are given.
func TestBatchNorm2dDoErrors(t *testing.T) {
	f32 := func(shape ...int) *tensor.Dense {
		return tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(shape...))
	}
	f64 := func(shape ...int) *tensor.Dense {
		return tensor.New(tensor.Of(tensor.Float64), tensor.WithShape(shape...))
	}
	fwd := &batchNormOp{eps: 1e-5}
	tests := []struct {
		name   string
		op     gorgonia.Op
		inputs []gorgonia.Value
		want   string
	}{
		{"arity", fwd, []gorgonia.Value{f32(1, 2, 2, 2), f32(2)}, "want 3 inputs, got 2"},
		{"mixed dtypes", fwd, []gorgonia.Value{f32(1, 2, 2, 2), f64(2), f32(2)}, "input 1 is float64, input 0 float32"},
		{"int", fwd, []gorgonia.Value{tensor.New(tensor.Of(tensor.Int), tensor.WithShape(1, 2, 2, 2)), f32(2), f32(2)}, "want float32 or float64"},
		{"scalar", fwd, []gorgonia.Value{gorgonia.NewF32(1), f32(2), f32(2)}, "want a tensor"},
		{"2-D x", fwd, []gorgonia.Value{f32(2, 2), f32(2), f32(2)}, "x must have 4 dimensions"},
		{"zero batch", fwd, []gorgonia.Value{f32(0, 2, 2, 2), f32(2), f32(2)}, "positive dimensions"},
		{"short shift", fwd, []gorgonia.Value{f32(1, 2, 2, 2), f32(2), f32(3)}, "shift must have shape (2)"},
		{"dy shape", &batchNormGradOp{eps: 1e-5}, []gorgonia.Value{f32(1, 2, 2, 2), f32(2), f32(1, 2, 2, 3)}, "dy must have x's shape (1, 2, 2, 2), got (1, 2, 2, 3)"},
		{"scale-grad dy shape", &batchNormGradOp{eps: 1e-5, wrt: 1}, []gorgonia.Value{f32(1, 2, 2, 2), f32(2, 2, 2, 2)}, "dy must have x's shape"},
		{"shift-grad arity", &batchNormGradOp{eps: 1e-5, wrt: 2}, []gorgonia.Value{f32(1, 2, 2, 2), f32(1, 2, 2, 2)}, "want 1 inputs, got 2"},
		{"bad wrt", &batchNormGradOp{eps: 1e-5, wrt: 3}, []gorgonia.Value{}, "wrt must be 0, 1 or 2, got 3"},
	}
	for _, tc := range tests {
		_, err := tc.op.Do(tc.inputs...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

// TestBatchNorm2dStats compares the one-pass statistics with the two-pass
// definition on channels whose mean is large against their spread, one of
// them starting with an outlier (the value the one pass shifts by).
func TestBatchNorm2dStats(t *testing.T) {
	g := bnGeometry{N: 4, C: 3, Plane: 50}
	rng := rand.New(rand.NewPCG(7, 8))
	x := make([]float64, g.size())
	for i := range x {
		x[i] = 1e4 + 1e-2*rng.NormFloat64()
	}
	x[1*g.Plane] = 2e4 // channel 1 of image 0: its first value
	mean, inv := bnStats(x, g, 0)
	for c := 0; c < g.C; c++ {
		var vals []float64
		for b := 0; b < g.N; b++ {
			off := (b*g.C + c) * g.Plane
			vals = append(vals, x[off:off+g.Plane]...)
		}
		var mu, v float64
		for _, x := range vals {
			mu += x
		}
		mu /= float64(len(vals))
		for _, x := range vals {
			v += (x - mu) * (x - mu)
		}
		v /= float64(len(vals))
		if math.Abs(mean[c]-mu) > 1e-12*mu || math.Abs(1/(inv[c]*inv[c])-v) > 1e-10*v {
			t.Errorf("channel %d: mean %v, var %v; two passes give %v, %v", c, mean[c], 1/(inv[c]*inv[c]), mu, v)
		}
	}
}

// TestBatchNorm2dKernelsDeterministic checks that the kernels give the same
// bits on one core and on four, on an input large enough to be split.
func TestBatchNorm2dKernelsDeterministic(t *testing.T) {
	g := bnGeometry{N: 8, C: 10, Plane: 500}
	if g.size() < parallelValues {
		t.Fatalf("input of %d values is too small to be split", g.size())
	}
	rng := rand.New(rand.NewPCG(9, 10))
	x, dy := make([]float32, g.size()), make([]float32, g.size())
	for i := range x {
		x[i], dy[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	scale, shift := make([]float32, g.C), make([]float32, g.C)
	for c := range scale {
		scale[c], shift[c] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	run := func(procs int) (out [4][]float32) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		out = [4][]float32{make([]float32, g.size()), make([]float32, g.size()), make([]float32, g.C), make([]float32, g.C)}
		bnForward(out[0], x, scale, shift, g, 1e-5)
		bnInputGrad(out[1], x, scale, dy, g, 1e-5)
		bnScaleGrad(out[2], x, dy, g, 1e-5)
		bnShiftGrad(out[3], dy, g)
		return out
	}
	one, four := run(1), run(4)
	for i, name := range []string{"forward", "input gradient", "scale gradient", "shift gradient"} {
		if !slices.Equal(one[i], four[i]) {
			t.Errorf("%s differs between GOMAXPROCS 1 and 4", name)
		}
	}
}
