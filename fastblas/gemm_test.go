package fastblas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/blas/testblas"
	"gorgonia.org/gorgonia"
)

var _ gorgonia.BLAS = Implementation{}

// sgemmAsDgemm runs Sgemm behind the Dgemm signature, so that gonum's Dgemm
// suite (whose values are exact in float32) checks Sgemm too.
type sgemmAsDgemm struct{ Implementation }

func (s sgemmAsDgemm) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	c32 := to32(c)
	s.Sgemm(tA, tB, m, n, k, float32(alpha), to32(a), lda, to32(b), ldb, float32(beta), c32, ldc)
	for i, v := range c32 {
		c[i] = float64(v)
	}
}

func to32(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}

func TestDgemmSuite(t *testing.T) { testblas.TestDgemm(t, Implementation{}) }
func TestSgemmSuite(t *testing.T) { testblas.TestDgemm(t, sgemmAsDgemm{}) }

func TestEngine(t *testing.T) {
	switch e := Engine(); e {
	case "simd avx512", "simd avx2", "gonum":
		t.Logf("engine: %s", e)
	default:
		t.Errorf("Engine() = %q, want one of simd avx512, simd avx2, gonum", e)
	}
}

// gemmer is the GEMM of one element type.
type gemmer[T float32 | float64] func(tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)

func sgemm() gemmer[float32] { return Implementation{}.Sgemm }
func dgemm() gemmer[float64] { return Implementation{}.Dgemm }

// naive computes C = alpha·op(A)·op(B) + beta·C in float64 and returns it as a
// new m×n matrix (row stride n), with a bound on the rounding error a correct
// implementation in T may make on each element.
func naive[T float32 | float64](tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) (want, bound []float64) {
	want = make([]float64, m*n)
	bound = make([]float64, m*n)
	eps := 1e-15
	if _, ok := any(alpha).(float32); ok {
		eps = 1e-6
	}
	for i := range m {
		for j := range n {
			var sum, mag float64
			for p := range k {
				ai, bi := i*lda+p, p*ldb+j
				if tA {
					ai = p*lda + i
				}
				if tB {
					bi = j*ldb + p
				}
				av, bv := a[ai], b[bi]
				sum += float64(av) * float64(bv)
				mag += math.Abs(float64(av) * float64(bv))
			}
			cv := 0.0
			if beta != 0 {
				cv = float64(beta) * float64(c[i*ldc+j])
			}
			want[i*n+j] = float64(alpha)*sum + cv
			bound[i*n+j] = eps * float64(k+4) * (math.Abs(float64(alpha))*mag + math.Abs(cv) + 1)
		}
	}
	return want, bound
}

func randSlice[T float32 | float64](rnd *rand.Rand, n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = T(rnd.Float64()*2 - 1)
	}
	return s
}

// gemmCase is one randomized GEMM: shapes, transposes, leading-dimension
// padding and scalars.
type gemmCase struct {
	tA, tB      blas.Transpose
	m, n, k     int
	pad         int // added to every minimum leading dimension
	alpha, beta float64
}

func (tc gemmCase) String() string {
	tr := map[blas.Transpose]string{blas.NoTrans: "N", blas.Trans: "T", blas.ConjTrans: "C"}
	return fmt.Sprintf("%s%s/m=%d,n=%d,k=%d/pad=%d/alpha=%g,beta=%g", tr[tc.tA], tr[tc.tB], tc.m, tc.n, tc.k, tc.pad, tc.alpha, tc.beta)
}

// operands returns A, B and C for tc, filled with random values; C's padding
// and A's and B's are random too, and C may start with NaNs when beta is 0.
func operands[T float32 | float64](rnd *rand.Rand, tc gemmCase) (a []T, lda int, b []T, ldb int, c []T, ldc int) {
	ar, ac := tc.m, tc.k
	if tc.tA != blas.NoTrans {
		ar, ac = tc.k, tc.m
	}
	br, bc := tc.k, tc.n
	if tc.tB != blas.NoTrans {
		br, bc = tc.n, tc.k
	}
	lda, ldb, ldc = max(1, ac)+tc.pad, max(1, bc)+tc.pad, max(1, tc.n)+tc.pad
	a = randSlice[T](rnd, max(1, ar*lda))
	b = randSlice[T](rnd, max(1, br*ldb))
	c = randSlice[T](rnd, max(1, tc.m*ldc))
	if tc.beta == 0 {
		for i := 0; i < len(c); i += 3 {
			c[i] = T(math.NaN())
		}
	}
	return a, lda, b, ldb, c, ldc
}

