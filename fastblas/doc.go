// Package fastblas is a BLAS implementation for Gorgonia whose matrix
// products, Sgemm and Dgemm, are a packed, cache-blocked, parallel GEMM
// written in pure Go with the SIMD intrinsics of Go's experimental
// simd/archsimd package. Every other routine is gonum's.
//
// # Using it
//
// Implementation satisfies gorgonia.BLAS, so one call switches a whole graph
// (every node that multiplies matrices, convolutions included) to it:
//
//	gorgonia.Use(fastblas.Implementation{})
//
// # Building
//
// The SIMD engine is compiled only with GOEXPERIMENT=simd on amd64:
//
//	GOEXPERIMENT=simd go build ./...
//
// It uses AVX-512 micro-kernels where the CPU has AVX-512 and AVX2 with FMA
// otherwise, chosen at start-up; Engine reports which. Without the experiment,
// on other architectures, or on a CPU without AVX2 and FMA, Implementation is
// gonum's implementation unchanged, so code that uses it builds everywhere.
//
// # The engine
//
// The loop nest is GotoBLAS's (as in BLIS): C is cut into column blocks of nc,
// k into slices of kc whose block of op(B) is packed into kc×nr panels, rows
// into blocks of mc whose op(A) is packed into mr×kc panels (a transposed A
// already has that layout and is read in place), and a
// micro-kernel keeps an mr×nr tile of C in vector registers while it runs
// along kc with fused multiply-adds. Packing pads edge panels with zeros, so
// the micro-kernel always runs full tiles; edge tiles are merged into C
// through a scratch tile. Large products are cut into stripes of whole tiles
// (up to eight per goroutine) that up to GOMAXPROCS goroutines, the caller
// among them, take in turn, so that a goroutine whose core is busy elsewhere
// leaves its share to the others; when the stripes are columns, op(A) is
// packed once for all of them first. Small products run on the caller's
// goroutine.
//
// # Stability
//
// simd/archsimd is an experiment in Go 1.26 and Go 1.27: its API may change
// between releases and is covered by no compatibility promise. This package uses little of it: the vector types
// Float32x8, Float32x16, Float64x4 and Float64x8, their Load…Slice,
// Broadcast…, MulAdd and Store…Slice operations, and the CPU feature checks
// archsimd.X86.AVX2, FMA and AVX512. The calls sit in the files
// kernels_amd64.go (written by gen_kernels.go, so a renamed operation is one
// edit to the generator), engine_simd.go and the merge helpers; if the
// experiment's API moves, those are what must follow it, and until they do a
// GOEXPERIMENT=simd build fails to compile while the default build, which
// never sees them, keeps working. If the experiment is dropped or renamed,
// the build constraint goexperiment.simd stops matching and every build gets
// gonum's GEMM.
//
// # Numerics
//
// Every element of C is the same chain of fused multiply-adds over k, in
// increasing k, whatever the kernel, the tile or the stripe that computes it:
// results are bitwise identical whatever GOMAXPROCS is. They differ from
// gonum's in the last bits, as fused multiply-adds round once where gonum
// rounds twice. When beta is 0, C is overwritten (NaNs in C do not
// propagate), as the BLAS reference requires. Bad arguments panic with the
// same messages as gonum's, the BLAS convention.
package fastblas
