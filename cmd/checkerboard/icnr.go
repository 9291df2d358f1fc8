package main

import "fmt"

// icnr returns the filter, of shape (C_out·r², C_in, kH, kW), of a
// convolution that PixelShuffle(r) follows, initialised as Aitken et al.
// propose ("Checkerboard artifact free sub-pixel convolution", 2017): from
// a filter w0 of shape (C_out, C_in, kH, kW), channel c·r²+i gets w0's
// kernel c for each of the r² sub-pixel positions i. The r×r pixels that
// PixelShuffle builds from one input position are then equal, and the
// sub-pixel convolution starts out as nearest-neighbour up-sampling of the
// convolution with w0: no checkerboard at initialisation.
func icnr[T float32 | float64](w0 []T, shape [4]int, r int) ([]T, error) {
	if r < 1 {
		return nil, fmt.Errorf("icnr: factor r must be at least 1, got %d", r)
	}
	size := 1
	for _, d := range shape {
		if d < 1 {
			return nil, fmt.Errorf("icnr: shape %v has an empty dimension", shape)
		}
		size *= d
	}
	if len(w0) != size {
		return nil, fmt.Errorf("icnr: filter has %d values, shape %v needs %d", len(w0), shape, size)
	}
	kernel := size / shape[0] // one output channel's C_in·kH·kW values
	w := make([]T, 0, size*r*r)
	for c := 0; c < shape[0]; c++ {
		for range r * r {
			w = append(w, w0[c*kernel:(c+1)*kernel]...)
		}
	}
	return w, nil
}
