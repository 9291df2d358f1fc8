package fastblas

//go:generate go run gen_kernels.go

import "gonum.org/v1/gonum/blas/gonum"

// Implementation is a BLAS implementation whose Sgemm and Dgemm use the SIMD
// engine of this package when it is built in (see Engine); every other
// routine, and both GEMMs otherwise, are those of gonum's pure-Go
// implementation, which it embeds. The zero value is ready to use.
type Implementation struct {
	gonum.Implementation
}
