package conv

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Float is the element type of every kernel.
type Float interface{ float32 | float64 }

// BLAS is the part of a BLAS implementation the kernels use. gorgonia.BLAS
// satisfies it, so the kernels run on whatever gorgonia.Use installed.
type BLAS interface {
	Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
	Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int)
}

// DefaultBLAS is used when a caller passes a nil BLAS.
var DefaultBLAS BLAS = gonum.Implementation{}

// gemm computes C = alpha·op(A)·op(B) + beta·C for either element type,
// with row-major operands as in gonum. Empty products only scale C.
func gemm[T Float](impl BLAS, tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				if beta == 0 {
					row[j] = 0
				} else {
					row[j] *= beta
				}
			}
		}
		return
	}
	if impl == nil {
		impl = DefaultBLAS
	}
	switch a := any(a).(type) {
	case []float32:
		impl.Sgemm(tA, tB, m, n, k, float32(alpha), a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		impl.Dgemm(tA, tB, m, n, k, float64(alpha), a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	}
}
