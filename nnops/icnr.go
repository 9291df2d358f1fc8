package nnops

import (
	"fmt"

	"gorgonia.org/tensor"
)

// ICNR returns the filter of a convolution that PixelShuffle(r) follows,
// initialised as Aitken et al. propose ("Checkerboard artifact free
// sub-pixel convolution", arXiv:1707.02937, 2017): w0 is a filter of shape
// (C, C_in, kH, kW), drawn with any Initializer for C output channels, and
// the result, of shape (C·r², C_in, kH, kW), gives output channel c·r²+i
// the kernel c of w0 for each of the r² sub-pixel positions i. The r×r
// pixels that PixelShuffle(r) builds from one input position are then
// equal for every input: the sub-pixel convolution starts out as
// nearest-neighbour up-sampling of the convolution with w0, with no
// checkerboard, and training is free to move the sub-pixels apart.
//
// PyTorch has no ICNR of its own; fastai's icnr_init orders the channels the
// same way. w0 is not modified. An error names a factor r below 1, a shape
// that is not 4-D or has an empty dimension, and a w0 whose length does not
// match its shape.
func ICNR[T ~float32 | ~float64](w0 []T, shape tensor.Shape, r int) ([]T, error) {
	if r < 1 {
		return nil, fmt.Errorf("ICNR: factor r must be at least 1, got %d", r)
	}
	if shape.Dims() != 4 {
		return nil, fmt.Errorf("ICNR: shape must be 4-D (C, C_in, kH, kW), got %v", shape)
	}
	size := 1
	for _, d := range shape {
		if d < 1 {
			return nil, fmt.Errorf("ICNR: shape %v has an empty dimension", shape)
		}
		size *= d
	}
	if len(w0) != size {
		return nil, fmt.Errorf("ICNR: filter has %d values, shape %v needs %d", len(w0), shape, size)
	}
	kernel := size / shape[0] // one output channel's C_in·kH·kW values
	w := make([]T, 0, size*r*r)
	for c := range shape[0] {
		for range r * r {
			w = append(w, w0[c*kernel:(c+1)*kernel]...)
		}
	}
	return w, nil
}
