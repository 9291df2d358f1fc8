//go:build cuda

package nnops

// UNTESTED, and unfinished: see "CUDA" in the package documentation.

import (
	"errors"
	"fmt"

	G "gorgonia.org/gorgonia"

	ct "github.com/gorgonia-ext/convtranspose"
)

// ConvTranspose2d is the transposed convolution of x (N, C_in, H, W) with
// filter (C_in, C_out/groups, kH, kW), as PyTorch's conv_transpose2d
// computes it, on cuDNN: cudnnConvolutionBackwardData of the convolution
// that the options describe, with the output padding expressed as the size
// of the output tensor. Options that cuDNN cannot express (a padding at the
// start of an axis that the end does not match, an output padding not
// below the stride, a padding mode other than zeros) are reported as
// errors. Its gradients are the cuDNN forward convolution and filter
// gradient.
func ConvTranspose2d(x, filter *G.Node, opts ...ConvOption) (*G.Node, error) {
	return cudnnApply("ConvTranspose2d", cudnnBackwardData, x, filter, opts)
}

// Conv2d is the convolution of x (N, C_in, H, W) with filter (C_out,
// C_in/groups, kH, kW), as PyTorch's conv2d computes it, on cuDNN:
// cudnnConvolutionForward. Its gradients are the cuDNN transposed
// convolution (backward data) and filter gradient (backward filter).
func Conv2d(x, filter *G.Node, opts ...ConvOption) (*G.Node, error) {
	return cudnnApply("Conv2d", cudnnForward, x, filter, opts)
}

// cudnnApply resolves the options, checks that cuDNN can express them and
// applies the op.
func cudnnApply(fn string, call cudnnCall, x, filter *G.Node, opts []ConvOption) (*G.Node, error) {
	r, bias, err := resolve(fn, call == cudnnBackwardData, x, filter, opts)
	if err != nil {
		return nil, err
	}
	c, err := newCUDNNConv(fn, r)
	if err != nil {
		return nil, err
	}
	op, err := newCUDNNConvOp(call, c, x.Dtype(), bias != nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	children := []*G.Node{x, filter}
	if bias != nil {
		children = append(children, bias)
	}
	n, err := G.ApplyOp(op, children...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	return n, nil
}

// errUnresolved is what resolve reports until package convtranspose
// exports its resolved options.
var errUnresolved = errors.New("the cuDNN path needs package convtranspose to export the resolved options " +
	"(kernel, stride, dilation, padding before each axis, sizes, groups, bias node, padding mode), which it keeps unexported")

// resolve returns the convolution that opts describe for x and filter, and
// the bias node of WithBias, after the checks package convtranspose makes
// (so that errors read as in the CPU build).
//
// MISSING: package convtranspose resolves its options into an unexported
// params struct, so this cannot be finished outside it. With an export
// such as
//
//	func Resolve(transposed bool, xShape, filterShape tensor.Shape, opts ...Option) (Geometry, *gorgonia.Node, PaddingMode, error)
//
// returning its params (kernel, stride, dilation, pad, small, big,
// groups), the bias node and the padding mode, the body is a copy of the
// fields into resolvedConv, with an error for padding modes other than
// zeros.
func resolve(fn string, transposed bool, x, filter *G.Node, opts []ConvOption) (resolvedConv, *G.Node, error) {
	if x == nil || filter == nil {
		return resolvedConv{}, nil, fmt.Errorf("%s: x and filter must not be nil", fn)
	}
	var err error
	if transposed {
		_, err = ct.OutputShape(x.Shape(), filter.Shape(), opts...)
	} else {
		_, err = ct.ConvOutputShape(x.Shape(), filter.Shape(), opts...)
	}
	if err != nil {
		return resolvedConv{}, nil, err
	}
	return resolvedConv{}, nil, fmt.Errorf("%s: %w", fn, errUnresolved)
}
