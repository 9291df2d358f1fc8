package convtranspose

import (
	"strconv"

	"gorgonia.org/gorgonia"
)

// An Option sets one parameter of ConvTranspose2d or Conv2d. When the same
// parameter is set twice, the later option wins. Values are checked when the
// node is built, and a bad value is reported as an error that names it.
type Option func(*config)

// AutoPad chooses the padding from the input size, as ONNX's auto_pad does.
type AutoPad int

const (
	// AutoPadNotSet uses the explicit padding (WithPadding or WithPads).
	// It is the default.
	AutoPadNotSet AutoPad = iota
	// AutoPadSameUpper pads so that the output is stride times the input
	// (Keras' "same"); an odd total padding puts the extra row or column at
	// the end (bottom, right).
	AutoPadSameUpper
	// AutoPadSameLower is AutoPadSameUpper with the extra row or column at
	// the beginning (top, left).
	AutoPadSameLower
	// AutoPadValid uses no padding at all.
	AutoPadValid
)

// String returns ONNX's name for the mode.
func (a AutoPad) String() string {
	switch a {
	case AutoPadNotSet:
		return "NOTSET"
	case AutoPadSameUpper:
		return "SAME_UPPER"
	case AutoPadSameLower:
		return "SAME_LOWER"
	case AutoPadValid:
		return "VALID"
	}
	return "AutoPad(" + strconv.Itoa(int(a)) + ")"
}

// config holds every parameter an Option can set, each per axis (height, width).
type config struct {
	stride        [2]int
	pads          [4]int // top, bottom, left, right
	outputPadding [2]int
	dilation      [2]int
	groups        int
	bias          *gorgonia.Node
	outputSize    [2]int
	outputShape   [2]int
	autoPad       AutoPad
	paddingMode   PaddingMode    // WithPaddingMode
	sizeOf        *gorgonia.Node // WithOutputSizeOf; outputSize holds its size

	hasPads, hasOutputPadding, hasOutputSize, hasOutputShape, hasSizeOf bool
}

func defaultConfig() config {
	return config{stride: [2]int{1, 1}, dilation: [2]int{1, 1}, groups: 1}
}

func newConfig(opts []Option) config {
	c := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// WithStride sets the stride along the height and the width. The default is
// 1, 1. For ConvTranspose2d it is the up-sampling factor.
func WithStride(h, w int) Option {
	return func(c *config) { c.stride = [2]int{h, w} }
}

// WithPadding sets the same padding at both ends of each axis, as PyTorch's
// padding does. The default is 0, 0. For ConvTranspose2d, padding removes
// rows and columns from the borders of the output: it is the padding of the
// convolution that the transposed convolution reverses.
func WithPadding(h, w int) Option {
	return func(c *config) { c.pads, c.hasPads = [4]int{h, h, w, w}, true }
}

// WithPads sets the padding of each border separately, as ONNX's pads
// attribute does (ONNX orders them top, left, bottom, right; here they are
// top, bottom, left, right). The default is no padding.
func WithPads(top, bottom, left, right int) Option {
	return func(c *config) { c.pads, c.hasPads = [4]int{top, bottom, left, right}, true }
}

// WithAutoPad derives the padding from the input size, as ONNX's auto_pad
// does. The default is AutoPadNotSet. For ConvTranspose2d, the SAME modes
// give an output of stride times the input; for Conv2d, of the input
// divided by the stride, rounded up. It cannot be combined with WithPadding
// or WithPads.
func WithAutoPad(mode AutoPad) Option {
	return func(c *config) { c.autoPad = mode }
}

// WithOutputPadding adds rows at the bottom and columns at the right of the
// output of ConvTranspose2d, choosing among the output sizes that the same
// convolution maps back to the input size. The default is 0, 0. Each value
// must be smaller than the stride or the dilation of its axis.
func WithOutputPadding(h, w int) Option {
	return func(c *config) { c.outputPadding, c.hasOutputPadding = [2]int{h, w}, true }
}

// WithDilation sets the spacing between kernel taps along the height and
// the width. The default is 1, 1 (adjacent taps).
func WithDilation(h, w int) Option {
	return func(c *config) { c.dilation = [2]int{h, w} }
}

// WithGroups splits the channels into g independent groups. The default is
// 1. g must divide the number of input channels; the filter's second
// dimension is then the number of output channels divided by g.
func WithGroups(g int) Option {
	return func(c *config) { c.groups = g }
}

// WithBias adds b, of shape (C_out) and the dtype of the input, to every
// output position of its channel. The default is no bias.
func WithBias(b *gorgonia.Node) Option {
	return func(c *config) { c.bias = b }
}

// WithOutputSize asks ConvTranspose2d for an output of h×w, as the
// output_size argument of PyTorch's ConvTranspose2d does: the padding stays
// as set and the output padding is chosen to reach the size; an error gives
// the reachable range when no output padding can (see OutputSizeRange). It
// cannot be combined with WithOutputPadding, WithOutputShape or a SAME auto
// pad.
func WithOutputSize(h, w int) Option {
	return func(c *config) {
		c.outputSize, c.hasOutputSize = [2]int{h, w}, true
		c.sizeOf, c.hasSizeOf = nil, false
	}
}

// WithOutputShape asks ConvTranspose2d for an output of h×w, as ONNX's
// output_shape attribute does: the padding is derived from the size, and any
// set with WithPadding or WithPads is ignored, as ONNX ignores pads. The
// total padding
//
//	stride·(in − 1) + output_padding + dilation·(k − 1) + 1 − size
//
// is split between the two ends, with the odd one at the end (bottom,
// right) under AutoPadSameUpper and at the beginning otherwise, as the ONNX
// operator specification says.
func WithOutputShape(h, w int) Option {
	return func(c *config) { c.outputShape, c.hasOutputShape = [2]int{h, w}, true }
}
