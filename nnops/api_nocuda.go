//go:build !cuda

package nnops

import (
	G "gorgonia.org/gorgonia"

	ct "github.com/gorgonia-ext/convtranspose"
)

// ConvTranspose2d is convtranspose.ConvTranspose2d: the transposed
// convolution of x (N, C_in, H, W) with filter (C_in, C_out/groups, kH, kW),
// as PyTorch's conv_transpose2d computes it. It is offered here beside the
// fixed up-sampling ops it competes with. Built with the cuda tag, it runs
// on cuDNN instead (api_cuda.go).
func ConvTranspose2d(x, filter *G.Node, opts ...ConvOption) (*G.Node, error) {
	return ct.ConvTranspose2d(x, filter, opts...)
}

// Conv2d is convtranspose.Conv2d: the convolution of x (N, C_in, H, W) with
// filter (C_out, C_in/groups, kH, kW), with groups, dilation and asymmetric
// padding, differentiable twice. Unlike gorgonia.Conv2d it needs no kernel
// shape argument: the filter's shape gives it. Built with the cuda tag, it
// runs on cuDNN instead (api_cuda.go).
func Conv2d(x, filter *G.Node, opts ...ConvOption) (*G.Node, error) {
	return ct.Conv2d(x, filter, opts...)
}
