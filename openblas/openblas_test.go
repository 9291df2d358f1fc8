//go:build openblas

package openblas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/blas/testblas"
	"gorgonia.org/gorgonia"
)

var _ gorgonia.BLAS = Implementation{}

func TestAvailable(t *testing.T) {
	if !Available {
		t.Error("Available = false in a build with the openblas tag")
	}
}

func TestDgemmSuite(t *testing.T) { testblas.TestDgemm(t, Implementation{}) }
func TestZgemmSuite(t *testing.T) { testblas.ZgemmTest(t, Implementation{}) }
func TestDdotSuite(t *testing.T)  { testblas.DdotTest(t, Implementation{}) }

// TestGemmAgainstGonum compares OpenBLAS's Sgemm and Dgemm with gonum's on
// random operands over transposes, edge sizes and scalars.
func TestGemmAgainstGonum(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	trans := []blas.Transpose{blas.NoTrans, blas.Trans}
	for _, s := range [][3]int{{1, 1, 1}, {7, 1, 5}, {13, 31, 29}, {64, 49, 128}, {101, 67, 263}} {
		for _, tA := range trans {
			for _, tB := range trans {
				for _, sc := range [][2]float64{{1, 0}, {2, 0.5}} {
					name := fmt.Sprintf("%c%c/m=%d,n=%d,k=%d/alpha=%g,beta=%g", tA, tB, s[0], s[1], s[2], sc[0], sc[1])
					m, n, k := s[0], s[1], s[2]
					a := randSlice(rnd, m*k)
					b := randSlice(rnd, k*n)
					c := randSlice(rnd, m*n)
					lda, ldb := k, n
					if tA == blas.Trans {
						lda = m
					}
					if tB == blas.Trans {
						ldb = k
					}
					want := append([]float64(nil), c...)
					gonum.Implementation{}.Dgemm(tA, tB, m, n, k, sc[0], a, lda, b, ldb, sc[1], want, n)
					got := append([]float64(nil), c...)
					Implementation{}.Dgemm(tA, tB, m, n, k, sc[0], a, lda, b, ldb, sc[1], got, n)
					got32 := to32(c)
					Implementation{}.Sgemm(tA, tB, m, n, k, float32(sc[0]), to32(a), lda, to32(b), ldb, float32(sc[1]), got32, n)
					for i := range want {
						tol := float64(k+2) * (math.Abs(want[i]) + 1)
						if math.Abs(got[i]-want[i]) > 1e-14*tol {
							t.Errorf("%s: Dgemm C[%d] = %v, gonum %v", name, i, got[i], want[i])
							break
						}
						if math.Abs(float64(got32[i])-want[i]) > 1e-6*tol {
							t.Errorf("%s: Sgemm C[%d] = %v, gonum %v", name, i, got32[i], want[i])
							break
						}
					}
				}
			}
		}
	}
}

func randSlice(rnd *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rnd.Float64()*2 - 1
	}
	return s
}

func to32(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}