func gemmCases() []gemmCase {
	var cases []gemmCase
	trans := []blas.Transpose{blas.NoTrans, blas.Trans, blas.ConjTrans}
	shapes := [][3]int{
		{0, 0, 0}, {0, 3, 2}, {3, 0, 2}, {3, 2, 0}, {1, 1, 1}, {1, 7, 1}, {7, 1, 5},
		{2, 3, 5}, {6, 16, 1}, {6, 32, 7}, {7, 17, 11}, {13, 31, 29}, {37, 41, 43},
		{5, 97, 3}, {97, 5, 3}, {64, 49, 128}, {101, 67, 263}, {131, 257, 517},
	}
	scalars := [][2]float64{{1, 0}, {1, 1}, {-0.5, 0}, {2, 0.75}, {0, 0.5}, {0, 0}, {1.5, -1}}
	i := 0
	for _, ta := range trans {
		for _, tb := range trans {
			for _, s := range shapes {
				sc := scalars[i%len(scalars)]
				pad := []int{0, 0, 3}[i%3]
				i++
				cases = append(cases, gemmCase{ta, tb, s[0], s[1], s[2], pad, sc[0], sc[1]})
			}
		}
	}
	return cases
}

func TestSgemmRandom(t *testing.T) { testGemmRandom(t, sgemm(), gemmCases()) }
func TestDgemmRandom(t *testing.T) { testGemmRandom(t, dgemm(), gemmCases()) }

// testGemmRandom compares gemm with a float64 triple loop over cases,
// and checks that A and B are not modified and that C is written only inside
// its m×n block.
func testGemmRandom[T float32 | float64](t *testing.T, gemm gemmer[T], cases []gemmCase) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, tc := range cases {
		a, lda, b, ldb, c, ldc := operands[T](rnd, tc)
		a0, b0, c0 := clone(a), clone(b), clone(c)
		alpha, beta := T(tc.alpha), T(tc.beta)
		want, bound := naive(tc.tA != blas.NoTrans, tc.tB != blas.NoTrans, tc.m, tc.n, tc.k, alpha, a, lda, b, ldb, beta, c0, ldc)
		gemm(tc.tA, tc.tB, tc.m, tc.n, tc.k, alpha, a, lda, b, ldb, beta, c, ldc)
		if !sameBits(a, a0) || !sameBits(b, b0) {
			t.Errorf("%v: A or B was modified", tc)
		}
		bad := 0
		for i := range len(c) / ldc {
			for j := range ldc {
				got := c[i*ldc+j]
				if i >= tc.m || j >= tc.n {
					if !sameBits([]T{got}, []T{c0[i*ldc+j]}) {
						t.Errorf("%v: C[%d,%d] outside the m×n block changed: %v to %v", tc, i, j, c0[i*ldc+j], got)
					}
					continue
				}
				if w := want[i*tc.n+j]; !(math.Abs(float64(got)-w) <= bound[i*tc.n+j]) && bad < 3 {
					bad++
					t.Errorf("%v: C[%d,%d] = %v, want %v", tc, i, j, got, w)
				}
			}
		}
	}
}

func clone[T any](s []T) []T { return append([]T(nil), s...) }

// sameBits reports whether x and y hold the same bits (NaNs included).
func sameBits[T float32 | float64](x, y []T) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] && !(x[i] != x[i] && y[i] != y[i]) {
			return false
		}
		if math.Signbit(float64(x[i])) != math.Signbit(float64(y[i])) {
			return false
		}
	}
	return true
}

func TestSgemmDeterministic(t *testing.T) { testGemmDeterministic(t, sgemm()) }
func TestDgemmDeterministic(t *testing.T) { testGemmDeterministic(t, dgemm()) }

