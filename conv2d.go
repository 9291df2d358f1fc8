package convtranspose

import (
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Conv2d returns a node computing the 2-D convolution (cross-correlation,
// as in PyTorch's torch.nn.functional.conv2d) of x (N, C_in, H, W) with
// filter (C_out, C_in/groups, kH, kW). It accepts WithStride, WithPadding,
// WithPads, WithAutoPad, WithDilation, WithGroups, WithBias and
// WithPaddingMode (PyTorch's padding_mode); the result has shape (N, C_out, H_out, W_out) with
//
//	H_out = ⌊(H + pad_top + pad_bottom − dilation·(kH − 1) − 1) / stride⌋ + 1
//
// It is built from the same kernels as ConvTranspose2d, its exact adjoint,
// and unlike gorgonia.Conv2d it can be differentiated twice.
func Conv2d(x, filter *gorgonia.Node, opts ...Option) (*gorgonia.Node, error) {
	const fn = "Conv2d"
	c := newConfig(opts)
	if err := checkNodes(fn, x, filter); err != nil {
		return nil, err
	}
	p, shape, err := convParams(x.Shape(), filter.Shape(), &c)
	if err != nil {
		return nil, err
	}
	if err := checkBias(fn, c.bias, shape[1], x.Dtype()); err != nil {
		return nil, err
	}
	if c.paddingMode != PaddingZeros {
		return convWithMode(fn, x, filter, p, &c)
	}
	return apply(fn, convOp{family{params: p, bias: c.bias != nil}}, x, filter, c.bias)
}

// ConvOutputShape returns the shape of Conv2d's result for an input and a
// filter of the given shapes, or the error Conv2d would report for them.
func ConvOutputShape(xShape, filterShape tensor.Shape, opts ...Option) (tensor.Shape, error) {
	c := newConfig(opts)
	p, shape, err := convParams(xShape, filterShape, &c)
	return checkMode("Conv2d", &c, p, false, shape, err)
}
