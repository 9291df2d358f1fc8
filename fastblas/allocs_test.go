//go:build goexperiment.simd && amd64

package fastblas

import (
	"fmt"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// TestGemmAllocations checks what a GEMM allocates in steady state, for each
// transpose of A and B: nothing on one goroutine (packing buffers, tiles and
// the shared state of a parallel call are pooled), and on every core no
// more than the helper goroutines need to start: the closure that starts
// each and, when the runtime has no idle goroutine at hand, the goroutine
// itself (two cores: one helper; at most two objects a call on average).
// The second shape splits C into enough stripes of columns for op(A) to be
// packed once for all (see parallelGemm).
func TestGemmAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, s := range [][3]int{{200, 300, 100}, {64, 1024, 256}} {
		m, n, k := s[0], s[1], s[2]
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
				calls := map[string]func(){
					"Sgemm": func() { Implementation{}.Sgemm(tA, tB, m, n, k, 1, a32, lda, b32, ldb, 0, c32, n) },
					"Dgemm": func() { Implementation{}.Dgemm(tA, tB, m, n, k, 1, a64, lda, b64, ldb, 0, c64, n) },
				}
				for name, call := range calls {
					name = fmt.Sprintf("%s m%d n%d k%d tA=%c tB=%c", name, m, n, k, tA, tB)
					if got := testing.AllocsPerRun(5, call); got != 0 { // GOMAXPROCS 1 while it counts
						t.Errorf("%s on one goroutine: %v allocations a call, want 0", name, got)
					}
					if helpers := runtime.GOMAXPROCS(0) - 1; helpers > 0 {
						if got := allocsPerCall(call); got > float64(2*helpers) {
							t.Errorf("%s on %d cores: %v allocations a call, want at most %d", name, helpers+1, got, 2*helpers)
						}
					}
				}
			}
		}
	}
}

// allocsPerCall is testing.AllocsPerRun on every core: AllocsPerRun sets
// GOMAXPROCS to 1 while it counts, which would run every GEMM serially.
func allocsPerCall(f func()) float64 {
	const calls = 50
	for range 5 { // warm up the pools
		f()
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range calls {
		f()
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / calls
}
