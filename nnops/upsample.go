package nnops

import (
	"fmt"
	"math"

	"github.com/gorgonia-ext/convtranspose/internal/resample"
	"gorgonia.org/gorgonia"
)

// UpsampleMode selects how Upsample2d interpolates.
type UpsampleMode int

const (
	// Nearest repeats the nearest input pixel, PyTorch's mode "nearest":
	// output index o reads input index floor(o·in/out).
	Nearest UpsampleMode = iota
	// Bilinear interpolates linearly along each axis, PyTorch's mode
	// "bilinear".
	Bilinear
)

// String returns PyTorch's name of the mode.
func (m UpsampleMode) String() string {
	switch m {
	case Nearest:
		return "nearest"
	case Bilinear:
		return "bilinear"
	}
	return fmt.Sprintf("UpsampleMode(%d)", int(m))
}

// UpsampleOption configures Upsample2d.
type UpsampleOption func(*upsampleConfig)

type upsampleConfig struct {
	mode         UpsampleMode
	alignCorners *bool
	scale        *[2]float64 // scale factors, integer or not
	size         *[2]int
}

// WithMode selects the interpolation. The default is Nearest.
func WithMode(m UpsampleMode) UpsampleOption {
	return func(c *upsampleConfig) { c.mode = m }
}

// WithAlignCorners sets PyTorch's align_corners for Bilinear: when true the
// centres of the corner pixels of input and output coincide, and the
// sampling positions are o·(in−1)/(out−1); when false (the default) pixels
// are squares of side 1 and o maps to (o+½)·in/out−½, clamped at 0. As in
// PyTorch, giving it at all with Nearest is an error.
func WithAlignCorners(align bool) UpsampleOption {
	return func(c *upsampleConfig) { c.alignCorners = &align }
}

// WithScale sets integer scale factors per axis: the output is
// (N, C, H·h, W·w). The default, when neither a scale nor a size is given,
// is WithScale(2, 2). It excludes WithSize.
func WithScale(h, w int) UpsampleOption {
	return func(c *upsampleConfig) { c.scale = &[2]float64{float64(h), float64(w)} }
}

// WithScaleFactor sets scale factors per axis that need not be integers,
// PyTorch's scale_factor with recompute_scale_factor unset: the output size
// is floor(H·h) × floor(W·w) and the coordinate mapping uses 1/h and 1/w
// rather than the ratio of the sizes. It excludes WithSize.
func WithScaleFactor(h, w float64) UpsampleOption {
	return func(c *upsampleConfig) { c.scale = &[2]float64{h, w} }
}

// WithSize sets the output height and width, PyTorch's size. Any positive
// size is allowed, smaller than the input too. It excludes WithScale and
// WithScaleFactor.
func WithSize(h, w int) UpsampleOption {
	return func(c *upsampleConfig) { c.size = &[2]int{h, w} }
}

// Upsample2d resizes the spatial axes of x, of shape (N, C, H, W), exactly
// as PyTorch's torch.nn.functional.interpolate (1.13) with mode "nearest" or
// "bilinear". The result is differentiable any number of times: its
// gradient is the adjoint map (every output value scattered back onto the
// input pixels it was read from, with the same weights), whose own gradient
// is the up-sampling again.
//
// x must be float32 or float64 with positive dimensions. The options choose
// the mode, align_corners and either a scale or an output size; see their
// documentation for the defaults.
func Upsample2d(x *gorgonia.Node, opts ...UpsampleOption) (*gorgonia.Node, error) {
	if err := checkNode("Upsample2d", x); err != nil {
		return nil, err
	}
	s := x.Shape()
	h, w, err := upsampleAxes(s[2], s[3], opts...)
	if err != nil {
		return nil, err
	}
	y, err := gorgonia.ApplyOp(&upsampleOp{h: h, w: w}, x)
	if err != nil {
		return nil, fmt.Errorf("nnops: Upsample2d: %w", err)
	}
	return y, nil
}

// upsampleAxes validates opts for an input of spatial size inH × inW and
// returns the resolved mapping of each axis.
func upsampleAxes(inH, inW int, opts ...UpsampleOption) (h, w resample.AxisSpec, err error) {
	c := upsampleConfig{}
	for _, o := range opts {
		if o == nil {
			return h, w, fmt.Errorf("nnops: Upsample2d: option is nil")
		}
		o(&c)
	}
	fail := func(format string, args ...any) (resample.AxisSpec, resample.AxisSpec, error) {
		return resample.AxisSpec{}, resample.AxisSpec{}, fmt.Errorf("nnops: Upsample2d: "+format, args...)
	}
	if inH <= 0 || inW <= 0 {
		return fail("input size must be positive, got %d×%d", inH, inW)
	}
	var mode resample.Mode
	switch c.mode {
	case Nearest:
		mode = resample.Nearest
		if c.alignCorners != nil {
			return fail("align corners applies to bilinear only, not %v (as in PyTorch, leave it unset)", c.mode)
		}
	case Bilinear:
		mode = resample.Bilinear
	default:
		return fail("unknown mode %v", c.mode)
	}
	align := c.alignCorners != nil && *c.alignCorners
	if c.scale != nil && c.size != nil {
		return fail("give a scale or a size, not both (scale %v×%v, size %d×%d)", c.scale[0], c.scale[1], c.size[0], c.size[1])
	}
	h = resample.AxisSpec{In: inH, Mode: mode, AlignCorners: align}
	w = resample.AxisSpec{In: inW, Mode: mode, AlignCorners: align}
	switch {
	case c.size != nil:
		if c.size[0] <= 0 || c.size[1] <= 0 {
			return fail("size must be positive, got %d×%d", c.size[0], c.size[1])
		}
		h.Out, w.Out = c.size[0], c.size[1]
	default:
		sc := [2]float64{2, 2}
		if c.scale != nil {
			sc = *c.scale
		}
		for i, s := range sc {
			if !(s > 0) || math.IsInf(s, 0) {
				return fail("scale must be positive and finite, got %v×%v", sc[0], sc[1])
			}
			in := []int{inH, inW}[i]
			out := float64(in) * s
			if out >= 1<<31 {
				return fail("scale %v×%v makes the output of %d×%d too large", sc[0], sc[1], inH, inW)
			}
			if int(out) < 1 {
				return fail("scale %v×%v makes the output of %d×%d empty", sc[0], sc[1], inH, inW)
			}
		}
		// PyTorch: output = int64(in·scale), and the mapping uses 1/scale.
		h.Out, h.Scale = int(float64(inH)*sc[0]), sc[0]
		w.Out, w.Scale = int(float64(inW)*sc[1]), sc[1]
	}
	return h, w, nil
}
