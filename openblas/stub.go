//go:build !openblas

package openblas

// Available reports whether this build contains the OpenBLAS binding. It is
// false: build with -tags openblas (and cgo, and libopenblas-dev installed)
// to get Implementation.
const Available = false
