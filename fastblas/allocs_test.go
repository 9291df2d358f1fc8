//go:build goexperiment.simd && amd64

package fastblas

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// TestGemmAllocations checks that a GEMM large enough to run on every core
// allocates at most one object a call in steady state (the closure of the
// goroutine that shares the work), for each transpose of A and B: packing
// buffers and tiles are reused.
func TestGemmAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	const m, n, k = 200, 300, 100
	a32, b32, c32 := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	a64, b64, c64 := make([]float64, m*k), make([]float64, k*n), make([]float64, m*n)
	for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
		for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			lda, ldb := k, n
			if tA == blas.Trans {
				lda = m
			}
			if tB == blas.Trans {
				ldb = k
			}
			name := fmt.Sprintf("tA=%c tB=%c", tA, tB)
			if got := testing.AllocsPerRun(5, func() {
				Implementation{}.Sgemm(tA, tB, m, n, k, 1, a32, lda, b32, ldb, 0, c32, n)
			}); got > 1 {
				t.Errorf("Sgemm %s: %v allocations a call, want at most 1", name, got)
			}
			if got := testing.AllocsPerRun(5, func() {
				Implementation{}.Dgemm(tA, tB, m, n, k, 1, a64, lda, b64, ldb, 0, c64, n)
			}); got > 1 {
				t.Errorf("Dgemm %s: %v allocations a call, want at most 1", name, got)
			}
		}
	}
}
