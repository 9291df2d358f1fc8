// Package resample holds the kernels behind nnops' fixed up-sampling family:
// nearest and bilinear resizing with PyTorch's index rules, their adjoints,
// and the pixel shuffle pair. They are plain functions over row-major
// slices, testable without a graph.
//
// # Conventions
//
// Every kernel adds into its destination (dst += K·src) and never writes its
// source, so that the same kernel computes a fresh result (into a zeroed
// destination) and accumulates a gradient (into an existing one). A batch is
// a sequence of planes: the (N, C) leading axes of an NCHW tensor folded
// into one count.
//
// # Exactness
//
// Source indices follow PyTorch 1.13's CPU kernels (aten/src/ATen/native/
// UpSample.h) including their floating-point types: nearest indices are
// computed in float32 whatever the element type, bilinear coordinates in the
// element type. See Axis for the rules.
package resample
