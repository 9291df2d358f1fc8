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
		// op(A)[i,p] = a[i*lda+p]: walk the rows along k.
		interleave(panel, mr, kb, rows, func(r int) []T { return a[(i0+ip+r)*lda+p0:][:kb] })
	}
}

// packB copies the kb×nb block of op(B) whose top-left element is op(B)[p0,j0]
// into dst as ⌈nb/nr⌉ panels of nr columns, each panel stored k-major
// (dst[panel·nr·kb + p·nr + c] = op(B)[p0+p, j0+panel·nr+c]).
// Columns past nb are zero.
func packB[T float32 | float64](trans bool, b []T, ldb, p0, j0, kb, nb, nr int, dst []T) {
	if !trans {
		// op(B)[p,j] = b[p*ldb+j]: the nr values of one p are contiguous.
		// Each row of the block is read once, front to back, and dealt
		// out to the panels (reading panel by panel would stride through
		// memory ldb apart, which the prefetchers follow poorly).
		full := nb / nr * nr
		for p := range kb {
			row := b[(p0+p)*ldb+j0:][:nb]
			for jp := 0; jp < full; jp += nr {
				copy(dst[jp*kb+p*nr:][:nr], row[jp:jp+nr])
			}
			if full < nb {
				d := dst[full*kb+p*nr:][:nr]
				clear(d[copy(d, row[full:]):])
			}
		}
		return
	}
	for jp := 0; jp < nb; jp += nr {
		cols := min(nr, nb-jp)
		panel := dst[jp*kb : jp*kb+nr*kb]
		// op(B)[p,j] = b[j*ldb+p]: walk the columns of op(B) along k.
		interleave(panel, nr, kb, cols, func(c int) []T { return b[(j0+jp+c)*ldb+p0:][:kb] })
	}
}

// interleave writes width vectors of length kb, line(0) … line(width−1),
// into panel k-major: panel[p·width + l] = line(l)[p], and zeros for l from
// lines to width. It reads eight or four lines at a time, so that each group
// of writes fills neighbouring elements instead of one element per line.
func interleave[T float32 | float64](panel []T, width, kb, lines int, line func(int) []T) {
	l := 0
	for ; l+8 <= lines; l += 8 {
		var s [8][]T
		for i := range s {
			s[i] = line(l + i)[:kb]
		}
		done := transpose8(panel, width, l, &s)
		s0, s1, s2, s3, s4, s5, s6, s7 := s[0][done:], s[1][done:], s[2][done:], s[3][done:], s[4][done:], s[5][done:], s[6][done:], s[7][done:]
		n := len(s0)
		s1, s2, s3, s4, s5, s6, s7 = s1[:n], s2[:n], s3[:n], s4[:n], s5[:n], s6[:n], s7[:n]
		for p, v := range s0 {
			d := panel[(done+p)*width+l:][:8]
			d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = v, s1[p], s2[p], s3[p], s4[p], s5[p], s6[p], s7[p]
		}
	}
	for ; l+4 <= lines; l += 4 {
		s0, s1, s2, s3 := line(l), line(l+1), line(l+2), line(l+3)
		s1, s2, s3 = s1[:len(s0)], s2[:len(s0)], s3[:len(s0)]
		for p, v := range s0 {
			d := panel[p*width+l : p*width+l+4]
			d[0], d[1], d[2], d[3] = v, s1[p], s2[p], s3[p]
		}
	}
	for ; l < lines; l++ {
		for p, v := range line(l) {
			panel[p*width+l] = v
		}
	}
	for ; l < width; l++ {
		for p := range kb {
			panel[p*width+l] = 0
		}
	}
}
