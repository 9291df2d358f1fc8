package resample

import "fmt"

// Geometry describes the resizing of a batch of planes, each In.H × In.W
// into Out.H × Out.W, both row-major and stored plane after plane.
type Geometry struct {
	Planes int      // number of planes (N·C of an NCHW tensor); may be 0
	H, W   AxisSpec // the two axes; their modes and AlignCorners must agree
}

// Validate reports whether g describes a resizing.
func (g Geometry) Validate() error {
	if g.Planes < 0 {
		return fmt.Errorf("resample: planes must be non-negative, got %d", g.Planes)
	}
	if err := g.H.Validate(); err != nil {
		return fmt.Errorf("height: %w", err)
	}
	if err := g.W.Validate(); err != nil {
		return fmt.Errorf("width: %w", err)
	}
	if g.H.Mode != g.W.Mode || g.H.AlignCorners != g.W.AlignCorners {
		return fmt.Errorf("resample: axes disagree: height %v (align corners %v), width %v (align corners %v)",
			g.H.Mode, g.H.AlignCorners, g.W.Mode, g.W.AlignCorners)
	}
	return nil
}

// InLen and OutLen are the lengths of the input and output batches.
func (g Geometry) InLen() int  { return g.Planes * g.H.In * g.W.In }
func (g Geometry) OutLen() int { return g.Planes * g.H.Out * g.W.Out }

// Plan is a Geometry resolved for one element type: the index maps of both
// axes, computed once and reused by every call.
type Plan[T Float] struct {
	g    Geometry
	h, w Axis[T]
	// threshold is the work below which the kernels stay serial; tests
	// lower it to compare parallel and serial runs.
	threshold int
}

// NewPlan validates g and resolves its axes.
func NewPlan[T Float](g Geometry) (*Plan[T], error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	h, err := NewAxis[T](g.H)
	if err != nil {
		return nil, fmt.Errorf("height: %w", err)
	}
	w, err := NewAxis[T](g.W)
	if err != nil {
		return nil, fmt.Errorf("width: %w", err)
	}
	return &Plan[T]{g: g, h: h, w: w, threshold: parallelWork}, nil
}

// Geometry returns the geometry p was made from.
func (p *Plan[T]) Geometry() Geometry { return p.g }

func (p *Plan[T]) check(name string, dst, src []T, dstLen, srcLen int) error {
	if len(dst) != dstLen || len(src) != srcLen {
		return fmt.Errorf("resample: %s wants dst of length %d and src of length %d, got %d and %d",
			name, dstLen, srcLen, len(dst), len(src))
	}
	return nil
}

// Forward adds the resized src (In-sized planes) into dst (Out-sized planes).
func (p *Plan[T]) Forward(dst, src []T) error {
	if err := p.check("Forward", dst, src, p.g.OutLen(), p.g.InLen()); err != nil {
		return err
	}
	inH, inW, outH, outW := p.g.H.In, p.g.W.In, p.g.H.Out, p.g.W.Out
	forPlanes(p.g.Planes, outH*outW, p.threshold, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			x := src[pl*inH*inW : (pl+1)*inH*inW]
			y := dst[pl*outH*outW : (pl+1)*outH*outW]
			if p.g.H.Mode == Nearest {
				nearestForward(y, x, p.h.I0, p.w.I0, inW)
			} else {
				bilinearForward(y, x, p.h, p.w, inW)
			}
		}
	})
	return nil
}

// Adjoint adds the adjoint of the resizing applied to src (Out-sized planes)
// into dst (In-sized planes): every output value is scattered back onto the
// input pixels it was read from, with the same weights.
func (p *Plan[T]) Adjoint(dst, src []T) error {
	if err := p.check("Adjoint", dst, src, p.g.InLen(), p.g.OutLen()); err != nil {
		return err
	}
	inH, inW, outH, outW := p.g.H.In, p.g.W.In, p.g.H.Out, p.g.W.Out
	forPlanes(p.g.Planes, outH*outW, p.threshold, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			y := src[pl*outH*outW : (pl+1)*outH*outW]
			x := dst[pl*inH*inW : (pl+1)*inH*inW]
			if p.g.H.Mode == Nearest {
				nearestAdjoint(x, y, p.h.I0, p.w.I0, inW)
			} else {
				bilinearAdjoint(x, y, p.h, p.w, inW)
			}
		}
	})
	return nil
}

func nearestForward[T Float](y, x []T, ih, iw []int, inW int) {
	outW := len(iw)
	for oh, i := range ih {
		row := x[i*inW : (i+1)*inW]
		out := y[oh*outW : (oh+1)*outW]
		for ow, j := range iw {
			out[ow] += row[j]
		}
	}
}

func nearestAdjoint[T Float](x, y []T, ih, iw []int, inW int) {
	outW := len(iw)
	for oh, i := range ih {
		row := x[i*inW : (i+1)*inW]
		g := y[oh*outW : (oh+1)*outW]
		for ow, j := range iw {
			row[j] += g[ow]
		}
	}
}

// bilinearForward sums in PyTorch's order: the width interpolation of each
// of the two rows, then the height interpolation of those.
func bilinearForward[T Float](y, x []T, h, w Axis[T], inW int) {
	outW := len(w.I0)
	for oh := range h.I0 {
		r0 := x[h.I0[oh]*inW : (h.I0[oh]+1)*inW]
		r1 := x[h.I1[oh]*inW : (h.I1[oh]+1)*inW]
		h0, h1 := h.W0[oh], h.W1[oh]
		out := y[oh*outW : (oh+1)*outW]
		for ow := range out {
			j0, j1 := w.I0[ow], w.I1[ow]
			w0, w1 := w.W0[ow], w.W1[ow]
			t0 := T(r0[j0]*w0) + T(r0[j1]*w1)
			t1 := T(r1[j0]*w0) + T(r1[j1]*w1)
			out[ow] += T(t0*h0) + T(t1*h1)
		}
	}
}

func bilinearAdjoint[T Float](x, y []T, h, w Axis[T], inW int) {
	outW := len(w.I0)
	for oh := range h.I0 {
		r0 := x[h.I0[oh]*inW : (h.I0[oh]+1)*inW]
		r1 := x[h.I1[oh]*inW : (h.I1[oh]+1)*inW]
		h0, h1 := h.W0[oh], h.W1[oh]
		g := y[oh*outW : (oh+1)*outW]
		for ow, v := range g {
			j0, j1 := w.I0[ow], w.I1[ow]
			w0, w1 := w.W0[ow], w.W1[ow]
			r0[j0] += T(h0*w0) * v
			r0[j1] += T(h0*w1) * v
			r1[j0] += T(h1*w0) * v
			r1[j1] += T(h1*w1) * v
		}
	}
}
