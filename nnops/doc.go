// Package nnops holds neural-network operations for Gorgonia in the manner
// of gorgonia.org/gorgonia/ops/nn: functions that take and return
// *gorgonia.Node, with PyTorch's semantics, float32 and float64, gradients
// on both the TapeMachine (symbolic) and the LispMachine (DoDiff), and
// errors instead of panics.
//
// # Convolutions
//
// ConvTranspose2d and Conv2d are the module's transposed convolution and
// its twice-differentiable convolution (package convtranspose), offered here
// beside Gorgonia's ops/nn functions.
//
// # Layers
//
// NewConvTranspose2dLayer and NewConv2dLayer add a layer's weight and bias
// to a graph, initialised as PyTorch does (KaimingUniform) or with another
// Initializer (Normal(0, 0.02) for a DCGAN); Forward applies the layer and
// Learnables lists its nodes for a solver. SaveValues and LoadValues write
// and read the values of any nodes by name.
//
// # Up-sampling
//
// Fixed, weight-free up-sampling, each matching PyTorch 1.13 value for value:
//
//   - Upsample2d resizes (N, C, H, W) by a scale or to a size, with
//     nearest or bilinear interpolation (align_corners false or true), as
//     torch.nn.functional.interpolate does. Its options are WithMode,
//     WithAlignCorners, WithScale, WithScaleFactor and WithSize.
//   - PixelShuffle and PixelUnshuffle move r² channels into an r × r block
//     of pixels and back, as torch.nn.functional.pixel_shuffle and
//     pixel_unshuffle do.
//
// Every one of them is linear, and its derivative is its adjoint, itself an
// op of the family whose derivative is the original: up-sampling and its
// scatter-add adjoint, PixelShuffle and PixelUnshuffle. Graphs built from
// them can therefore be differentiated again, for gradient penalties or
// Hessian-vector products. Gorgonia v0.9.18's own Grad gives wrong values
// when it is called a second time through nodes an earlier call
// differentiated; convtranspose.Grad does not.
//
// # Checkerboard artifacts
//
// A transposed convolution whose kernel size the stride does not divide
// writes more kernel taps to some output pixels than to their neighbours,
// and the difference shows as a checkerboard (Odena, Dumoulin and Olah,
// "Deconvolution and Checkerboard Artifacts", Distill, 2016). OverlapMap
// counts the taps reaching every output pixel, OverlapPeriod gives the
// repeating interior pattern, Overlap.Stats measures its unevenness and
// Overlap.WritePNG draws it as a heat map. Up-sampling with Upsample2d or
// PixelShuffle followed by a convolution avoids the uneven overlap. ICNR
// (Aitken et al., 2017) initialises the convolution before a
// PixelShuffle(r) from a filter drawn for r² times fewer channels, so that
// the sub-pixel convolution starts out as nearest-neighbour up-sampling:
// every r×r block of its output is constant, for any input.
//
// # Example
//
// A decoder step that doubles the resolution with bilinear interpolation:
//
//	y, err := nnops.Upsample2d(x, nnops.WithMode(nnops.Bilinear), nnops.WithScale(2, 2))
//	if err != nil {
//		return nil, fmt.Errorf("decoder: %w", err)
//	}
//
// and the checkerboard a 3×3, stride-2 transposed convolution would leave:
//
//	per, _ := nnops.OverlapPeriod(nnops.OverlapSpec{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}})
//	fmt.Println(per.Counts, per.Stats().Ratio) // [4 2 2 1] 4
package nnops
