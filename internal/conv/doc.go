// Package conv holds the kernels behind the transposed convolution and its
// family: im2col, col2im, and the three GEMM-based passes that are each
// other's derivatives.
//
// # Geometry
//
// Every kernel works on one pair of images described by a Geometry: a "big"
// image (the output of a transposed convolution, the input of a convolution)
// and a "small" one (the input of a transposed convolution, the output of a
// convolution). A kernel tap (kh, kw) at small position (hs, ws) touches big
// position
//
//	hb = hs·StrideH − PadTop + kh·DilationH
//	wb = ws·StrideW − PadLeft + kw·DilationW
//
// and contributes nothing when that position lies outside the big image. The
// filter is laid out (SmallChannels, BigChannels/Groups, KernelH, KernelW):
// PyTorch's layout for the weight of both ConvTranspose2d (C_in, C_out/g, …)
// and Conv2d (C_out, C_in/g, …).
//
// # The family
//
//   - Transposed computes small → big: a GEMM with the filter, then col2im.
//   - Convolve computes big → small: im2col, then a GEMM with the filter.
//     It is the adjoint of Transposed for the same filter.
//   - FilterGrad computes the filter gradient from a small and a big image.
//
// Each pass is linear in each argument, and the derivative of each is
// expressed with the others, so a graph built from them can be
// differentiated any number of times.
//
// # Columns
//
// Columns are laid out with one row per (big channel, kh, kw) and one column
// per (image, hs, ws), so that a batch of images can be folded into one wide
// GEMM, and col2im writes each plane of a big image from a single goroutine. The
// results are therefore bit-for-bit the same for any GOMAXPROCS.
package conv
