//go:build !(goexperiment.simd && amd64)

package fastblas

// Engine reports which GEMM engine Implementation uses. This build has no
// SIMD engine (it needs GOEXPERIMENT=simd on amd64), so it is always "gonum":
// Sgemm and Dgemm are gonum's, promoted from the embedded Implementation.
func Engine() string { return "gonum" }
