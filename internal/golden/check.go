package golden

import (
	"fmt"
	"math"
)

// Close reports whether got is within tol of want, relative to want's
// magnitude but never tighter than absolute: |got − want| ≤ tol·max(1, |want|).
// A NaN is never close.
func Close(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// Check compares got, flat and row-major, with want under Close. It returns
// an error naming the first element that differs (with its index in want's
// shape) and how many differ, or one naming the lengths if they differ.
func Check[T ~float32 | ~float64](want Tensor, got []T, tol float64) error {
	if len(got) != len(want.Data) {
		return fmt.Errorf("got %d values, want %d (shape %v)", len(got), len(want.Data), want.Shape)
	}
	first, bad := -1, 0
	for i, w := range want.Data {
		if !Close(float64(got[i]), w, tol) {
			if first < 0 {
				first = i
			}
			bad++
		}
	}
	if bad == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d values differ; first at %v: got %v, want %v (tolerance %g)",
		bad, len(want.Data), unravel(first, want.Shape), got[first], want.Data[first], tol)
}

// unravel turns a flat row-major index into one index per dimension.
func unravel(i int, shape []int) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		if shape[d] > 0 {
			idx[d] = i % shape[d]
			i /= shape[d]
		}
	}
	return idx
}