// testGemmDeterministic checks that one goroutine and two give the same bits,
// for sizes right around the point where the work starts being split, and on
// a size large enough to be split along every blocking loop.
func testGemmDeterministic[T float32 | float64](t *testing.T, gemm gemmer[T]) {
	rnd := rand.New(rand.NewPCG(3, 4))
	var cases []gemmCase
	for _, d := range []int{-1, 0, 1} {
		s := 48 + d
		cases = append(cases,
			gemmCase{blas.NoTrans, blas.NoTrans, s, s, s, 0, 1, 0},
			gemmCase{blas.Trans, blas.NoTrans, s + 5, s - 3, s, 1, 0.5, 1},
			gemmCase{blas.NoTrans, blas.Trans, 7, 300, s, 0, 1, 0.5},
		)
	}
	// Sizes large enough to be split by columns, then by rows, into stripes
	// of other parities and shapes than the whole, over several k blocks.
	cases = append(cases,
		gemmCase{blas.Trans, blas.Trans, 211, 2101, 300, 2, -1, 0.25},
		gemmCase{blas.NoTrans, blas.Trans, 1001, 37, 300, 1, 1, 0},
	)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, tc := range cases {
		a, lda, b, ldb, c, ldc := operands[T](rnd, tc)
		var results [2][]T
		for i, procs := range []int{1, 2} {
			runtime.GOMAXPROCS(procs)
			results[i] = clone(c)
			gemm(tc.tA, tc.tB, tc.m, tc.n, tc.k, T(tc.alpha), a, lda, b, ldb, T(tc.beta), results[i], ldc)
		}
		if !sameBits(results[0], results[1]) {
			t.Errorf("%v: GOMAXPROCS 1 and 2 give different bits", tc)
		}
	}
}

func TestSgemmPanics(t *testing.T) {
	testGemmPanics(t, sgemm(), gonum.Implementation{}.Sgemm)
}
func TestDgemmPanics(t *testing.T) {
	testGemmPanics(t, dgemm(), gonum.Implementation{}.Dgemm)
}

// testGemmPanics checks that bad arguments panic with the message gonum uses.
func testGemmPanics[T float32 | float64](t *testing.T, gemm, ref gemmer[T]) {
	buf := make([]T, 12)
	for _, tc := range []struct {
		name          string
		tA, tB        blas.Transpose
		m, n, k       int
		lda, ldb, ldc int
		la, lb, lc    int
	}{
		{"tA", 'x', blas.NoTrans, 2, 2, 2, 2, 2, 2, 4, 4, 4},
		{"tB", blas.NoTrans, 'x', 2, 2, 2, 2, 2, 2, 4, 4, 4},
		{"m", blas.NoTrans, blas.NoTrans, -1, 2, 2, 2, 2, 2, 4, 4, 4},
		{"n", blas.NoTrans, blas.NoTrans, 2, -1, 2, 2, 2, 2, 4, 4, 4},
		{"k", blas.NoTrans, blas.NoTrans, 2, 2, -1, 2, 2, 2, 4, 4, 4},
		{"lda", blas.NoTrans, blas.NoTrans, 2, 2, 3, 2, 2, 2, 12, 12, 12},
		{"ldaT", blas.Trans, blas.NoTrans, 3, 2, 2, 2, 2, 2, 12, 12, 12},
		{"ldb", blas.NoTrans, blas.NoTrans, 2, 3, 2, 2, 2, 3, 12, 12, 12},
		{"ldbT", blas.NoTrans, blas.Trans, 2, 2, 3, 3, 2, 2, 12, 12, 12},
		{"ldc", blas.NoTrans, blas.NoTrans, 2, 3, 2, 2, 3, 2, 12, 12, 12},
		{"shortA", blas.NoTrans, blas.NoTrans, 2, 2, 2, 2, 2, 2, 3, 4, 4},
		{"shortB", blas.NoTrans, blas.NoTrans, 2, 2, 2, 2, 2, 2, 4, 3, 4},
		{"shortC", blas.NoTrans, blas.NoTrans, 2, 2, 2, 2, 2, 2, 4, 4, 3},
	} {
		call := func(f gemmer[T]) (msg any) {
			defer func() { msg = recover() }()
			f(tc.tA, tc.tB, tc.m, tc.n, tc.k, 1, buf[:tc.la], tc.lda, buf[:tc.lb], tc.ldb, 0, clone(buf[:tc.lc]), tc.ldc)
			return nil
		}
		want := call(ref)
		if want == nil {
			t.Fatalf("%s: gonum does not panic: bad test case", tc.name)
		}
		if got := call(gemm); got != want {
			t.Errorf("%s: panic %v, want %v", tc.name, got, want)
		}
	}
}
