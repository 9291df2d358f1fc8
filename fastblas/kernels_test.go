//go:build goexperiment.simd && amd64

package fastblas

import (
	"fmt"
	"math/rand/v2"
	"simd/archsimd"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// allKernels returns every kernel of one element type that this CPU can run,
// not only those Engine chose, so that the AVX2 kernels are tested on AVX-512
// machines too.
func allKernels[T float32 | float64]() kernels[T] {
	var ks kernels[T]
	var zero T
	_, f32 := any(zero).(float32)
	add := func(mr, nr int, f32fn func(int, []float32, int, []float32, *tile[float32]), f64fn func(int, []float64, int, []float64, *tile[float64])) {
		var fn any = f64fn
		if f32 {
			fn = f32fn
		}
		ks = append(ks, &kernel[T]{mr: mr, nr: nr, kc: kc, mc: 24, nc: 64, fn: fn.(func(int, []T, int, []T, *tile[T]))})
	}
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		if f32 {
			add(4, 16, kernel4x16F32, nil)
		} else {
			add(4, 8, nil, kernel4x8F64)
		}
	}
	if archsimd.X86.AVX512() {
		if f32 {
			add(4, 32, kernel4x32F32, nil)
			add(6, 16, kernel6x16F32, nil)
		} else {
			add(4, 16, nil, kernel4x16F64)
			add(6, 8, nil, kernel6x8F64)
		}
	}
	return ks
}

// withKernel is the GEMM that always uses kern. Its small mc and nc make
// every blocking loop run several times on the test sizes.
func withKernel[T float32 | float64](kern *kernel[T]) gemmer[T] {
	return func(tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
		gemm(kern, newProblem(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc))
	}
}

func TestKernelsF32(t *testing.T) { testKernels[float32](t) }
func TestKernelsF64(t *testing.T) { testKernels[float64](t) }

// testKernels runs the randomized comparison with every kernel, and checks
// that all kernels give the same bits, as the package documents.
func testKernels[T float32 | float64](t *testing.T) {
	ks := allKernels[T]()
	if len(ks) == 0 {
		t.Skip("no AVX2 and FMA")
	}
	var small []gemmCase
	for _, tc := range gemmCases() {
		if tc.m*tc.n*tc.k < 1e6 {
			small = append(small, tc)
		}
	}
	for _, k := range ks {
		t.Run(fmt.Sprintf("%dx%d", k.mr, k.nr), func(t *testing.T) { testGemmRandom(t, withKernel(k), small) })
	}
	rnd := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []gemmCase{
		{blas.NoTrans, blas.NoTrans, 45, 70, 300, 0, 1, 0},
		{blas.Trans, blas.Trans, 13, 19, 600, 2, -0.5, 2},
	} {
		a, lda, b, ldb, c, ldc := operands[T](rnd, tc)
		var first []T
		for _, k := range ks {
			got := clone(c)
			withKernel(k)(tc.tA, tc.tB, tc.m, tc.n, tc.k, T(tc.alpha), a, lda, b, ldb, T(tc.beta), got, ldc)
			if first == nil {
				first = got
			} else if !sameBits(got, first) {
				t.Errorf("%v: kernel %dx%d gives other bits than kernel %dx%d", tc, k.mr, k.nr, ks[0].mr, ks[0].nr)
			}
		}
	}
}

func TestChoose(t *testing.T) {
	ks := kernels[float32]{{mr: 4, nr: 32}, {mr: 6, nr: 16}}
	for _, tc := range []struct{ m, n, want int }{
		{1024, 16, 16}, {1024, 49, 32}, {1024, 1024, 32}, {4, 32, 32}, {6, 16, 16}, {12, 48, 16},
	} {
		if got := ks.choose(tc.m, tc.n).nr; got != tc.want {
			t.Errorf("choose(%d, %d).nr = %d, want %d", tc.m, tc.n, got, tc.want)
		}
	}
}
