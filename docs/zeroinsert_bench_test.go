package docs_test

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// The DCGAN generator's middle layer: x (64, 128, 7, 7), filter
// (128, 64, 4, 4), stride 2, padding 1, giving (64, 64, 14, 14).
const (
	dcganN, dcganCin, dcganCout, dcganH, dcganK, dcganStride, dcganPad = 64, 128, 64, 7, 4, 2, 1
)

func randomFloat32s(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

func input32(g *G.ExprGraph, name string, data []float32, shape ...int) *G.Node {
	t := tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
	return G.NewTensor(g, tensor.Float32, len(shape), G.WithShape(shape...), G.WithName(name), G.WithValue(t))
}

// layerPaths returns two functions that each compute the transposed
// convolution of x with w (the layer above, float32) once: direct runs
// ConvTranspose2d (a GEMM and col2im, no zeros), and spread inserts zeros
// into x and runs gorgonia.Conv2d with the flipped filter. The nodes hold
// the two results, and close releases the machines.
func layerPaths(tb testing.TB, x, w []float32) (direct, spread func(), nodes [2]*G.Node, close func()) {
	g := G.NewGraph()
	var err error
	nodes[0], err = ct.ConvTranspose2d(input32(g, "x", x, dcganN, dcganCin, dcganH, dcganH),
		input32(g, "w", w, dcganCin, dcganCout, dcganK, dcganK),
		ct.WithStride(dcganStride, dcganStride), ct.WithPadding(dcganPad, dcganPad))
	if err != nil {
		tb.Fatal(err)
	}
	edge := dcganK - 1 - dcganPad
	side := (dcganH-1)*dcganStride + 1 + 2*edge
	zeros := make([]float32, dcganN*dcganCin*side*side)
	h := G.NewGraph()
	nodes[1], err = G.Conv2d(input32(h, "spread", zeros, dcganN, dcganCin, side, side),
		input32(h, "flipped", flipKernel(w, dcganCin, dcganCout, dcganK), dcganCout, dcganCin, dcganK, dcganK),
		tensor.Shape{dcganK, dcganK}, []int{0, 0}, []int{1, 1}, []int{1, 1})
	if err != nil {
		tb.Fatal(err)
	}
	m, n := G.NewTapeMachine(g), G.NewTapeMachine(h)
	runOnce := func(vm G.VM) {
		if err := vm.RunAll(); err != nil {
			tb.Fatal(err)
		}
		vm.Reset()
	}
	direct = func() { runOnce(m) }
	spread = func() {
		insertZeros(zeros, x, dcganN*dcganCin, dcganH, dcganH, dcganStride, edge, 0)
		runOnce(n)
	}
	return direct, spread, nodes, func() { m.Close(); n.Close() }
}

// BenchmarkDCGAN128x7x7To64x14x14Float32 runs the layer forward both ways.
// The sub-benchmark ZeroInsertionOverConvTranspose2d runs them in turn and
// reports the ratio of their total times, measured in the same stretch of
// time so that other load on the machine weighs on both alike, and the
// ratio of each one's fastest run, the one other load disturbed least.
func BenchmarkDCGAN128x7x7To64x14x14Float32(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := randomFloat32s(rng, dcganN*dcganCin*dcganH*dcganH)
	w := randomFloat32s(rng, dcganCin*dcganCout*dcganK*dcganK)
	direct, spread, _, closeAll := layerPaths(b, x, w)
	defer closeAll()
	b.Run("ConvTranspose2d", func(b *testing.B) {
		for b.Loop() {
			direct()
		}
	})
	b.Run("ZeroInsertionGorgoniaConv2d", func(b *testing.B) {
		for b.Loop() {
			spread()
		}
	})
	b.Run("ZeroInsertionOverConvTranspose2d", func(b *testing.B) {
		var fast, slow time.Duration
		fastest, slowest := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
		for b.Loop() {
			start := time.Now()
			direct()
			mid := time.Now()
			spread()
			d, z := mid.Sub(start), time.Since(mid)
			fast, slow = fast+d, slow+z
			fastest, slowest = min(fastest, d), min(slowest, z)
		}
		b.ReportMetric(float64(slow)/float64(fast), "ratio")
		b.ReportMetric(float64(slowest)/float64(fastest), "ratio-of-fastest")
	})
}

// The benchmark's two paths compute the same layer.
func TestZeroInsertionPathMatches(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the DCGAN layer both ways")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	x := randomFloat32s(rng, dcganN*dcganCin*dcganH*dcganH)
	w := randomFloat32s(rng, dcganCin*dcganCout*dcganK*dcganK)
	direct, spread, nodes, closeAll := layerPaths(t, x, w)
	defer closeAll()
	direct()
	spread()
	a, b := nodes[0].Value().Data().([]float32), nodes[1].Value().Data().([]float32)
	if len(a) != len(b) || len(a) != dcganN*dcganCout*14*14 {
		t.Fatalf("results of %d and %d values", len(a), len(b))
	}
	for i := range a {
		if d := a[i] - b[i]; d > 1e-3 || d < -1e-3 {
			t.Fatalf("value %d: ConvTranspose2d %v, zero insertion %v", i, a[i], b[i])
		}
	}
}
