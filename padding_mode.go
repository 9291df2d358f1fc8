package convtranspose

import (
	"fmt"
	"strconv"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gorgonia-ext/convtranspose/internal/conv"
)

// PaddingMode says what the padding of a convolution reads, as the
// padding_mode argument of PyTorch's nn.Conv2d does. For ConvTranspose2d,
// which PyTorch gives no padding mode, it is defined as the adjoint of the
// convolution with that mode (see WithPaddingMode).
type PaddingMode int

const (
	// PaddingZeros pads with zeros. It is the default.
	PaddingZeros PaddingMode = iota
	// PaddingCircular wraps around: the rows above the image are its last
	// rows, as on a torus. Each padding must be at most the size of its axis.
	PaddingCircular
	// PaddingReflect mirrors the image about its edge pixel, which is not
	// repeated (a b c d padded by 2 reads c b | a b c d | c b). Each padding
	// must be smaller than the size of its axis.
	PaddingReflect
	// PaddingReplicate repeats the edge pixel (a b c padded by 2 reads
	// a a | a b c | c c).
	PaddingReplicate
)

// String returns PyTorch's name for the mode.
func (m PaddingMode) String() string {
	if m >= PaddingZeros && m <= PaddingReplicate {
		return conv.Border(m).String()
	}
	return "PaddingMode(" + strconv.Itoa(int(m)) + ")"
}

// border is the kernel's name for a valid mode.
func (m PaddingMode) border() conv.Border { return conv.Border(m) }

// WithPaddingMode sets what the padding reads. The default is PaddingZeros.
//
// For Conv2d the input is padded with the mode, by the padding set with
// WithPadding, WithPads or WithAutoPad, and the padded image is convolved
// with no further padding: exactly PyTorch's nn.Conv2d(padding_mode=...).
//
// For ConvTranspose2d the result is the adjoint of that convolution, for the
// convolution whose input has ConvTranspose2d's output size: the transposed
// convolution is computed with no cropping, and each value that lands in the
// padding is added onto the pixel that the padded convolution read it from
// (circular: the pixel on the far side; reflect: its mirror image, never the
// edge itself; replicate: the edge pixel). So ⟨Conv2d(x), y⟩ =
// ⟨x, ConvTranspose2d(y)⟩ holds for every mode with the same filter and
// options. With PaddingZeros the values that land in the padding are
// dropped, which is the usual transposed convolution.
//
// The padding must not be negative (a SAME auto pad can make it so for
// ConvTranspose2d when the kernel is smaller than the stride), reflect needs
// each padding smaller than the size of its axis of the convolution's input
// (ConvTranspose2d's output) and circular at most that size, as PyTorch
// requires. Output padding, WithOutputSize and WithOutputSizeOf work with
// every mode as long as the output padding is smaller than the stride: a
// larger one, which a larger dilation allows, gives an output that the
// convolution would not map back to the input size, and has no adjoint.
func WithPaddingMode(mode PaddingMode) Option {
	return func(c *config) { c.paddingMode = mode }
}

// modePlan is how a padding mode is built: the paddings of the four
// borders, and the family op's parameters over the padded image, which
// needs no padding of its own.
type modePlan struct {
	pads  [4]int // top, bottom, left, right
	inner params
}

// trivial reports whether the plan pads nothing, so that the mode does not
// matter.
func (m modePlan) trivial() bool { return m.pads == [4]int{} }

