package conv

import (
	"fmt"
	"sync"
)

// Border says what the rows and columns that Pad adds around an image hold.
// Every mode but BorderZeros copies a pixel of the image, chosen along each
// axis independently (a corner copies the pixel chosen by both rules).
type Border int

const (
	// BorderZeros adds zeros.
	BorderZeros Border = iota
	// BorderCircular wraps around: padded index i reads pixel i mod n.
	BorderCircular
	// BorderReflect mirrors the image about its edge pixel, which is not
	// repeated: with pixels a b c, two columns of padding read c b | a b c | b a.
	BorderReflect
	// BorderReplicate repeats the edge pixel.
	BorderReplicate
)

func (b Border) String() string {
	switch b {
	case BorderZeros:
		return "zeros"
	case BorderCircular:
		return "circular"
	case BorderReflect:
		return "reflect"
	case BorderReplicate:
		return "replicate"
	}
	return fmt.Sprintf("Border(%d)", int(b))
}

// Padding describes the padding of a batch of images (Batch, Channels, H, W)
// into (Batch, Channels, Top+H+Bottom, Left+W+Right).
type Padding struct {
	Batch, Channels          int
	H, W                     int // size of the image before padding
	Top, Bottom, Left, Right int
	Border                   Border
}

// PaddedH and PaddedW are the size of the padded image.
func (p Padding) PaddedH() int { return p.Top + p.H + p.Bottom }
func (p Padding) PaddedW() int { return p.Left + p.W + p.Right }

// Len and PaddedLen are the numbers of elements of the batch before and
// after padding.
func (p Padding) Len() int       { return p.Batch * p.Channels * p.H * p.W }
func (p Padding) PaddedLen() int { return p.Batch * p.Channels * p.PaddedH() * p.PaddedW() }

// Validate reports whether p can be applied: sizes and paddings must not be
// negative, and the border must have pixels to read, as PyTorch requires:
// reflect needs each padding smaller than its axis, circular at most the
// axis (it wraps around at most once), and replicate a non-empty axis.
func (p Padding) Validate() error {
	for _, v := range []struct {
		name string
		v    int
	}{
		{"batch", p.Batch}, {"channels", p.Channels}, {"height", p.H}, {"width", p.W},
		{"top padding", p.Top}, {"bottom padding", p.Bottom}, {"left padding", p.Left}, {"right padding", p.Right},
	} {
		if v.v < 0 {
			return fmt.Errorf("conv: %s must not be negative, got %d", v.name, v.v)
		}
	}
	if p.Border < BorderZeros || p.Border > BorderReplicate {
		return fmt.Errorf("conv: unknown border %v", p.Border)
	}
	for _, a := range []struct {
		name             string
		n, before, after int
	}{{"height", p.H, p.Top, p.Bottom}, {"width", p.W, p.Left, p.Right}} {
		if err := checkBorder(p.Border, a.name, a.n, a.before, a.after); err != nil {
			return err
		}
	}
	return nil
}

// checkBorder checks the paddings of one axis of size n against the rule of b.
func checkBorder(b Border, axis string, n, before, after int) error {
	pad := max(before, after)
	switch {
	case b == BorderReflect && pad > 0 && pad >= n:
		return fmt.Errorf("conv: reflect padding must be smaller than the %s %d, got %d and %d", axis, n, before, after)
	case b == BorderCircular && pad > n:
		return fmt.Errorf("conv: circular padding must be at most the %s %d, got %d and %d", axis, n, before, after)
	case b == BorderReplicate && pad > 0 && n == 0:
		return fmt.Errorf("conv: replicate padding needs a non-empty %s, got padding %d and %d", axis, before, after)
	}
	return nil
}

// Source returns the pixel, along an axis of n pixels padded by before, that
// padded index i reads under border b, or −1 when it reads a zero. i must
// lie in [0, before+n+after) for paddings that Validate accepts.
func Source(b Border, i, before, n int) int {
	j := i - before
	if j >= 0 && j < n {
		return j
	}
	switch b {
	case BorderCircular:
		return ((j % n) + n) % n
	case BorderReflect:
		if j < 0 {
			return -j
		}
		return 2*(n-1) - j
	case BorderReplicate:
		return min(max(j, 0), n-1)
	}
	return -1
}

// appendSources appends Source for every padded index of one axis to s.
func appendSources(s []int, b Border, before, n, after int) []int {
	for i := range before + n + after {
		s = append(s, Source(b, i, before, n))
	}
	return s
}

