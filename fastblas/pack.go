//go:build goexperiment.simd && amd64

package fastblas

// packA copies the mb×kb block of op(A) whose top-left element is op(A)[i0,p0]
// into dst as ⌈mb/mr⌉ panels of mr rows, each panel stored k-major
// (dst[panel·mr·kb + p·mr + r] = op(A)[i0+panel·mr+r, p0+p]).
// Rows past mb are zero so that the micro-kernel can always run a full tile.
func packA[T float32 | float64](trans bool, a []T, lda, i0, p0, mb, kb, mr int, dst []T) {
	for ip := 0; ip < mb; ip += mr {
		rows := min(mr, mb-ip)
		panel := dst[ip*kb : ip*kb+mr*kb]
		if trans {
			// op(A)[i,p] = a[p*lda+i]: the mr values of one p are contiguous.
			for p := range kb {
				d := panel[p*mr : p*mr+mr]
				clear(d[copy(d, a[(p0+p)*lda+i0+ip:][:rows]):])
			}
			continue
		}
		// op(A)[i,p] = a[i*lda+p]: walk each row along k.
		for r := range rows {
			src := a[(i0+ip+r)*lda+p0:]
			for p, v := range src[:kb] {
				panel[p*mr+r] = v
			}
		}
		for r := rows; r < mr; r++ {
			for p := range kb {
				panel[p*mr+r] = 0
			}
		}
	}
}

// packB copies the kb×nb block of op(B) whose top-left element is op(B)[p0,j0]
// into dst as ⌈nb/nr⌉ panels of nr columns, each panel stored k-major
// (dst[panel·nr·kb + p·nr + c] = op(B)[p0+p, j0+panel·nr+c]).
// Columns past nb are zero.
func packB[T float32 | float64](trans bool, b []T, ldb, p0, j0, kb, nb, nr int, dst []T) {
	for jp := 0; jp < nb; jp += nr {
		cols := min(nr, nb-jp)
		panel := dst[jp*kb : jp*kb+nr*kb]
		if !trans {
			// op(B)[p,j] = b[p*ldb+j]: the nr values of one p are contiguous.
			for p := 0; p < kb; p++ {
				src := b[(p0+p)*ldb+j0+jp:]
				d := panel[p*nr : p*nr+nr]
				copy(d, src[:cols])
				clear(d[cols:])
			}
			continue
		}
		// op(B)[p,j] = b[j*ldb+p]: walk each column of op(B) along k.
		for c := 0; c < cols; c++ {
			src := b[(j0+jp+c)*ldb+p0:]
			src = src[:kb]
			for p, v := range src {
				panel[p*nr+c] = v
			}
		}
		for c := cols; c < nr; c++ {
			for p := 0; p < kb; p++ {
				panel[p*nr+c] = 0
			}
		}
	}
}
