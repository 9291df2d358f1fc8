package convtranspose

import (
	"fmt"

	"gorgonia.org/tensor"
)

// OutputSizeRange returns the output sizes along one axis that a transposed
// convolution can produce from an input of size in, with the given kernel
// size, stride, paddings at the two ends and dilation, by choosing its output
// padding: lo is the size with no output padding, and every size up to hi is
// reached by an output padding smaller than the stride or the dilation.
// When the dilation is at most the stride, these are exactly the sizes that
// a convolution with the same parameters maps back to in.
//
// PyTorch accepts the same output paddings, but its output_size argument
// only the sizes up to lo + stride − 1; WithOutputSize accepts every size
// that some output padding reaches, so it also takes the few that PyTorch's
// output_size refuses when the dilation exceeds the stride.
func OutputSizeRange(in, kernel, stride, padBegin, padEnd, dilation int) (lo, hi int) {
	lo = (in-1)*stride - padBegin - padEnd + dilation*(kernel-1) + 1
	return lo, lo + max(stride, dilation) - 1
}

// ConvOutputSize returns the output size along one axis of a convolution
// of an input of size in, with the given kernel size, stride, paddings and
// dilation (PyTorch's and ONNX's formula). It is at most zero when the
// padded input is smaller than the dilated kernel.
func ConvOutputSize(in, kernel, stride, padBegin, padEnd, dilation int) int {
	span := in + padBegin + padEnd - dilation*(kernel-1) - 1
	if span < 0 {
		return 0
	}
	return span/stride + 1
}

// axes names the two spatial axes in error messages.
var axes = [2]string{"height", "width"}

// params is the geometry shared by the three ops of the family, without the
// batch and channel counts, which come from the inputs.
type params struct {
	kernel   [2]int
	stride   [2]int
	dilation [2]int
	pad      [2]int // padding before the first row and column; may be negative after auto padding
	small    [2]int // spatial size of the small image (transposed input, convolution output)
	big      [2]int // spatial size of the big image (transposed output, convolution input)
	groups   int
}

func (p params) String() string {
	return fmt.Sprintf("k=%v s=%v d=%v pad=%v small=%v big=%v groups=%d",
		p.kernel, p.stride, p.dilation, p.pad, p.small, p.big, p.groups)
}

// shapeError reports a bad argument of fn.
func shapeError(fn, format string, args ...any) error {
	return fmt.Errorf(fn+": "+format, args...)
}

// checkCommon validates the options that both directions share.
func (c *config) checkCommon(fn string) error {
	if c.stride[0] <= 0 || c.stride[1] <= 0 {
		return shapeError(fn, "stride must be positive, got (%d, %d)", c.stride[0], c.stride[1])
	}
	if c.dilation[0] <= 0 || c.dilation[1] <= 0 {
		return shapeError(fn, "dilation must be positive, got (%d, %d)", c.dilation[0], c.dilation[1])
	}
	if c.groups <= 0 {
		return shapeError(fn, "groups must be positive, got %d", c.groups)
	}
	for _, p := range c.pads {
		if p < 0 {
			return shapeError(fn, "padding must not be negative, got top %d, bottom %d, left %d, right %d",
				c.pads[0], c.pads[1], c.pads[2], c.pads[3])
		}
	}
	if c.autoPad < AutoPadNotSet || c.autoPad > AutoPadValid {
		return shapeError(fn, "auto pad must be one of NOTSET, SAME_UPPER, SAME_LOWER, VALID, got %v", c.autoPad)
	}
	if c.autoPad != AutoPadNotSet && c.hasPads {
		return shapeError(fn, "auto pad %v cannot be combined with explicit padding %v", c.autoPad, c.pads)
	}
	return nil
}

// checkShape validates that a node's shape is 4-D with no empty dimension.
func checkShape(fn, name, layout string, s tensor.Shape) error {
	if s.Dims() != 4 {
		return shapeError(fn, "%s must be 4-D %s, got shape %v", name, layout, s)
	}
	for _, d := range s {
		if d <= 0 {
			return shapeError(fn, "%s must not have an empty dimension, got shape %v", name, s)
		}
	}
	return nil
}

// checkOutputSize validates the options that choose ConvTranspose2d's
// output size.
func (c *config) checkOutputSize(fn string) error {
	if err := c.checkSizeOf(fn); err != nil {
		return err
	}
	if c.hasOutputSize && c.hasOutputPadding {
		return shapeError(fn, "output size %v and output padding %v cannot both be set", c.outputSize, c.outputPadding)
	}
	if c.hasOutputSize && c.hasOutputShape {
		return shapeError(fn, "output size %v and output shape %v cannot both be set", c.outputSize, c.outputShape)
	}
	if c.hasOutputSize && (c.autoPad == AutoPadSameUpper || c.autoPad == AutoPadSameLower) {
		return shapeError(fn, "output size %v cannot be combined with auto pad %v (use WithOutputShape)", c.outputSize, c.autoPad)
	}
	for _, s := range []struct {
		name string
		set  bool
		v    [2]int
	}{{"output size", c.hasOutputSize, c.outputSize}, {"output shape", c.hasOutputShape, c.outputShape}} {
		if s.set && (s.v[0] <= 0 || s.v[1] <= 0) {
			return shapeError(fn, "%s must be positive, got (%d, %d)", s.name, s.v[0], s.v[1])
		}
	}
	return nil
}

