package fastblas

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// benchEngine is one BLAS implementation compared in the benchmarks.
type benchEngine struct {
	name string
	impl blas.Float32Level3
	dbl  blas.Float64Level3
}

// engines are compared in one run, so that their ratios, not bare times, are
// what the benchmarks report. Files built with other tags append to it.
var engines = []benchEngine{
	{"fastblas", Implementation{}, Implementation{}},
	{"gonum", gonum.Implementation{}, gonum.Implementation{}},
}

// probeShape is the GEMM of the forward pass of one transposed convolution:
// C (Cout·kH·kW × H·W) = Wᵀ (Cout·kH·kW × Cin) · X (Cin × H·W), with W stored
// Cin × Cout·kH·kW, hence A transposed.
type probeShape struct {
	name    string
	m, n, k int
}

var probeShapes = []probeShape{
	{"dcgan1", 64 * 16, 7 * 7, 128},              // 128→64 channels, 7×7 input, 4×4 kernel, one image
	{"dcgan1_batch64", 64 * 16, 64 * 7 * 7, 128}, // the same with the batch of 64 folded into N
	{"dcgan2", 128 * 16, 4 * 4, 256},             // 256→128 channels, 4×4 input, 4×4 kernel
	{"dcgan2_batch64", 128 * 16, 64 * 4 * 4, 256},
	{"decoder", 32 * 16, 32 * 32, 64},     // 64→32 channels, 32×32 input, 4×4 kernel
	{"decoder3x3", 128 * 9, 16 * 16, 256}, // 256→128 channels, 16×16 input, 3×3 kernel
}

func (s probeShape) String() string { return fmt.Sprintf("%s_m%dn%dk%d", s.name, s.m, s.n, s.k) }

func BenchmarkSgemm(b *testing.B) {
	for _, s := range probeShapes {
		rnd := rand.New(rand.NewPCG(1, 1))
		a, x, c := randSlice[float32](rnd, s.k*s.m), randSlice[float32](rnd, s.k*s.n), make([]float32, s.m*s.n)
		for _, e := range engines {
			b.Run(s.String()+"/engine="+e.name, func(b *testing.B) {
				for b.Loop() {
					e.impl.Sgemm(blas.Trans, blas.NoTrans, s.m, s.n, s.k, 1, a, s.m, x, s.n, 0, c, s.n)
				}
				reportGFLOPS(b, s)
			})
		}
	}
}

func BenchmarkDgemm(b *testing.B) {
	for _, s := range probeShapes {
		rnd := rand.New(rand.NewPCG(1, 1))
		a, x, c := randSlice[float64](rnd, s.k*s.m), randSlice[float64](rnd, s.k*s.n), make([]float64, s.m*s.n)
		for _, e := range engines {
			b.Run(s.String()+"/engine="+e.name, func(b *testing.B) {
				for b.Loop() {
					e.dbl.Dgemm(blas.Trans, blas.NoTrans, s.m, s.n, s.k, 1, a, s.m, x, s.n, 0, c, s.n)
				}
				reportGFLOPS(b, s)
			})
		}
	}
}

func reportGFLOPS(b *testing.B, s probeShape) {
	flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
