//go:build goexperiment.simd && amd64

package fastblas

import (
	"runtime"
	"unsafe"
)

// kernel is a micro-kernel and the blocking that feeds it: it multiplies an
// mr×kc panel of op(A), its mr values of each k contiguous and as apart (mr
// when packed, lda when read in place), by a packed kc×nr panel of op(B) and
// merges the product into one tile of C.
type kernel[T float32 | float64] struct {
	mr, nr     int
	kc, mc, nc int // cache blocking: kc·nr fits L1, mc·kc L2, kc·nc L3
	fn         func(kc int, a []T, as int, b []T, t *tile[T])
}

// kernels lists the micro-kernels of one element type, the preferred first.
type kernels[T float32 | float64] []*kernel[T]

// choose returns the kernel whose tiles pad an m×n C the least (a 16-column C
// wastes half of a 32-column tile), preferring the earlier on ties. All
// kernels accumulate each element in the same order, so the choice changes
// speed, not results.
func (ks kernels[T]) choose(m, n int) *kernel[T] {
	best := ks[0]
	for _, k := range ks[1:] {
		if roundUp(m, k.mr)*roundUp(n, k.nr) < roundUp(m, best.mr)*roundUp(n, best.nr) {
			best = k
		}
	}
	return best
}

// problem is one C = alpha·op(A)·op(B) + beta·C call after validation.
type problem[T float32 | float64] struct {
	aTrans, bTrans bool
	m, n, k        int
	alpha          T
	a              []T
	lda            int
	b              []T
	ldb            int
	beta           T
	c              []T
	ldc            int
	// packedA, when not nil, is all of op(A) packed once for every stripe
	// (see parallelGemm); serial then reads its blocks instead of packing
	// them.
	packedA []T
}

// rows returns the sub-problem made of rows [i0, i1) of C.
func (p problem[T]) rows(i0, i1 int) problem[T] {
	if p.aTrans {
		p.a = p.a[i0:]
	} else {
		p.a = p.a[i0*p.lda:]
	}
	p.c = p.c[i0*p.ldc:]
	p.m = i1 - i0
	return p
}

// cols returns the sub-problem made of columns [j0, j1) of C.
func (p problem[T]) cols(j0, j1 int) problem[T] {
	if p.bTrans {
		p.b = p.b[j0*p.ldb:]
	} else {
		p.b = p.b[j0:]
	}
	p.c = p.c[j0:]
	p.n = j1 - j0
	return p
}

// parallelFlops is the amount of work (m·n·k) below which a GEMM runs on the
// calling goroutine: starting workers costs more than it saves there.
const parallelFlops = 48 * 48 * 48

// gemm computes p with kernel kern on up to GOMAXPROCS goroutines, the
// caller among them, when the problem is large enough. C is cut into
// stripes of whole micro-tiles (see splitRows and chunks), which the
// goroutines take in turn until none is left. Every element of C is
// accumulated over k in the same order whatever the split and whoever
// computes it, so the result does not depend on GOMAXPROCS.
func gemm[T float32 | float64](kern *kernel[T], p problem[T]) {
	if p.m == 0 || p.n == 0 {
		return
	}
	if p.k == 0 || p.alpha == 0 {
		scale(p)
		return
	}
	workers := runtime.GOMAXPROCS(0)
	if p.m*p.n*p.k < parallelFlops {
		workers = 1
	}
	byRows := splitRows(kern, p, workers)
	tiles, step := ceilDiv(p.m, kern.mr), kern.mr
	if !byRows {
		tiles, step = ceilDiv(p.n, kern.nr), kern.nr
	}
	workers = min(workers, tiles)
	if workers <= 1 {
		serial(kern, p)
		return
	}
	r := getParallelGemm[T]()
	defer putParallelGemm(r)
	r.kern, r.p, r.byRows = kern, p, byRows
	r.tiles, r.step, r.stripes = tiles, step, chunks(p, byRows, tiles, workers)
	if !byRows && sharesPackedA(kern, p, r.stripes, workers) {
		packed := roundUp(p.m, kern.mr) * p.k
		ws := getWorkspace[T](packed, 0, 0)
		defer putWorkspace(ws)
		r.p.packedA = ws.a[:packed]
		r.packBlocks = ceilDiv(p.k, kern.kc) * ceilDiv(p.m, kern.mc)
		r.unpacked.Add(r.packBlocks)
	}
	r.helpers.Add(workers - 1)
	for range workers - 1 {
		go r.help()
	}
	r.work()
	r.helpers.Wait()
}

// chunks returns how many stripes the workers share. Stripes of rows each
// pack all of op(B), so there is one per worker. Stripes of columns each
// pack their own columns of op(B) and, unless it is read in place, all of
// op(A); there are up to eight per worker, at least four tiles wide when
// op(A) is packed, so that a worker whose core is taken away for a while
// (virtual cores are often shared with other machines) leaves the rest to
// the others instead of holding them all back: on two shared cores, eight stripes per
// worker kept both busy 1.8 to 1.9 of the time against 1.5 for one stripe
// each, and made the layers' GEMMs 17 to 43 % faster (measured alternating
// with one stripe per worker, in one process).
func chunks[T float32 | float64](p problem[T], byRows bool, tiles, workers int) int {
	if byRows {
		return workers
	}
	minTiles := 1
	if !p.aTrans {
		minTiles = 4
	}
	return max(workers, min(8*workers, tiles/minTiles))
}

// packCost is what packing one element costs, in the micro-kernel's
// multiply-adds: the kernels run tens of multiply-adds per nanosecond, the
// packing loops one or two elements.
const packCost = 32