// transposedParams resolves and validates the options of ConvTranspose2d for
// an input x and a filter of the given shapes, and returns the op's
// parameters and output shape.
func transposedParams(xShape, wShape tensor.Shape, c *config) (params, tensor.Shape, error) {
	const fn = "ConvTranspose2d"
	var p params
	if err := checkShape(fn, "x", "(N, C_in, H, W)", xShape); err != nil {
		return p, nil, err
	}
	if err := checkShape(fn, "filter", "(C_in, C_out/groups, kH, kW)", wShape); err != nil {
		return p, nil, err
	}
	if err := c.checkCommon(fn); err != nil {
		return p, nil, err
	}
	cin := xShape[1]
	if wShape[0] != cin {
		return p, nil, shapeError(fn, "filter's first dimension must equal x's channels %d, got filter shape %v", cin, wShape)
	}
	if cin%c.groups != 0 {
		return p, nil, shapeError(fn, "groups %d must divide x's channels %d", c.groups, cin)
	}
	if err := c.checkOutputSize(fn); err != nil {
		return p, nil, err
	}
	p = params{groups: c.groups, stride: c.stride, dilation: c.dilation}
	for a := 0; a < 2; a++ {
		in, k, s, d := xShape[2+a], wShape[2+a], c.stride[a], c.dilation[a]
		op := c.outputPadding[a]
		if op < 0 || (op >= s && op >= d) {
			lo, hi := OutputSizeRange(in, k, s, c.pads[2*a], c.pads[2*a+1], d)
			return p, nil, shapeError(fn, "output padding must be at least 0 and smaller than the stride or the dilation, got %d along the %s (stride %d, dilation %d; reachable output sizes %d to %d)",
				op, axes[a], s, d, lo, hi)
		}
		begin, end := c.pads[2*a], c.pads[2*a+1]
		full := (in-1)*s + op + d*(k-1) + 1 // the output size with no padding
		var out int
		switch {
		case c.hasOutputShape: // ONNX: output_shape sets the padding; only SAME_UPPER puts the odd one at the end
			out = c.outputShape[a]
			total := full - out
			begin, end = total-total/2, total/2
			if c.autoPad == AutoPadSameUpper {
				begin, end = end, begin
			}
		case c.autoPad == AutoPadSameUpper || c.autoPad == AutoPadSameLower:
			out = in * s
			total := full - out
			begin, end = total/2, total-total/2
			if c.autoPad == AutoPadSameLower {
				begin, end = end, begin
			}
		default:
			if c.autoPad == AutoPadValid {
				begin, end = 0, 0
			}
			lo, hi := OutputSizeRange(in, k, s, begin, end, d)
			out = lo + op
			if c.hasOutputSize {
				out = c.outputSize[a]
				if out < lo || out > hi {
					return p, nil, shapeError(fn, "requested output %s %d%s is not reachable from input %s %d: valid sizes range from %d to %d",
						axes[a], out, c.sizeOfNote(a), axes[a], in, lo, hi)
				}
			}
		}
		if out <= 0 {
			return p, nil, shapeError(fn, "output %s would be %d (input %d, kernel %d, stride %d, padding %d+%d, dilation %d, output padding %d)",
				axes[a], out, in, k, s, begin, end, d, op)
		}
		p.kernel[a], p.pad[a], p.small[a], p.big[a] = k, begin, in, out
	}
	cout := wShape[1] * c.groups
	return p, tensor.Shape{xShape[0], cout, p.big[0], p.big[1]}, nil
}

// convParams resolves and validates the options of Conv2d for an input x
// and a filter of the given shapes.
func convParams(xShape, wShape tensor.Shape, c *config) (params, tensor.Shape, error) {
	const fn = "Conv2d"
	var p params
	if err := checkShape(fn, "x", "(N, C_in, H, W)", xShape); err != nil {
		return p, nil, err
	}
	if err := checkShape(fn, "filter", "(C_out, C_in/groups, kH, kW)", wShape); err != nil {
		return p, nil, err
	}
	if err := c.checkCommon(fn); err != nil {
		return p, nil, err
	}
	if c.hasOutputPadding || c.hasOutputSize || c.hasOutputShape {
		return p, nil, shapeError(fn, "output padding, output size and output shape apply to ConvTranspose2d only")
	}
	cin, cout := xShape[1], wShape[0]
	if cin%c.groups != 0 || cout%c.groups != 0 {
		return p, nil, shapeError(fn, "groups %d must divide x's channels %d and the filter's output channels %d", c.groups, cin, cout)
	}
	if wShape[1]*c.groups != cin {
		return p, nil, shapeError(fn, "filter's second dimension times groups must equal x's channels %d, got filter shape %v and groups %d", cin, wShape, c.groups)
	}
	p = params{groups: c.groups, stride: c.stride, dilation: c.dilation}
	for a := 0; a < 2; a++ {
		in, k, s, d := xShape[2+a], wShape[2+a], c.stride[a], c.dilation[a]
		begin, end := c.pads[2*a], c.pads[2*a+1]
		switch c.autoPad {
		case AutoPadValid:
			begin, end = 0, 0
		case AutoPadSameUpper, AutoPadSameLower:
			out := (in + s - 1) / s
			total := max(0, (out-1)*s+d*(k-1)+1-in)
			begin, end = total/2, total-total/2
			if c.autoPad == AutoPadSameLower {
				begin, end = end, begin
			}
		}
		out := ConvOutputSize(in, k, s, begin, end, d)
		if out <= 0 {
			return p, nil, shapeError(fn, "x's %s %d with padding %d+%d is smaller than the dilated kernel %d",
				axes[a], in, begin, end, d*(k-1)+1)
		}
		p.kernel[a], p.pad[a], p.small[a], p.big[a] = k, begin, out, in
	}
	return p, tensor.Shape{xShape[0], cout, p.small[0], p.small[1]}, nil
}
