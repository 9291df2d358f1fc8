//go:build goexperiment.simd && amd64

package fastblas

// tile describes where a micro-kernel merges its accumulated product P
// (one mr×nr block of op(A)·op(B) over one kc-long slice of k):
//
//	C = alpha·P + beta·C   on the first slice of k (C = alpha·P when beta is 0),
//	C = alpha·P + C        on the following ones.
//
// The merge is a fused multiply-add per element, done in the same order for
// every element of C whatever the tile, so results do not depend on how the
// work was split.
type tile[T float32 | float64] struct {
	c           []T  // C at the tile's top-left element
	ldc         int  // row stride of C
	rows, cols  int  // extent of the tile inside C (≤ mr, ≤ nr)
	full        bool // rows == mr && cols == nr
	first       bool // first slice of k: apply beta
	alpha, beta T
	acc         []T // mr·nr scratch for edge tiles
}
