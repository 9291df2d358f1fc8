package conv

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// testGeometries sweeps sizes that include 0 and 1, every parameter, big
// sizes past the kernel's reach and negative padding, and batches large
// enough to be folded into several chunks. Each case also comes with images
// wider than narrowRows, so that both ways of walking the columns are checked.
func testGeometries() []Geometry {
	base := Geometry{Batch: 2, Groups: 1, SmallChannels: 3, BigChannels: 2, SmallH: 3, SmallW: 4,
		KernelH: 3, KernelW: 2, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1}
	var gs []Geometry
	add := func(edit func(*Geometry)) {
		for _, wide := range []bool{false, true} {
			g := base
			edit(&g)
			if wide && g.SmallW > 0 {
				g.SmallW += narrowRows
			}
			// The natural big size, plus whatever extra the edit asked for.
			g.BigH += (g.SmallH-1)*g.StrideH + (g.KernelH-1)*g.DilationH + 1 - 2*g.PadTop
			g.BigW += (g.SmallW-1)*g.StrideW + (g.KernelW-1)*g.DilationW + 1 - 2*g.PadLeft
			gs = append(gs, g)
		}
	}
	add(func(g *Geometry) {})
	add(func(g *Geometry) { g.StrideH, g.StrideW = 2, 3 })
	add(func(g *Geometry) { g.PadTop, g.PadLeft = 1, 1 })
	add(func(g *Geometry) { g.DilationH, g.DilationW = 2, 3 })
	add(func(g *Geometry) { g.StrideH, g.StrideW, g.BigH, g.BigW = 2, 2, 1, 1 }) // output padding
	add(func(g *Geometry) { g.DilationH, g.BigH = 3, 2 })                        // padding below the dilation
	add(func(g *Geometry) { g.PadTop, g.PadLeft = -1, -2 })                      // negative padding
	add(func(g *Geometry) { g.Groups, g.SmallChannels, g.BigChannels = 2, 4, 6 })
	add(func(g *Geometry) { g.Groups, g.SmallChannels, g.BigChannels = 3, 3, 3 }) // depthwise
	add(func(g *Geometry) { g.KernelH, g.KernelW = 1, 1 })
	add(func(g *Geometry) { g.KernelH, g.KernelW = 5, 4 }) // more taps than col2im gathers in one round
	add(func(g *Geometry) { g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.PadTop, g.PadLeft = 4, 4, 2, 2, 1, 1 })
	add(func(g *Geometry) { g.SmallH, g.SmallW = 1, 1 })
	add(func(g *Geometry) { g.Batch = 0 })
	add(func(g *Geometry) { g.Batch = 1 })
	add(func(g *Geometry) { g.Batch, g.SmallH, g.SmallW = 7, 28, 50 }) // folded chunks of three images, the last one short
	add(func(g *Geometry) { g.SmallChannels, g.BigChannels, g.Groups = 1, 1, 1 })
	add(func(g *Geometry) { g.PadTop, g.PadLeft = 2, 2 }) // padding leaves a 1x1 image
	add(func(g *Geometry) { g.SmallH = 0 })
	return gs
}

func randSlice(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rng.NormFloat64()
	}
	return s
}

func convert[T Float](s []float64) []T {
	if s == nil {
		return nil
	}
	out := make([]T, len(s))
	for i, v := range s {
		out[i] = T(v)
	}
	return out
}

func assertClose[T Float](t *testing.T, what string, got []T, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: length %d, want %d", what, len(got), len(want))
	}
	for i := range want {
		if d := math.Abs(float64(got[i]) - want[i]); d > tol*(1+math.Abs(want[i])) || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s[%d] = %v, want %v (|diff| %g)", what, i, got[i], want[i], d)
		}
	}
}

