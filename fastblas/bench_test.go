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

// probeShape is one GEMM of a transposed convolution. The forward pass of
// one is C (Cout·kH·kW × H·W) = Wᵀ (Cout·kH·kW × Cin) · X (Cin × H·W), with
// W stored Cin × Cout·kH·kW, hence A transposed; its gradients are the
// NoTrans·NoTrans (input) and NoTrans·Trans (filter) products.
type probeShape struct {
	name    string
	tA, tB  blas.Transpose
	m, n, k int
}

var probeShapes = []probeShape{
	// 128→64 channels, 7×7 input, 4×4 kernel, one image, then the batch of
	// 64 folded into N, then the two gradient GEMMs of the folded batch.
	{"dcgan1", blas.Trans, blas.NoTrans, 64 * 16, 7 * 7, 128},
	{"dcgan1_batch64", blas.Trans, blas.NoTrans, 64 * 16, 64 * 7 * 7, 128},
	{"dcgan1_batch64_gradinput", blas.NoTrans, blas.NoTrans, 128, 64 * 7 * 7, 64 * 16},
	{"dcgan1_batch64_gradfilter", blas.NoTrans, blas.Trans, 128, 64 * 16, 64 * 7 * 7},
	// 256→128 channels, 4×4 input, 4×4 kernel.
	{"dcgan2", blas.Trans, blas.NoTrans, 128 * 16, 4 * 4, 256},
	{"dcgan2_batch64", blas.Trans, blas.NoTrans, 128 * 16, 64 * 4 * 4, 256},
	// 64→32 channels, 32×32 input, 4×4 kernel (batch 16).
	{"decoder", blas.Trans, blas.NoTrans, 32 * 16, 32 * 32, 64},
	// 256→128 channels, 16×16 input, 3×3 kernel (batch 8).
	{"decoder3x3", blas.Trans, blas.NoTrans, 128 * 9, 16 * 16, 256},
}

func (s probeShape) String() string {
	tr := map[blas.Transpose]string{blas.NoTrans: "N", blas.Trans: "T"}
	return fmt.Sprintf("%s_%s%s_m%dn%dk%d", s.name, tr[s.tA], tr[s.tB], s.m, s.n, s.k)
}

// lds returns the minimum leading dimensions of A and B.
func (s probeShape) lds() (lda, ldb int) {
	lda, ldb = s.k, s.n
	if s.tA == blas.Trans {
		lda = s.m
	}
	if s.tB == blas.Trans {
		ldb = s.k
	}
	return lda, ldb
}

func BenchmarkSgemm(b *testing.B) {
	for _, s := range probeShapes {
		rnd := rand.New(rand.NewPCG(1, 1))
		lda, ldb := s.lds()
		a, x, c := randSlice[float32](rnd, s.k*s.m), randSlice[float32](rnd, s.k*s.n), make([]float32, s.m*s.n)
		for _, e := range engines {
			b.Run(s.String()+"/engine="+e.name, func(b *testing.B) {
				for b.Loop() {
					e.impl.Sgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, x, ldb, 0, c, s.n)
				}
				reportGFLOPS(b, s)
			})
		}
	}
}

func BenchmarkDgemm(b *testing.B) {
	for _, s := range probeShapes {
		rnd := rand.New(rand.NewPCG(1, 1))
		lda, ldb := s.lds()
		a, x, c := randSlice[float64](rnd, s.k*s.m), randSlice[float64](rnd, s.k*s.n), make([]float64, s.m*s.n)
		for _, e := range engines {
			b.Run(s.String()+"/engine="+e.name, func(b *testing.B) {
				for b.Loop() {
					e.dbl.Dgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, x, ldb, 0, c, s.n)
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
