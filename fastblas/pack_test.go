//go:build goexperiment.simd && amd64

package fastblas

import (
	"math/rand/v2"
	"testing"
)

func TestPackF32(t *testing.T) { testPack[float32](t, []int{4, 6, 16, 32}) }
func TestPackF64(t *testing.T) { testPack[float64](t, []int{4, 6, 8, 16}) }

// testPack checks packA and packB against their definitions, element by
// element, on blocks whose sizes cover the vector paths (8 lines and 8 or 4
// values at a time), their remainders and the zero padding.
func testPack[T float32 | float64](t *testing.T, widths []int) {
	rnd := rand.New(rand.NewPCG(3, 4))
	const ld = 80
	src := randSlice[T](rnd, ld*ld)
	at := func(trans bool, i, p int) T { // op(X)[i,p] of a matrix stored row-major with stride ld
		if trans {
			return src[p*ld+i]
		}
		return src[i*ld+p]
	}
	for _, width := range widths {
		for _, trans := range []bool{false, true} {
			for _, kb := range []int{1, 3, 8, 9, 17} {
				for _, lines := range []int{1, width - 1, width, 2*width + 3} {
					if lines < 1 {
						continue
					}
					panels := (lines + width - 1) / width
					dst := randSlice[T](rnd, panels*width*kb) // garbage: padding must be written
					const i0, p0 = 2, 5
					packA(trans, src, ld, i0, p0, lines, kb, width, dst)
					for i := range panels * width {
						for p := range kb {
							var want T
							if i < lines {
								want = at(trans, i0+i, p0+p)
							}
							if got := dst[i/width*width*kb+p*width+i%width]; got != want {
								t.Fatalf("packA(trans=%v, mr=%d, kb=%d, rows=%d): row %d, k %d = %v, want %v", trans, width, kb, lines, i, p, got, want)
							}
						}
					}
					dst = randSlice[T](rnd, panels*width*kb)
					// op(B) is kb×lines: op(B)[p,j] = B[p,j] or B[j,p].
					packB(trans, src, ld, p0, i0, kb, lines, width, dst)
					for j := range panels * width {
						for p := range kb {
							var want T
							if j < lines {
								want = at(!trans, i0+j, p0+p)
							}
							if got := dst[j/width*width*kb+p*width+j%width]; got != want {
								t.Fatalf("packB(trans=%v, nr=%d, kb=%d, cols=%d): k %d, column %d = %v, want %v", trans, width, kb, lines, p, j, got, want)
							}
						}
					}
				}
			}
		}
	}
}