// padJob is one Pad or Fold: the padding, the images, and the source of
// every padded row and column. Jobs are pooled, and their tables reused, so
// that padding allocates nothing in steady state.
type padJob[T Float] struct {
	p              Padding
	src, bias, dst []T
	rows, cols     []int
	fold           bool
	done           sync.WaitGroup
}

var padJobs [2]sync.Pool

// runPadJob pads src into dst, or folds it with bias when fold is set, on
// all cores, one image plane per unit.
func runPadJob[T Float](p Padding, src, bias, dst []T, fold bool) {
	j, _ := poolOf[T](&padJobs).Get().(*padJob[T])
	if j == nil {
		j = new(padJob[T])
	}
	j.p, j.src, j.bias, j.dst, j.fold = p, src, bias, dst, fold
	j.rows = appendSources(j.rows[:0], p.Border, p.Top, p.H, p.Bottom)
	j.cols = appendSources(j.cols[:0], p.Border, p.Left, p.W, p.Right)
	planes := p.Batch * p.Channels
	parallelFor(planes, planes*len(j.rows)*len(j.cols), j, &j.done)
	j.src, j.bias, j.dst = nil, nil, nil
	poolOf[T](&padJobs).Put(j)
}

func (job *padJob[T]) do(lo, hi int) {
	if job.fold {
		job.foldPlanes(lo, hi)
	} else {
		job.padPlanes(lo, hi)
	}
}

// Pad writes into dst the images of src padded as p says. src holds
// p.Len() elements and dst p.PaddedLen(); dst is overwritten. It panics if
// p is invalid or a slice is too short: callers validate first.
func Pad[T Float](p Padding, src, dst []T) {
	if err := p.Validate(); err != nil {
		panic(err.Error())
	}
	checkLen("src", len(src), p.Len())
	checkLen("dst", len(dst), p.PaddedLen())
	runPadJob(p, src, nil, dst, false)
}

// padPlanes pads planes [lo, hi).
func (job *padJob[T]) padPlanes(lo, hi int) {
	p, rows, cols := job.p, job.rows, job.cols
	plane, padded := p.H*p.W, len(rows)*len(cols)
	for q := lo; q < hi; q++ {
		s, d := job.src[q*plane:][:plane], job.dst[q*padded:][:padded]
		for i, r := range rows {
			drow := d[i*len(cols):][:len(cols)]
			if r < 0 {
				clear(drow)
				continue
			}
			srow := s[r*p.W:][:p.W]
			copy(drow[p.Left:], srow)
			for j, c := range cols[:p.Left] {
				drow[j] = at(srow, c)
			}
			for j, c := range cols[p.Left+p.W:] {
				drow[p.Left+p.W+j] = at(srow, c)
			}
		}
	}
}

// at returns row[c], or zero for c < 0.
func at[T Float](row []T, c int) T {
	if c < 0 {
		return 0
	}
	return row[c]
}

// Fold is the adjoint of Pad: it adds every element of the padded images in
// src onto the pixel of dst that Pad copied it from, dropping those Pad set
// to zero, then adds bias[c] to every pixel of channel c (bias may be nil).
// src holds p.PaddedLen() elements and dst p.Len(); dst is overwritten. For
// every x and y, ⟨Pad(x), y⟩ = ⟨x, Fold(y)⟩. It panics like Pad.
func Fold[T Float](p Padding, src, bias, dst []T) {
	if err := p.Validate(); err != nil {
		panic(err.Error())
	}
	checkLen("src", len(src), p.PaddedLen())
	checkLen("dst", len(dst), p.Len())
	if bias != nil {
		checkLen("bias", len(bias), p.Channels)
	}
	runPadJob(p, src, bias, dst, true)
}

// foldPlanes folds planes [lo, hi).
func (job *padJob[T]) foldPlanes(lo, hi int) {
	p, rows, cols := job.p, job.rows, job.cols
	plane, padded := p.H*p.W, len(rows)*len(cols)
	for q := lo; q < hi; q++ {
		s, d := job.src[q*padded:][:padded], job.dst[q*plane:][:plane]
		var b T
		if job.bias != nil {
			b = job.bias[q%p.Channels]
		}
		for i := range d {
			d[i] = b
		}
		for i, r := range rows {
			if r < 0 {
				continue
			}
			srow, drow := s[i*len(cols):][:len(cols)], d[r*p.W:][:p.W]
			for j, v := range srow[p.Left : p.Left+p.W] {
				drow[j] += v
			}
			for j, c := range cols[:p.Left] {
				if c >= 0 {
					drow[c] += srow[j]
				}
			}
			for j, c := range cols[p.Left+p.W:] {
				if c >= 0 {
					drow[c] += srow[p.Left+p.W+j]
				}
			}
		}
	}
}
