package resample

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func randSlice(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rng.NormFloat64()
	}
	return s
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func geometries() []Geometry {
	var gs []Geometry
	sizes := [][2]int{{1, 1}, {1, 3}, {2, 2}, {3, 5}, {4, 4}, {5, 2}, {7, 7}}
	outs := [][2]int{{1, 1}, {2, 6}, {4, 4}, {6, 10}, {7, 3}, {9, 11}}
	for _, mode := range []struct {
		m  Mode
		ac bool
	}{{Nearest, false}, {Bilinear, false}, {Bilinear, true}} {
		for _, in := range sizes {
			for _, out := range outs {
				gs = append(gs, Geometry{
					Planes: 3,
					H:      AxisSpec{In: in[0], Out: out[0], Mode: mode.m, AlignCorners: mode.ac},
					W:      AxisSpec{In: in[1], Out: out[1], Mode: mode.m, AlignCorners: mode.ac},
				})
			}
			// integer scales given as scale factors
			gs = append(gs, Geometry{
				Planes: 2,
				H:      AxisSpec{In: in[0], Out: 3 * in[0], Mode: mode.m, AlignCorners: mode.ac, Scale: 3},
				W:      AxisSpec{In: in[1], Out: 2 * in[1], Mode: mode.m, AlignCorners: mode.ac, Scale: 2},
			})
		}
	}
	return gs
}

func name(g Geometry) string {
	return fmt.Sprintf("%v/ac=%v/%dx%d->%dx%d/scale=%vx%v", g.H.Mode, g.H.AlignCorners,
		g.H.In, g.W.In, g.H.Out, g.W.Out, g.H.Scale, g.W.Scale)
}

// The adjoint identity ⟨Up(x), y⟩ = ⟨x, Upᵀ(y)⟩ ties Forward and Adjoint
// together without any reference implementation.
func TestAdjointIdentity(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, g := range geometries() {
		p, err := NewPlan[float64](g)
		if err != nil {
			t.Fatalf("%s: %v", name(g), err)
		}
		x, y := randSlice(rng, g.InLen()), randSlice(rng, g.OutLen())
		upx, upty := make([]float64, g.OutLen()), make([]float64, g.InLen())
		if err := p.Forward(upx, x); err != nil {
			t.Fatal(err)
		}
		if err := p.Adjoint(upty, y); err != nil {
			t.Fatal(err)
		}
		l, r := dot(upx, y), dot(x, upty)
		if math.Abs(l-r) > 1e-12*(1+math.Abs(l)) {
			t.Errorf("%s: ⟨Up(x), y⟩ = %v, ⟨x, Upᵀ(y)⟩ = %v", name(g), l, r)
		}
	}
}

// Interpolation weights sum to one: constants are preserved, and the
// adjoint of a constant sums to the output size.
func TestPartitionOfUnity(t *testing.T) {
	for _, g := range geometries() {
		p, err := NewPlan[float32](g)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float32, g.InLen())
		for i := range x {
			x[i] = 2.5
		}
		y := make([]float32, g.OutLen())
		if err := p.Forward(y, x); err != nil {
			t.Fatal(err)
		}
		for i, v := range y {
			if math.Abs(float64(v)-2.5) > 1e-6 {
				t.Fatalf("%s: y[%d] = %v, want 2.5", name(g), i, v)
			}
		}
		ones := make([]float32, g.OutLen())
		for i := range ones {
			ones[i] = 1
		}
		back := make([]float32, g.InLen())
		if err := p.Adjoint(back, ones); err != nil {
			t.Fatal(err)
		}
		var s float64
		for _, v := range back {
			s += float64(v)
		}
		if want := float64(g.OutLen()); math.Abs(s-want) > 1e-4*want {
			t.Errorf("%s: adjoint of ones sums to %v, want %v", name(g), s, want)
		}
	}
}

// With aligned corners, linear interpolation of a ramp is the ramp at the
// mapped coordinate: y[o] = o·(in−1)/(out−1).
func TestBilinearRamp(t *testing.T) {
	for _, in := range []int{2, 3, 5} {
		for _, out := range []int{2, 4, 7, 13} {
			g := Geometry{Planes: 1,
				H: AxisSpec{In: 1, Out: 1, Mode: Bilinear, AlignCorners: true},
				W: AxisSpec{In: in, Out: out, Mode: Bilinear, AlignCorners: true}}
			p, err := NewPlan[float64](g)
			if err != nil {
				t.Fatal(err)
			}
			x := make([]float64, in)
			for i := range x {
				x[i] = float64(i)
			}
			y := make([]float64, out)
			if err := p.Forward(y, x); err != nil {
				t.Fatal(err)
			}
			for o, v := range y {
				want := float64(o) * float64(in-1) / float64(out-1)
				if math.Abs(v-want) > 1e-12 {
					t.Errorf("ramp %d→%d: y[%d] = %v, want %v", in, out, o, v, want)
				}
			}
		}
	}
}

// Without aligned corners, PyTorch maps o to (o+½)·in/out−½, clamped at 0;
// the last index is clamped to the axis.
func TestBilinearHalfPixel(t *testing.T) {
	a, err := NewAxis[float64](AxisSpec{In: 2, Out: 4, Mode: Bilinear})
	if err != nil {
		t.Fatal(err)
	}
	// sources: −0.25→0, 0.25, 0.75, 1.25
	wantI0, wantI1 := []int{0, 0, 0, 1}, []int{1, 1, 1, 1}
	wantW1 := []float64{0, 0.25, 0.75, 0.25}
	if !slices.Equal(a.I0, wantI0) || !slices.Equal(a.I1, wantI1) || !slices.Equal(a.W1, wantW1) {
		t.Errorf("got I0 %v I1 %v W1 %v, want %v %v %v", a.I0, a.I1, a.W1, wantI0, wantI1, wantW1)
	}
}

