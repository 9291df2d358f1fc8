//go:build openblas

package main

import (
	"fmt"
	"os"
	"syscall"

	"github.com/gorgonia-ext/convtranspose/openblas"
)

// openBLASTimeout is the OPENBLAS_THREAD_TIMEOUT this command runs with
// unless the environment sets one: OpenBLAS's idle threads then wait about
// 2^4 cycles for more work before they sleep, instead of its default of up
// to 2^28 (a tenth of a second), during which they spin and take a core from
// whatever runs next: the engine timed after OpenBLAS, or the col2im after
// its GEMM. Measured here, the spinning made fastblas look 0.5 to 0.9 times
// OpenBLAS's speed in -gemm where it is 0.8 to 1.3 without it, and did not
// make OpenBLAS itself faster.
const openBLASTimeout = "4"

func init() {
	blasChoices["openblas"] = openblas.Implementation{}
	// OpenBLAS reads the variable when the library loads, before main: set
	// it and run this program again.
	if v, set := os.LookupEnv("OPENBLAS_THREAD_TIMEOUT"); set {
		blasNotes = append(blasNotes, "OpenBLAS threads run with OPENBLAS_THREAD_TIMEOUT="+v)
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	os.Setenv("OPENBLAS_THREAD_TIMEOUT", openBLASTimeout)
	err = syscall.Exec(exe, os.Args, os.Environ())
	fmt.Fprintf(os.Stderr, "bench: could not run again with OPENBLAS_THREAD_TIMEOUT=%s: %v\n", openBLASTimeout, err)
}
