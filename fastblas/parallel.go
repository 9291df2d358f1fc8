//go:build goexperiment.simd && amd64

package fastblas

import (
	"sync"
	"sync/atomic"
)

// parallelGemm is one GEMM shared by the caller and its helper goroutines:
// C cut into stripes of whole micro-tiles, which they take in turn until
// none is left. It is pooled, so that a call allocates only the closure that
// starts each helper.
type parallelGemm[T float32 | float64] struct {
	kern                 *kernel[T]
	p                    problem[T]
	byRows               bool
	tiles, step, stripes int
	next                 atomic.Int64 // the next stripe to take

	// With p.packedA set, op(A) is packed first, into p.packedA, the way
	// serial would pack it block by block: the block of the k-slice at pc
	// and rows [ic, ic+mb) at packedA[pc·M + ic·kb:], M being m rounded up
	// to whole panels. The goroutines take its blocks in turn too, and
	// start on the stripes once every block is packed.
	packBlocks int          // k-slices times row blocks; 0: nothing to pack
	nextPack   atomic.Int64 // the next block to pack
	unpacked   sync.WaitGroup

	helpers sync.WaitGroup
}

var parallelGemms [2]sync.Pool // of *parallelGemm[float32] and [float64]

func getParallelGemm[T float32 | float64]() *parallelGemm[T] {
	r, _ := poolOf[T](&parallelGemms).Get().(*parallelGemm[T])
	if r == nil {
		r = new(parallelGemm[T])
	}
	r.next.Store(0)
	r.nextPack.Store(0)
	r.packBlocks = 0
	return r
}

func putParallelGemm[T float32 | float64](r *parallelGemm[T]) {
	r.p = problem[T]{} // drop the caller's matrices
	poolOf[T](&parallelGemms).Put(r)
}

// help is work on a helper goroutine.
func (r *parallelGemm[T]) help() {
	defer r.helpers.Done()
	r.work()
}

// work packs blocks of op(A) until none is left and waits for the others
// to finish theirs, then computes stripes until none is left.
func (r *parallelGemm[T]) work() {
	if r.packBlocks > 0 {
		r.pack()
	}
	p := r.p
	for {
		s := int(r.next.Add(1) - 1)
		if s >= r.stripes {
			return
		}
		lo, hi := s*r.tiles/r.stripes*r.step, (s+1)*r.tiles/r.stripes*r.step
		if r.byRows {
			serial(r.kern, p.rows(lo, min(hi, p.m)))
		} else {
			serial(r.kern, p.cols(lo, min(hi, p.n)))
		}
	}
}

func (r *parallelGemm[T]) pack() {
	kern, p := r.kern, r.p
	rowBlocks, rows := ceilDiv(p.m, kern.mc), roundUp(p.m, kern.mr)
	for {
		b := int(r.nextPack.Add(1) - 1)
		if b >= r.packBlocks {
			break
		}
		pc, ic := b/rowBlocks*kern.kc, b%rowBlocks*kern.mc
		kb, mb := min(kern.kc, p.k-pc), min(kern.mc, p.m-ic)
		packA(false, p.a, p.lda, ic, pc, mb, kb, kern.mr, p.packedA[pc*rows+ic*kb:])
		r.unpacked.Done()
	}
	r.unpacked.Wait()
}