func testPasses[T Float](t *testing.T, tol float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, g := range testGeometries() {
		t.Run(fmt.Sprintf("%+v", g), func(t *testing.T) {
			if err := g.Validate(); err != nil {
				t.Fatal(err)
			}
			small64, big64 := randSlice(rng, g.SmallLen()), randSlice(rng, g.BigLen())
			filter64 := randSlice(rng, g.FilterLen())
			bigBias64, smallBias64 := randSlice(rng, g.BigChannels), randSlice(rng, g.SmallChannels)
			small, big, filter := convert[T](small64), convert[T](big64), convert[T](filter64)
			bigBias, smallBias := convert[T](bigBias64), convert[T](smallBias64)
			inputs := [][]T{slices.Clone(small), slices.Clone(big), slices.Clone(filter), slices.Clone(bigBias), slices.Clone(smallBias)}

			// Outputs start as NaN: every element must be overwritten.
			gotBig := nanSlice[T](g.BigLen())
			Transposed(nil, g, small, filter, bigBias, gotBig)
			assertClose(t, "Transposed", gotBig, refTransposed(g, small64, filter64, bigBias64), tol)
			Transposed(nil, g, small, filter, nil, gotBig)
			assertClose(t, "Transposed without bias", gotBig, refTransposed(g, small64, filter64, nil), tol)

			gotSmall := nanSlice[T](g.SmallLen())
			Convolve(nil, g, big, filter, smallBias, gotSmall)
			assertClose(t, "Convolve", gotSmall, refConvolve(g, big64, filter64, smallBias64), tol)

			gotFilter := nanSlice[T](g.FilterLen())
			FilterGrad(nil, g, small, big, gotFilter)
			assertClose(t, "FilterGrad", gotFilter, refFilterGrad(g, small64, big64), tol)

			for i, in := range [][]T{small, big, filter, bigBias, smallBias} {
				if !slices.Equal(in, inputs[i]) {
					t.Fatalf("input %d was modified", i)
				}
			}
		})
	}
}

func nanSlice[T Float](n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = T(math.NaN())
	}
	return s
}

// TestGeometriesFoldChunks checks that testGeometries keeps a case that the
// passes split into several chunks of folded images with a short last one,
// so that the chunking stays covered if its thresholds change.
func TestGeometriesFoldChunks(t *testing.T) {
	for _, g := range testGeometries() {
		if c := chunkImages(g); c > 1 && g.Batch > 2*c && g.Batch%c != 0 {
			return
		}
	}
	t.Fatal("no test geometry has several folded chunks and a short last one")
}

func TestPassesFloat64(t *testing.T) { testPasses[float64](t, 1e-12) }
func TestPassesFloat32(t *testing.T) { testPasses[float32](t, 1e-4) }

// TestAdjoint checks ⟨Convolve(big), small⟩ = ⟨big, Transposed(small)⟩, an
// identity that involves no reference implementation.
func TestAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, g := range testGeometries() {
		small, big, filter := randSlice(rng, g.SmallLen()), randSlice(rng, g.BigLen()), randSlice(rng, g.FilterLen())
		conv := make([]float64, g.SmallLen())
		Convolve(nil, g, big, filter, nil, conv)
		tr := make([]float64, g.BigLen())
		Transposed(nil, g, small, filter, nil, tr)
		lhs, rhs := dot(conv, small), dot(big, tr)
		if math.Abs(lhs-rhs) > 1e-10*(1+math.Abs(lhs)) {
			t.Errorf("%+v: <Conv(big), small> = %v, <big, Transposed(small)> = %v", g, lhs, rhs)
		}
	}
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// TestDeterministic checks that the results are the same bits whatever
// GOMAXPROCS, on sizes on both sides of the parallel threshold.
func TestDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, side := range []int{8, 40} {
		g := Geometry{Batch: 3, Groups: 1, SmallChannels: 16, BigChannels: 8, SmallH: side, SmallW: side,
			BigH: 2 * side, BigW: 2 * side, KernelH: 4, KernelW: 4, StrideH: 2, StrideW: 2,
			DilationH: 1, DilationW: 1, PadTop: 1, PadLeft: 1}
		small := convert[float32](randSlice(rng, g.SmallLen()))
		big := convert[float32](randSlice(rng, g.BigLen()))
		filter := convert[float32](randSlice(rng, g.FilterLen()))
		run := func(procs int) (tb, cs, fg []float32) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			tb, cs, fg = make([]float32, g.BigLen()), make([]float32, g.SmallLen()), make([]float32, g.FilterLen())
			Transposed(nil, g, small, filter, nil, tb)
			Convolve(nil, g, big, filter, nil, cs)
			FilterGrad(nil, g, small, big, fg)
			return
		}
		t1, c1, f1 := run(1)
		t4, c4, f4 := run(4)
		if !slices.Equal(t1, t4) || !slices.Equal(c1, c4) || !slices.Equal(f1, f4) {
			t.Errorf("side %d: results differ between GOMAXPROCS 1 and 4", side)
		}
	}
}

