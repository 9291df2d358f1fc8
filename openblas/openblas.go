//go:build openblas

package openblas

// #cgo LDFLAGS: -lopenblas
import "C"

import "gonum.org/v1/netlib/blas/netlib"

// Available reports whether this build contains the OpenBLAS binding: it is
// true in builds with the openblas tag.
const Available = true

// Implementation is the BLAS of the C library OpenBLAS: every level 1, 2 and 3
// routine in float32, float64, complex64 and complex128, so that it satisfies
// gorgonia.BLAS. The zero value is ready to use.
type Implementation struct {
	netlib.Implementation
}