func TestNearestIndexFloat32(t *testing.T) {
	tests := []struct {
		o, in, out int
		scale      float64
		want       int
	}{
		{o: 37, in: 6, out: 74, want: 2},              // floorf(37·float32(6/74)) = 2 (exact: 3)
		{o: 41, in: 2, out: 82, scale: 41, want: 0},   // 41·float32(1/41) < 1
		{o: 41, in: 2, out: 82, scale: 0, want: 0},    // float32(2)/float32(82) is the same number
		{o: 5, in: 3, out: 6, scale: 2.0001, want: 2}, // twice the input: shift, scale unused
		{o: 4, in: 4, out: 4, scale: 3, want: 4},      // same size: identity (out of range is the caller's)
		{o: 9, in: 4, out: 10, want: 3},               // clamped to in−1
		{o: 2, in: 5, out: 3, want: 3},                // down-sampling
	}
	for _, tt := range tests {
		if got := nearestIndex(tt.o, tt.in, tt.out, tt.scale); got != tt.want {
			t.Errorf("nearestIndex(%d, %d, %d, %v) = %d, want %d", tt.o, tt.in, tt.out, tt.scale, got, tt.want)
		}
	}
}

func TestAccumulatesAndKeepsSource(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, g := range geometries() {
		p, err := NewPlan[float64](g)
		if err != nil {
			t.Fatal(err)
		}
		x := randSlice(rng, g.InLen())
		x0 := slices.Clone(x)
		fresh := make([]float64, g.OutLen())
		if err := p.Forward(fresh, x); err != nil {
			t.Fatal(err)
		}
		acc := randSlice(rng, g.OutLen())
		acc0 := slices.Clone(acc)
		if err := p.Forward(acc, x); err != nil {
			t.Fatal(err)
		}
		for i := range acc {
			if math.Abs(acc[i]-(acc0[i]+fresh[i])) > 1e-12 {
				t.Fatalf("%s: Forward does not add: %v + %v ≠ %v", name(g), acc0[i], fresh[i], acc[i])
			}
		}
		y := randSlice(rng, g.OutLen())
		y0 := slices.Clone(y)
		back := make([]float64, g.InLen())
		if err := p.Adjoint(back, y); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(x, x0) || !slices.Equal(y, y0) {
			t.Fatalf("%s: a source was modified", name(g))
		}
	}
}

// Parallel runs give the same bits as serial ones, just below and above the
// switching threshold.
func TestParallelEqualsSerial(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	g := Geometry{Planes: 7,
		H: AxisSpec{In: 3, Out: 8, Mode: Bilinear}, W: AxisSpec{In: 4, Out: 9, Mode: Bilinear}}
	work := g.Planes * g.H.Out * g.W.Out
	x, y := randSlice(rng, g.InLen()), randSlice(rng, g.OutLen())
	var ref [2][]float64
	for k, threshold := range []int{work + 1, work, 1} {
		p, err := NewPlan[float64](g)
		if err != nil {
			t.Fatal(err)
		}
		p.threshold = threshold
		f, a := make([]float64, g.OutLen()), make([]float64, g.InLen())
		if err := p.Forward(f, x); err != nil {
			t.Fatal(err)
		}
		if err := p.Adjoint(a, y); err != nil {
			t.Fatal(err)
		}
		if k == 0 {
			ref = [2][]float64{f, a}
			continue
		}
		if !slices.Equal(f, ref[0]) || !slices.Equal(a, ref[1]) {
			t.Errorf("threshold %d: results differ from the serial run", threshold)
		}
	}
}

func TestErrors(t *testing.T) {
	ok := AxisSpec{In: 2, Out: 4, Mode: Bilinear}
	tests := []struct {
		g    Geometry
		want string
	}{
		{Geometry{Planes: -1, H: ok, W: ok}, "planes must be non-negative, got -1"},
		{Geometry{Planes: 1, H: AxisSpec{In: 0, Out: 4}, W: ok}, "height: resample: sizes must be positive, got input 0 and output 4"},
		{Geometry{Planes: 1, H: ok, W: AxisSpec{In: 2, Out: 0, Mode: Bilinear}}, "width: resample: sizes must be positive, got input 2 and output 0"},
		{Geometry{Planes: 1, H: AxisSpec{In: 2, Out: 4, Mode: 7}, W: ok}, "unknown mode Mode(7)"},
		{Geometry{Planes: 1, H: AxisSpec{In: 2, Out: 4, Mode: Bilinear, Scale: math.NaN()}, W: ok}, "scale must be finite"},
		{Geometry{Planes: 1, H: AxisSpec{In: 2, Out: 4, Mode: Bilinear, AlignCorners: true}, W: ok}, "axes disagree"},
	}
	for _, tt := range tests {
		_, err := NewPlan[float32](tt.g)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewPlan(%+v) error %v, want it to contain %q", tt.g, err, tt.want)
		}
	}
	p, err := NewPlan[float64](Geometry{Planes: 2, H: ok, W: ok})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Forward(make([]float64, 32), make([]float64, 7)); err == nil || !strings.Contains(err.Error(), "src of length 8, got 32 and 7") {
		t.Errorf("Forward with a short src: %v", err)
	}
	if err := p.Adjoint(make([]float64, 8), make([]float64, 31)); err == nil || !strings.Contains(err.Error(), "dst of length 8 and src of length 32") {
		t.Errorf("Adjoint with a short src: %v", err)
	}
}
