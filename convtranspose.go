package convtranspose

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// ConvTranspose2d returns a node computing the 2-D transposed convolution
// of x (N, C_in, H, W) with filter (C_in, C_out/groups, kH, kW), exactly as
// PyTorch's torch.nn.functional.conv_transpose2d does, with ONNX's
// ConvTranspose padding rules available through WithPads, WithAutoPad and
// WithOutputSize. The result has shape (N, C_out, H_out, W_out) with
//
//	H_out = (H − 1)·stride − pad_top − pad_bottom + dilation·(kH − 1) + output_padding + 1
//
// and likewise for the width.
//
// It is the adjoint of a convolution with the same filter and parameters:
// for every x of the convolution's input shape and y of its output shape,
// ⟨Conv2d(x, W), y⟩ = ⟨x, ConvTranspose2d(y, W)⟩, also with the circular,
// reflect and replicate borders of WithPaddingMode. WithOutputSizeOf takes
// the output size from a node, such as the convolution's input. The node is
// differentiable with respect to x, the filter and the bias, with the
// TapeMachine (gorgonia.Grad) and the LispMachine, and its gradients are
// themselves differentiable.
//
// Every argument is checked here, before the node is built; a bad one is
// reported in an error that names it and its value.
func ConvTranspose2d(x, filter *gorgonia.Node, opts ...Option) (*gorgonia.Node, error) {
	const fn = "ConvTranspose2d"
	c := newConfig(opts)
	if err := checkNodes(fn, x, filter); err != nil {
		return nil, err
	}
	p, shape, err := transposedParams(x.Shape(), filter.Shape(), &c)
	if err != nil {
		return nil, err
	}
	if err := checkBias(fn, c.bias, shape[1], x.Dtype()); err != nil {
		return nil, err
	}
	if c.paddingMode != PaddingZeros {
		return transposeWithMode(fn, x, filter, p, &c)
	}
	op := convTransposeOp{family{params: p, bias: c.bias != nil}}
	return apply(fn, op, x, filter, c.bias)
}

// OutputShape returns the shape of ConvTranspose2d's result for an input
// and a filter of the given shapes, or the error ConvTranspose2d would
// report for them. The bias is not checked.
func OutputShape(xShape, filterShape tensor.Shape, opts ...Option) (tensor.Shape, error) {
	c := newConfig(opts)
	p, shape, err := transposedParams(xShape, filterShape, &c)
	return checkMode("ConvTranspose2d", &c, p, true, shape, err)
}

// checkNodes checks that x and filter exist and share a float dtype.
func checkNodes(fn string, x, filter *gorgonia.Node) error {
	if x == nil {
		return fmt.Errorf("%s: x is nil", fn)
	}
	if filter == nil {
		return fmt.Errorf("%s: filter is nil", fn)
	}
	dt := x.Dtype()
	if dt != tensor.Float32 && dt != tensor.Float64 {
		return fmt.Errorf("%s: x must be float32 or float64, got %v", fn, dt)
	}
	if filter.Dtype() != dt {
		return fmt.Errorf("%s: filter's dtype %v differs from x's %v", fn, filter.Dtype(), dt)
	}
	return nil
}

// checkBias checks a bias node against the output channels and dtype.
func checkBias(fn string, bias *gorgonia.Node, channels int, dt tensor.Dtype) error {
	if bias == nil {
		return nil
	}
	if s := bias.Shape(); s.Dims() != 1 || s[0] != channels {
		return fmt.Errorf("%s: bias must have shape (%d), the output channels, got %v", fn, channels, s)
	}
	if bias.Dtype() != dt {
		return fmt.Errorf("%s: bias's dtype %v differs from x's %v", fn, bias.Dtype(), dt)
	}
	return nil
}

// apply builds the node, with the bias as last input when there is one.
func apply(fn string, op gorgonia.Op, x, filter, bias *gorgonia.Node) (*gorgonia.Node, error) {
	children := []*gorgonia.Node{x, filter}
	if bias != nil {
		children = append(children, bias)
	}
	n, err := gorgonia.ApplyOp(op, children...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	return n, nil
}
