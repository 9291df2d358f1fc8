//go:build goexperiment.simd && amd64

package fastblas

import (
	"simd/archsimd"

	"gonum.org/v1/gonum/blas"
)

// The kernels this CPU can run, chosen once from its features. Empty lists
// mean the CPU lacks AVX2 and FMA: the GEMMs then fall back to gonum.
var (
	kernels32 kernels[float32]
	kernels64 kernels[float64]
	engine    = "gonum"
)

// Blocking: kc·nr elements of B (32 KiB) stay in L1, mc·kc of A in L2 and
// kc·nc of B (1 MiB) in L3. mc is a multiple of every mr (4 and 6). A block
// of B twice as wide was 8 to 11 % slower on the GEMMs with few rows of C
// (64: a decoder's input gradient), where C's block of mc rows by nc columns
// is merged once per slice of k, and no faster elsewhere.
const (
	kc   = 256
	mc32 = 192
	nc32 = 1024
	mc64 = 96
	nc64 = 512
)

func init() {
	switch {
	case archsimd.X86.AVX512():
		kernels32 = kernels[float32]{
			{mr: 4, nr: 32, kc: kc, mc: mc32, nc: nc32, fn: kernel4x32F32},
			{mr: 6, nr: 16, kc: kc, mc: mc32, nc: nc32, fn: kernel6x16F32},
		}
		kernels64 = kernels[float64]{
			{mr: 4, nr: 16, kc: kc, mc: mc64, nc: nc64, fn: kernel4x16F64},
			{mr: 6, nr: 8, kc: kc, mc: mc64, nc: nc64, fn: kernel6x8F64},
		}
		engine = "simd avx512"
	case archsimd.X86.AVX2() && archsimd.X86.FMA():
		kernels32 = kernels[float32]{{mr: 4, nr: 16, kc: kc, mc: mc32, nc: nc32, fn: kernel4x16F32}}
		kernels64 = kernels[float64]{{mr: 4, nr: 8, kc: kc, mc: mc64, nc: nc64, fn: kernel4x8F64}}
		engine = "simd avx2"
	}
}

// Engine reports which GEMM engine Implementation uses: "simd avx512" or
// "simd avx2" for this package's packed micro-kernels, "gonum" when the
// program was built without GOEXPERIMENT=simd, for another architecture than
// amd64, or runs on a CPU without AVX2 and FMA.
func Engine() string { return engine }

// Sgemm performs one of the matrix-matrix operations
//
//	C = alpha * op(A) * op(B) + beta * C
//
// where op(X) is X or Xᵀ as tA and tB say, A is m×k (k×m transposed), B is
// k×n (n×k transposed) and C is m×n, all row-major with leading dimensions
// lda, ldb and ldc. When beta is 0, C need not be initialised: NaNs in it
// are overwritten. Bad arguments panic with gonum's messages.
func (impl Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if len(kernels32) == 0 {
		impl.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	p := newProblem(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	gemm(kernels32.choose(m, n), p)
}

// Dgemm is Sgemm for float64.
func (impl Implementation) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if len(kernels64) == 0 {
		impl.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	p := newProblem(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	gemm(kernels64.choose(m, n), p)
}
