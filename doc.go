// Package convtranspose adds the transposed convolution to Gorgonia: a
// first-class, differentiable graph node with PyTorch's semantics.
//
// # Using it
//
// ConvTranspose2d takes x of shape (N, C_in, H, W) and a filter of shape
// (C_in, C_out/groups, kH, kW) — PyTorch's layout, and the very tensor that a
// convolution in the opposite direction would use — and returns a node of
// shape (N, C_out, H_out, W_out):
//
//	y, err := convtranspose.ConvTranspose2d(x, w,
//		convtranspose.WithStride(2, 2),
//		convtranspose.WithPadding(1, 1),
//		convtranspose.WithBias(b))
//
// Options cover every parameter of torch.nn.functional.conv_transpose2d
// (stride, padding, output padding, dilation, groups, bias, and the
// output_size of nn.ConvTranspose2d) and of ONNX's ConvTranspose (asymmetric
// pads, auto_pad, output_shape). Every argument is checked when the node is
// built; errors name the argument and its value.
//
// # What it computes
//
// A convolution is a linear map: a matrix C applied to the flattened input.
// The transposed convolution applies Cᵀ. It keeps the convolution's
// connectivity, backwards — each input pixel spreads over a kernel-sized
// block of the output — so with stride s it up-samples by s. Its weights are
// learned; it is not the inverse of the convolution. For every x and y,
//
//	⟨Conv2d(x, W), y⟩ = ⟨x, ConvTranspose2d(y, W)⟩
//
// and the tests check exactly that against gorgonia.Conv2d.
//
// # How it computes it
//
// Per batch of images, one GEMM of the filter with the input gives every
// kernel tap's contribution, and col2im adds them into the output: no zeros
// are inserted and none are multiplied. The GEMM goes through
// gorgonia.WhichBLAS, so gorgonia.Use speeds this op up with the rest of the
// graph. The gradient with respect to the input is a convolution (Conv2d,
// built from the same kernels), and the gradient of the filter a third
// kernel of the same family; each of the three is the others' derivative, so
// gradients of gradients work. Use Grad rather than gorgonia.Grad for them:
// Gorgonia v0.9.18 reuses stale derivatives on a second Grad.
package convtranspose