// splitRows reports whether workers goroutines should share C as stripes of
// rows rather than of columns: the split whose busiest worker has the least
// to do. Stripes of rows each pack all of op(B) and their rows of op(A);
// stripes of columns all of op(A) (unless it is read in place, see serial)
// and their columns of op(B). Stripes are whole tiles, so a side with fewer
// tiles than workers leaves some idle.
func splitRows[T float32 | float64](kern *kernel[T], p problem[T], workers int) bool {
	mTiles, nTiles := ceilDiv(p.m, kern.mr), ceilDiv(p.n, kern.nr)
	packA := func(rows int) int {
		if p.aTrans {
			return 0
		}
		return packCost * rows * p.k
	}
	packB := func(cols int) int { return packCost * cols * p.k }
	rowStripe := ceilDiv(mTiles, workers) * kern.mr
	colStripe := ceilDiv(nTiles, workers) * kern.nr
	byRows := rowStripe*nTiles*kern.nr*p.k + packA(rowStripe) + packB(p.n)
	byCols := colStripe*mTiles*kern.mr*p.k + packA(p.m) + packB(colStripe)
	return byRows <= byCols
}

func ceilDiv(x, y int) int { return (x + y - 1) / y }

// sharesPackedA reports whether the workers of a GEMM split into stripes of
// columns, each of which would pack all of op(A), pack it once for all of
// them first: when A is not transposed (a transposed A is read in place),
// each worker has four or more stripes, and op(A) packed takes at most
// maxPrepackBytes. (With fewer stripes, or a larger op(A), packing it block
// by block, each block used while it is in cache, was as fast or faster.
// splitRows still prices stripes of columns with op(A) packed once per
// worker: counting the shared packing would turn the second DCGAN layer's
// forward, 2048 rows, to stripes of columns, 10 % slower.)
func sharesPackedA[T float32 | float64](kern *kernel[T], p problem[T], stripes, workers int) bool {
	return !p.aTrans && stripes >= 4*workers && roundUp(p.m, kern.mr)*p.k*int(unsafe.Sizeof(p.alpha)) <= maxPrepackBytes
}

// maxPrepackBytes bounds the op(A) that gemm packs whole: the filter
// gradient of the decoder layer, 64x16384, ran 5 % slower packed whole in
// float64 (8 MiB), level in float32.
const maxPrepackBytes = 4 << 20

// serial computes p on the calling goroutine with the GotoBLAS loop nest:
// columns of C by nc, k by kc (packing op(B)), rows by mc (packing op(A)),
// then micro-tiles, nr columns by mr rows.
func serial[T float32 | float64](kern *kernel[T], p problem[T]) {
	mr, nr := kern.mr, kern.nr
	kcMax := min(kern.kc, p.k)
	ws := getWorkspace[T](
		roundUp(min(kern.mc, p.m), mr)*kcMax,
		roundUp(min(kern.nc, p.n), nr)*kcMax,
		mr*nr)
	defer putWorkspace(ws)
	t := &ws.tile // in the pooled workspace: the kernels take its address, which would put a local on the heap
	*t = tile[T]{ldc: p.ldc, alpha: p.alpha, beta: p.beta, acc: ws.acc}
	for jc := 0; jc < p.n; jc += kern.nc {
		nb := min(kern.nc, p.n-jc)
		for pc := 0; pc < p.k; pc += kern.kc {
			kb := min(kern.kc, p.k-pc)
			packB(p.bTrans, p.b, p.ldb, pc, jc, kb, nb, nr, ws.b)
			t.first = pc == 0
			for ic := 0; ic < p.m; ic += kern.mc {
				mb := min(kern.mc, p.m-ic)
				// op(A) = Aᵀ is already laid out as the micro-kernel reads
				// it, mr contiguous values per k, only lda apart instead of
				// mr: it is read in place, and only a partial last panel
				// is packed (with zero rows). Packing it costs a pass over
				// A that small n cannot amortise (see the dcgan2 benchmark).
				full := 0
				if p.aTrans {
					full = mb / mr * mr
				}
				aBlock := ws.a
				if p.packedA != nil {
					aBlock = p.packedA[pc*roundUp(p.m, mr)+ic*kb:]
				} else {
					packA(p.aTrans, p.a, p.lda, ic+full, pc, mb-full, kb, mr, ws.a)
				}
				for jr := 0; jr < nb; jr += nr {
					bp := ws.b[jr*kb : jr*kb+nr*kb]
					t.cols = min(nr, nb-jr)
					for ir := 0; ir < mb; ir += mr {
						t.rows = min(mr, mb-ir)
						t.full = t.rows == mr && t.cols == nr
						t.c = p.c[(ic+ir)*p.ldc+jc+jr:]
						if ir < full {
							kern.fn(kb, p.a[pc*p.lda+ic+ir:], p.lda, bp, t)
						} else {
							kern.fn(kb, aBlock[(ir-full)*kb:], mr, bp, t)
						}
					}
				}
			}
		}
	}
}

// scale sets C = beta·C, writing zeros (not beta·C) when beta is 0 so that
// NaNs and infinities in C do not survive, as the BLAS convention requires.
func scale[T float32 | float64](p problem[T]) {
	if p.beta == 1 {
		return
	}
	for i := range p.m {
		row := p.c[i*p.ldc : i*p.ldc+p.n]
		if p.beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= p.beta
		}
	}
}

func roundUp(x, m int) int { return (x + m - 1) / m * m }