// TestWorkspaceBytesBounded checks that the workspace stays within the
// column budget however large the batch, and grows with it until then.
func TestWorkspaceBytesBounded(t *testing.T) {
	g := Geometry{Groups: 1, SmallChannels: 128, BigChannels: 64, SmallH: 7, SmallW: 7, BigH: 14, BigW: 14,
		KernelH: 4, KernelW: 4, StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 1, PadTop: 1, PadLeft: 1}
	perImage := (g.colRows() + g.SmallChannels) * g.smallPlane() * 4
	budget := maxColumnElems*4 + (maxColumnElems/g.colRows()+1)*g.SmallChannels*4 + g.FilterLen()*4 + 16*49*4 + col2imTableBytes(g)
	prev := 0
	for _, n := range []int{1, 2, 8, 64, 1 << 10, 1 << 16} {
		g.Batch = n
		got := WorkspaceBytes(g, 4)
		if got < perImage || got > budget {
			t.Errorf("batch %d: workspace %d bytes, want between one image's %d and the budget %d", n, got, perImage, budget)
		}
		if got < prev {
			t.Errorf("batch %d: workspace %d bytes shrank from %d", n, got, prev)
		}
		p := newPlan[float32](g)
		if held := (len(p.cols.data)+len(p.packed.data)+len(p.filterT.data))*4 + len(fillTapIndex(nil, g, appendTaps(nil, g)))*4 + col2imTableBytes(g); held != got {
			t.Errorf("batch %d: the passes hold %d bytes, WorkspaceBytes says %d", n, held, got)
		}
		p.release()
		prev = got
	}
	if g.Batch, g.SmallH, g.SmallW, g.BigH, g.BigW = 4, 2048, 2048, 4096, 4096; WorkspaceBytes(g, 4) < g.colRows()*2048*2048*4 {
		t.Errorf("an image larger than the budget must still get its whole columns")
	}
}

// TestPassesRandomGeometries runs the three passes on random geometries
// against the reference: kernels up to 6x6 (more taps than col2im gathers in
// one round), strides up to 4 (beyond the kernel too), dilations up to 3,
// padding from −3 to 4, big sizes from 0 to past the kernel's reach, narrow
// and wide images (the two ways col2im reads its columns), groups, batches.
func TestPassesRandomGeometries(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pick := func(lo, hi int) int { return lo + rng.IntN(hi-lo+1) }
	for range 300 {
		groups := pick(1, 3)
		g := Geometry{Batch: pick(1, 3), Groups: groups, SmallChannels: groups * pick(1, 2), BigChannels: groups * pick(1, 2),
			SmallH: pick(1, 5), SmallW: pick(1, 8), KernelH: pick(1, 6), KernelW: pick(1, 6),
			StrideH: pick(1, 4), StrideW: pick(1, 4), DilationH: pick(1, 3), DilationW: pick(1, 3),
			PadTop: pick(-3, 4), PadLeft: pick(-3, 4)}
		if rng.IntN(2) == 0 {
			g.SmallW += shortRuns + narrowRows
		}
		g.BigH = max(0, (g.SmallH-1)*g.StrideH+(g.KernelH-1)*g.DilationH+1-2*g.PadTop+pick(-2, 3))
		g.BigW = max(0, (g.SmallW-1)*g.StrideW+(g.KernelW-1)*g.DilationW+1-2*g.PadLeft+pick(-2, 3))
		small, big := randSlice(rng, g.SmallLen()), randSlice(rng, g.BigLen())
		filter, bias := randSlice(rng, g.FilterLen()), randSlice(rng, g.BigChannels)
		gotBig := nanSlice[float64](g.BigLen())
		Transposed(nil, g, small, filter, bias, gotBig)
		assertClose(t, fmt.Sprintf("Transposed %+v", g), gotBig, refTransposed(g, small, filter, bias), 1e-12)
		gotSmall := nanSlice[float64](g.SmallLen())
		Convolve(nil, g, big, filter, nil, gotSmall)
		assertClose(t, fmt.Sprintf("Convolve %+v", g), gotSmall, refConvolve(g, big, filter, nil), 1e-12)
		gotFilter := nanSlice[float64](g.FilterLen())
		FilterGrad(nil, g, small, big, gotFilter)
		assertClose(t, fmt.Sprintf("FilterGrad %+v", g), gotFilter, refFilterGrad(g, small, big), 1e-12)
	}
}
