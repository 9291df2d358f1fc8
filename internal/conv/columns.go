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

// tap is one kernel position: it joins small position (hs, ws) to big
// position (hs·StrideH + offH, ws·StrideW + offW), and only the small rows
// [hLo, hHi) and columns [wLo, wHi) land inside the big image.
type tap struct {
	offH, offW int
	hLo, hHi   int
	wLo, wHi   int
	full       bool // every small position lands inside
}

// taps returns the kernel positions in row-major order, the order of the
// column matrix's rows within a big channel.
func taps(g Geometry) []tap {
	ts := make([]tap, g.KernelH*g.KernelW)
	for k := range ts {
		kh, kw := k/g.KernelW, k%g.KernelW
		t := tap{offH: kh*g.DilationH - g.PadTop, offW: kw*g.DilationW - g.PadLeft}
		t.hLo, t.hHi = span(g.SmallH, g.StrideH, t.offH, g.BigH)
		t.wLo, t.wHi = span(g.SmallW, g.StrideW, t.offW, g.BigW)
		t.full = t.hLo == 0 && t.hHi == g.SmallH && t.wLo == 0 && t.wHi == g.SmallW
		ts[k] = t
	}
	return ts
}

// im2col writes the columns of images [first, first+count) of big into cols,
// a matrix of g.colRows() rows and count·SmallH·SmallW columns. Positions out
// of reach are written as zero.
func im2col[T Float](g Geometry, big []T, first, count int, cols []T) {
	ts := taps(g)
	sp, bp := g.smallPlane(), g.bigPlane()
	ld := count * sp
	rows := g.colRows()
	var index []int32
	if g.SmallW < narrowRows {
		index = tapIndex(g, ts)
	}
	parallelFor(rows, rows*ld, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			cb, k := r/len(ts), r%len(ts)
			t := ts[k]
			for i := 0; i < count; i++ {
				dst := cols[r*ld+i*sp:][:sp]
				src := big[((first+i)*g.BigChannels+cb)*bp:][:bp]
				if index != nil {
					gatherIndex(dst, src, index[k*sp:][:sp])
					continue
				}
				if !t.full {
					clear(dst)
				}
				for hs := t.hLo; hs < t.hHi; hs++ {
					row := dst[hs*g.SmallW+t.wLo : hs*g.SmallW+t.wHi]
					srow := src[(hs*g.StrideH+t.offH)*g.BigW+t.wLo*g.StrideW+t.offW:]
					if g.StrideW == 1 {
						copy(row, srow)
					} else {
						gather(row, srow, g.StrideW)
					}
				}
			}
		}
	})
}

// narrowRows is the small-image width below which im2col reads through a
// table of offsets instead of row by row: short rows make the per-row work
// cost more than the copying.
const narrowRows = 16

// tapIndex returns, for every tap and small position, the offset in a big
// plane that the position reads, or −1 where it falls outside: a table of
// len(ts) rows of SmallH·SmallW offsets.
func tapIndex(g Geometry, ts []tap) []int32 {
	sp := g.smallPlane()
	index := make([]int32, len(ts)*sp)
	for k, t := range ts {
		row := index[k*sp:][:sp]
		for j := range row {
			row[j] = -1
		}
		for hs := t.hLo; hs < t.hHi; hs++ {
			for ws := t.wLo; ws < t.wHi; ws++ {
				row[hs*g.SmallW+ws] = int32((hs*g.StrideH+t.offH)*g.BigW + ws*g.StrideW + t.offW)
			}
		}
	}
	return index
}

// gatherIndex sets dst[j] = src[index[j]], or 0 where index[j] is negative.
func gatherIndex[T Float](dst, src []T, index []int32) {
	for j, o := range index[:len(dst)] {
		if o >= 0 {
			dst[j] = src[o]
		} else {
			dst[j] = 0
		}
	}
}

// col2im adds the columns in cols (laid out as im2col writes them) into
// images [first, first+count) of big. The work is split into units of one big
// channel and a block of images; a unit reads its rows of cols in order and
// adds into planes small enough to stay in cache. Each big plane belongs to
// one unit and receives its taps in a fixed order, so the sums do not depend
// on GOMAXPROCS.
func col2im[T Float](g Geometry, cols []T, first, count int, big []T) {
	ts := taps(g)
	sp, bp := g.smallPlane(), g.bigPlane()
	ld := count * sp
	block := max(1, min(count, col2imBlockElems/max(bp, 1)))
	blocks := (count + block - 1) / block
	units := g.BigChannels * blocks
	var index []int32
	if g.SmallW < narrowRows {
		index = tapIndex(g, ts)
	}
	parallelFor(units, units*block*len(ts)*sp, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			cb, i0 := u/blocks, (u%blocks)*block
			i1 := min(i0+block, count)
			for k, t := range ts {
				row := cols[(cb*len(ts)+k)*ld:][:ld]
				for i := i0; i < i1; i++ {
					src := row[i*sp:][:sp]
					dst := big[((first+i)*g.BigChannels+cb)*bp:][:bp]
					if index != nil {
						scatterIndex(dst, src, index[k*sp:][:sp])
						continue
					}
					for hs := t.hLo; hs < t.hHi; hs++ {
						srow := src[hs*g.SmallW+t.wLo : hs*g.SmallW+t.wHi]
						drow := dst[(hs*g.StrideH+t.offH)*g.BigW+t.wLo*g.StrideW+t.offW:]
						if g.StrideW == 1 {
							add(drow[:len(srow)], srow)
						} else {
							scatterAdd(drow, srow, g.StrideW)
						}
					}
				}
			}
		}
	})
}

// col2imBlockElems bounds the big planes one unit of col2im adds into, so
// that they stay in the first-level cache while every tap visits them.
const col2imBlockElems = 4096

// gather sets dst[j] = src[j·stride].
func gather[T Float](dst, src []T, stride int) {
	for j := range dst {
		dst[j] = src[j*stride]
	}
}

// scatterIndex adds src[j] into dst[index[j]] where index[j] is not negative.
func scatterIndex[T Float](dst, src []T, index []int32) {
	for j, o := range index[:len(src)] {
		if o >= 0 {
			dst[o] += src[j]
		}
	}
}

// add adds src into dst, which has the same length.
func add[T Float](dst, src []T) {
	for j, v := range src {
		dst[j] += v
	}
}

// scatterAdd adds src[j] into dst[j·stride].
func scatterAdd[T Float](dst, src []T, stride int) {
	for j, v := range src {
		dst[j*stride] += v
	}
}
