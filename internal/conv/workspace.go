package conv

import "sync"

// maxColumnElems bounds the column buffer: a batch is processed in chunks of
// images whose columns fit in it (at least one image per chunk).
const maxColumnElems = 4 << 20

// minFoldedColumns is the GEMM width worth reaching by folding images into one
// chunk; below it, small images would give thin, slow GEMMs, and more passes
// of im2col, GEMM and col2im, each waiting for its slowest core. (Against
// 1024, in alternating calls on two cores: the backward passes 5-20 % faster
// on the decoder and DCGAN layers, the forward level or faster, for three
// times the workspace on the decoder layer.)
const minFoldedColumns = 4096

// chunkImages returns how many images one pass processes at a time.
func chunkImages(g Geometry) int {
	sp := g.smallPlane()
	if sp == 0 || g.Batch <= 1 {
		return max(g.Batch, 1)
	}
	n := min(g.Batch, (minFoldedColumns+sp-1)/sp)
	for n > 1 && n*sp*g.colRows() > maxColumnElems {
		n--
	}
	// Spread the batch evenly over the chunks it needs: a short last chunk
	// would make a thin GEMM.
	chunks := (g.Batch + n - 1) / n
	return (g.Batch + chunks - 1) / chunks
}

// buffer is a reusable scratch slice.
type buffer[T Float] struct{ data []T }

var pools = [2]sync.Pool{}

// poolOf returns the pool of the pair that holds values for T.
func poolOf[T Float](pair *[2]sync.Pool) *sync.Pool {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return &pair[0]
	}
	return &pair[1]
}

// getBuffer returns a scratch slice of length n from a pool; its contents are
// undefined. Return it with putBuffer.
func getBuffer[T Float](n int) *buffer[T] {
	b, _ := poolOf[T](&pools).Get().(*buffer[T])
	if b == nil {
		b = new(buffer[T])
	}
	if cap(b.data) < n {
		b.data = make([]T, n)
	}
	b.data = b.data[:n]
	return b
}

func putBuffer[T Float](b *buffer[T]) { poolOf[T](&pools).Put(b) }

// plan is what the three passes share: the sizes of the folded GEMMs and
// the workspace for one chunk of images.
type plan[T Float] struct {
	g            Geometry
	sp           int // small plane
	csg, rowsG   int // small channels and column rows per group
	chunk        int // images per chunk
	cols, packed *buffer[T]
	filterT      *buffer[T] // the filter transposed, for Transposed's GEMM
}

var plans [2]sync.Pool

// newPlan returns a plan for g from a pool, with its workspace. Release it.
func newPlan[T Float](g Geometry) *plan[T] {
	p, _ := poolOf[T](&plans).Get().(*plan[T])
	if p == nil {
		p = new(plan[T])
	}
	*p = plan[T]{g: g, sp: g.smallPlane(), csg: g.SmallChannels / g.Groups, rowsG: g.colRows() / g.Groups, chunk: chunkImages(g)}
	p.cols = getBuffer[T](g.colRows() * p.chunk * p.sp)
	p.packed = getBuffer[T](g.SmallChannels * p.chunk * p.sp)
	p.filterT = getBuffer[T](g.FilterLen())
	return p
}

// release returns the plan and its workspace to their pools.
func (p *plan[T]) release() {
	putBuffer(p.cols)
	putBuffer(p.packed)
	putBuffer(p.filterT)
	p.cols, p.packed, p.filterT = nil, nil, nil
	poolOf[T](&plans).Put(p)
}

// span returns how many images the chunk starting at image first holds, and
// the width of its folded GEMM.
func (p *plan[T]) span(first int) (count, ld int) {
	count = min(p.chunk, p.g.Batch-first)
	return count, count * p.sp
}

// packSmall returns the chunk's small images as a (C_s × count·plane)
// matrix: in place for a single image, packed into the workspace otherwise.
func (p *plan[T]) packSmall(small []T, first, count int) []T {
	if count == 1 {
		return small[first*p.g.SmallChannels*p.sp:]
	}
	pack(small, p.g.SmallChannels, p.sp, first, count, p.packed.data)
	return p.packed.data
}

// pack copies channels of images [first, first+count) of a batch laid out
// (N, C, plane) into dst laid out (C, count·plane): the layout of a folded
// GEMM operand.
func pack[T Float](src []T, channels, plane, first, count int, dst []T) {
	ld := count * plane
	for i := 0; i < count; i++ {
		img := src[(first+i)*channels*plane:]
		for c := 0; c < channels; c++ {
			copy(dst[c*ld+i*plane:c*ld+(i+1)*plane], img[c*plane:(c+1)*plane])
		}
	}
}

// unpack is the inverse of pack.
func unpack[T Float](src []T, channels, plane, first, count int, dst []T) {
	ld := count * plane
	for i := 0; i < count; i++ {
		img := dst[(first+i)*channels*plane:]
		for c := 0; c < channels; c++ {
			copy(img[c*plane:(c+1)*plane], src[c*ld+i*plane:c*ld+(i+1)*plane])
		}
	}
}

// WorkspaceBytes is the most scratch memory, in bytes, that one pass over g
// holds at once for elements of elemSize bytes: the column matrix of one
// chunk of images, the chunk's small images packed for the folded GEMM, the
// filter transposed, the table of tap offsets for narrow images, and
// col2im's table of runs (or taps by position). It is
// bounded by the chunk size, not the batch: at most maxColumnElems column
// elements, or one image's columns when a single image needs more.
func WorkspaceBytes(g Geometry, elemSize int) int {
	chunk, sp := chunkImages(g), g.smallPlane()
	n := ((g.colRows()+g.SmallChannels)*chunk*sp + g.FilterLen()) * elemSize
	if g.SmallW < narrowRows {
		n += g.KernelH * g.KernelW * sp * 4
	}
	return n + col2imTableBytes(g)
}
