package conv

import "sync"

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
	// The offsets as qh·StrideH + rh and qw·StrideW + rw, 0 ≤ rh < StrideH
	// and 0 ≤ rw < StrideW (see appendRuns).
	qh, rh, qw, rw int
}

// appendTaps appends the kernel positions of g to ts in row-major order, the
// order of the column matrix's rows within a big channel.
func appendTaps(ts []tap, g Geometry) []tap {
	for k := range g.KernelH * g.KernelW {
		kh, kw := k/g.KernelW, k%g.KernelW
		t := tap{offH: kh*g.DilationH - g.PadTop, offW: kw*g.DilationW - g.PadLeft}
		t.hLo, t.hHi = span(g.SmallH, g.StrideH, t.offH, g.BigH)
		t.wLo, t.wHi = span(g.SmallW, g.StrideW, t.offW, g.BigW)
		t.full = t.hLo == 0 && t.hHi == g.SmallH && t.wLo == 0 && t.wHi == g.SmallW
		t.qh, t.rh = divmod(t.offH, g.StrideH)
		t.qw, t.rw = divmod(t.offW, g.StrideW)
		ts = append(ts, t)
	}
	return ts
}

// columnJob is one im2col or col2im over a chunk of images, with what they
// need: the taps of the kernel, im2col's offset table for narrow images,
// col2im's runs, and the WaitGroup of its workers. Jobs are pooled, and their tables reused, so
// that a pass allocates nothing in steady state.
type columnJob[T Float] struct {
	g             Geometry
	ts            []tap
	index         []int32 // im2col's, nil unless g.SmallW < narrowRows
	indexMem      []int32 // index's memory, kept for the next job
	big, cols     []T
	bias          []T         // col2im's starting values, one per big channel (nil: zero)
	runs          []run       // col2im's runs over a big plane (wide images)
	gather        gatherTable // col2im's taps of each big position (narrow images)
	first, count  int
	block, blocks int  // col2im's units: a block of images of one channel
	scatter       bool // col2im, not im2col
	done          sync.WaitGroup
	old           bool
}

var columnJobs [2]sync.Pool

// getColumnJob returns a pooled job set up for g; put it back with putColumnJob.
func getColumnJob[T Float](g Geometry, big []T, first, count int, cols []T) *columnJob[T] {
	j, _ := poolOf[T](&columnJobs).Get().(*columnJob[T])
	if j == nil {
		j = new(columnJob[T])
	}
	j.g, j.big, j.first, j.count, j.cols = g, big, first, count, cols
	j.ts = appendTaps(j.ts[:0], g)
	return j
}

// putColumnJob returns j to its pool, without the images it pointed to.
func putColumnJob[T Float](j *columnJob[T]) {
	j.big, j.cols, j.bias = nil, nil, nil
	poolOf[T](&columnJobs).Put(j)
}

func (j *columnJob[T]) do(lo, hi int) {
	if j.scatter {
		j.col2im(lo, hi)
	} else {
		j.im2col(lo, hi)
	}
}

// im2col writes the columns of images [first, first+count) of big into cols,
// a matrix of g.colRows() rows and count·SmallH·SmallW columns. Positions out
// of reach are written as zero.
func im2col[T Float](g Geometry, big []T, first, count int, cols []T) {
	j := getColumnJob(g, big, first, count, cols)
	defer putColumnJob(j)
	rows := g.colRows()
	j.index = nil
	if g.SmallW < narrowRows {
		j.indexMem = fillTapIndex(j.indexMem, g, j.ts)
		j.index = j.indexMem
	}
	j.scatter = false
	parallelFor(rows, rows*count*g.smallPlane(), j, &j.done)
}

// im2col writes rows [lo, hi) of the column matrix.
func (j *columnJob[T]) im2col(lo, hi int) {
	g, ts, index, count := j.g, j.ts, j.index, j.count
	sp, bp := g.smallPlane(), g.bigPlane()
	ld := count * sp
	for r := lo; r < hi; r++ {
		cb, k := r/len(ts), r%len(ts)
		t := ts[k]
		for i := 0; i < count; i++ {
			dst := j.cols[r*ld+i*sp:][:sp]
			src := j.big[((j.first+i)*g.BigChannels+cb)*bp:][:bp]
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
}

// narrowRows is the small-image width below which im2col reads through a
// table of offsets instead of row by row: short rows make the per-row work
// cost more than the copying.
const narrowRows = 16

// fillTapIndex returns, for every tap and small position, the offset in a big
// plane that the position reads, or −1 where it falls outside: a table of
// len(ts) rows of SmallH·SmallW offsets, written into index's memory when it
// has the room.
func fillTapIndex(index []int32, g Geometry, ts []tap) []int32 {
	sp := g.smallPlane()
	if cap(index) < len(ts)*sp {
		index = make([]int32, len(ts)*sp)
	}
	index = index[:len(ts)*sp]
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

// gather sets dst[j] = src[j·stride].
func gather[T Float](dst, src []T, stride int) {
	for j := range dst {
		dst[j] = src[j*stride]
	}
}