// planMode resolves the paddings of a non-zero mode from the options and
// the parameters that convParams or transposedParams returned, and checks
// them against the mode's rules.
func planMode(fn string, c *config, p params, transposed bool) (modePlan, error) {
	var m modePlan
	if c.paddingMode < PaddingZeros || c.paddingMode > PaddingReplicate {
		return m, shapeError(fn, "padding mode must be one of zeros, circular, reflect, replicate, got %v", c.paddingMode)
	}
	m.inner = p
	for a := 0; a < 2; a++ {
		// big is the convolution's input (the transposed convolution's
		// output), small the convolution's output.
		big, small, k, s, d := p.big[a], p.small[a], p.kernel[a], p.stride[a], p.dilation[a]
		begin, end := p.pad[a], c.pads[2*a+1]
		switch {
		case c.autoPad == AutoPadValid:
			end = 0
		case transposed && (c.hasOutputShape || c.autoPad == AutoPadSameUpper || c.autoPad == AutoPadSameLower):
			// transposedParams split total = full − big into begin and end.
			end = (small-1)*s + c.outputPadding[a] + d*(k-1) + 1 - big - begin
		case !transposed && (c.autoPad == AutoPadSameUpper || c.autoPad == AutoPadSameLower):
			// convParams split total = max(0, (small − 1)·s + d·(k − 1) + 1 − big).
			end = max(0, (small-1)*s+d*(k-1)+1-big) - begin
		}
		if begin < 0 || end < 0 {
			return m, shapeError(fn, "padding mode %v needs padding that is not negative, got %d and %d along the %s",
				c.paddingMode, begin, end, axes[a])
		}
		if err := checkModeAxis(c.paddingMode, axes[a], big, begin, end); err != nil {
			return m, shapeError(fn, "%v", err)
		}
		padded := begin + big + end
		if got := ConvOutputSize(padded, k, s, 0, 0, d); got != small {
			// Only ConvTranspose2d gets here: an output padding past the stride.
			return m, shapeError(fn, "padding mode %v needs an output %s that the convolution maps back to the input %s %d, got %d, which it maps to %d: the output padding must be smaller than the stride %d",
				c.paddingMode, axes[a], axes[a], small, big, got, s)
		}
		m.pads[2*a], m.pads[2*a+1] = begin, end
		m.inner.pad[a], m.inner.big[a] = 0, padded
	}
	return m, nil
}

// checkModeAxis checks the paddings of one axis of n pixels against the
// mode's rule, PyTorch's.
func checkModeAxis(mode PaddingMode, axis string, n, before, after int) error {
	pad := max(before, after)
	switch {
	case mode == PaddingReflect && pad > 0 && pad >= n:
		return fmt.Errorf("reflect padding must be smaller than the padded image's %s %d, got %d and %d", axis, n, before, after)
	case mode == PaddingCircular && pad > n:
		return fmt.Errorf("circular padding must be at most the padded image's %s %d, got %d and %d", axis, n, before, after)
	}
	return nil
}

// convWithMode builds Conv2d for a non-zero padding mode: the input padded
// by a padOp, then a convolution with no padding.
func convWithMode(fn string, x, filter *gorgonia.Node, p params, c *config) (*gorgonia.Node, error) {
	m, err := planMode(fn, c, p, false)
	if err != nil {
		return nil, err
	}
	if m.trivial() {
		return apply(fn, convOp{family{params: p, bias: c.bias != nil}}, x, filter, c.bias)
	}
	padded, err := gorgonia.ApplyOp(padOp{mode: c.paddingMode, pads: m.pads}, x)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	return apply(fn, convOp{family{params: m.inner, bias: c.bias != nil}}, padded, filter, c.bias)
}

// transposeWithMode builds ConvTranspose2d for a non-zero padding mode: the
// uncropped transposed convolution, then a foldOp that adds the border onto
// the image and adds the bias.
func transposeWithMode(fn string, x, filter *gorgonia.Node, p params, c *config) (*gorgonia.Node, error) {
	m, err := planMode(fn, c, p, true)
	if err != nil {
		return nil, err
	}
	if m.trivial() {
		return apply(fn, convTransposeOp{family{params: p, bias: c.bias != nil}}, x, filter, c.bias)
	}
	full, err := apply(fn, convTransposeOp{family{params: m.inner}}, x, filter, nil)
	if err != nil {
		return nil, err
	}
	children := []*gorgonia.Node{full}
	if c.bias != nil {
		children = append(children, c.bias)
	}
	y, err := gorgonia.ApplyOp(foldOp{mode: c.paddingMode, pads: m.pads, bias: c.bias != nil}, children...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	return y, nil
}

// checkMode reports the error that building a node with a non-zero padding
// mode would, for OutputShape and ConvOutputShape.
func checkMode(fn string, c *config, p params, transposed bool, shape tensor.Shape, err error) (tensor.Shape, error) {
	if err != nil || c.paddingMode == PaddingZeros {
		return shape, err
	}
	if _, err := planMode(fn, c, p, transposed); err != nil {
		return nil, err
	}
	return shape, nil
}
