package conv

// span returns the range [lo, hi) of small positions s in [0, n) whose big
// position s·stride + offset lies in [0, size).
func span(n, stride, offset, size int) (lo, hi int) {
	// s·stride + offset >= 0  ⇔  s >= ceil(−offset / stride)
	if offset < 0 {
		lo = (-offset + stride - 1) / stride
	}
	// s·stride + offset <= size − 1  ⇔  s <= floor((size − 1 − offset) / stride)
	if last := size - 1 - offset; last >= 0 {
		hi = last/stride + 1
	}
	hi = min(hi, n)
	lo = min(lo, hi)
	return lo, hi
}

// im2col writes the columns of images [first, first+count) of big into cols,
// a matrix of g.colRows() rows and count·SmallH·SmallW columns. Positions out
// of reach are written as zero.
func im2col[T Float](g Geometry, big []T, first, count int, cols []T) {
	kArea := g.KernelH * g.KernelW
	sp, bp := g.smallPlane(), g.bigPlane()
	ld := count * sp
	rows := g.colRows()
	parallelFor(rows, rows*ld, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			cb, k := r/kArea, r%kArea
			kh, kw := k/g.KernelW, k%g.KernelW
			offH, offW := kh*g.DilationH-g.PadTop, kw*g.DilationW-g.PadLeft
			hLo, hHi := span(g.SmallH, g.StrideH, offH, g.BigH)
			wLo, wHi := span(g.SmallW, g.StrideW, offW, g.BigW)
			for i := 0; i < count; i++ {
				dst := cols[r*ld+i*sp : r*ld+(i+1)*sp]
				src := big[((first+i)*g.BigChannels+cb)*bp:][:bp]
				clear(dst[:hLo*g.SmallW])
				for hs := hLo; hs < hHi; hs++ {
					row := dst[hs*g.SmallW : (hs+1)*g.SmallW]
					clear(row[:wLo])
					srow := src[(hs*g.StrideH+offH)*g.BigW:]
					if g.StrideW == 1 {
						copy(row[wLo:wHi], srow[wLo+offW:wHi+offW])
					} else {
						for ws := wLo; ws < wHi; ws++ {
							row[ws] = srow[ws*g.StrideW+offW]
						}
					}
					clear(row[wHi:])
				}
				clear(dst[hHi*g.SmallW:])
			}
		}
	})
}

// col2im adds the columns in cols (laid out as im2col writes them) into
// images [first, first+count) of big. Each big channel is accumulated by one
// goroutine in a fixed order, so the sums do not depend on GOMAXPROCS.
func col2im[T Float](g Geometry, cols []T, first, count int, big []T) {
	kArea := g.KernelH * g.KernelW
	sp, bp := g.smallPlane(), g.bigPlane()
	ld := count * sp
	planes := count * g.BigChannels
	parallelFor(planes, planes*kArea*sp, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			i, cb := p/g.BigChannels, p%g.BigChannels
			dst := big[((first+i)*g.BigChannels+cb)*bp:][:bp]
			for k := 0; k < kArea; k++ {
				kh, kw := k/g.KernelW, k%g.KernelW
				offH, offW := kh*g.DilationH-g.PadTop, kw*g.DilationW-g.PadLeft
				hLo, hHi := span(g.SmallH, g.StrideH, offH, g.BigH)
				wLo, wHi := span(g.SmallW, g.StrideW, offW, g.BigW)
				src := cols[(cb*kArea+k)*ld+i*sp:][:sp]
				for hs := hLo; hs < hHi; hs++ {
					srow := src[hs*g.SmallW : (hs+1)*g.SmallW]
					drow := dst[(hs*g.StrideH+offH)*g.BigW:]
					if g.StrideW == 1 {
						d := drow[wLo+offW : wHi+offW]
						for j, v := range srow[wLo:wHi] {
							d[j] += v
						}
					} else {
						for ws := wLo; ws < wHi; ws++ {
							drow[ws*g.StrideW+offW] += srow[ws]
						}
					}
				}
			}
		}
	})
}
