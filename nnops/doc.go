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
// beside Gorgonia's ops/nn functions. Built with the cuda tag, they map to
// cuDNN instead (see CUDA below).
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
// # Normalisation
//
// BatchNorm2d is PyTorch's BatchNorm2d in training mode (F.batch_norm with
// training=True): x (N, C, H, W) normalised per channel with the batch's mean
// and biased variance, then scaled and shifted by (C) vectors; WithEpsilon
// sets eps (default 1e-5). It keeps no running averages and holds no state,
// so several graphs can share its parameters, which gorgonia.BatchNorm does
// not allow. It is one node and each of its gradients one node, where the
// same normalisation composed of Gorgonia's broadcasts copies the statistics
// to full size several times. Unlike the up-sampling family it is
// differentiable once.
//
// # CUDA
//
// As in gorgonia.org/gorgonia/ops/nn, ConvTranspose2d and Conv2d come in
// two builds. The default (api_nocuda.go, !cuda) runs package
// convtranspose's kernels on the CPU. The cuda build tag (api_cuda.go,
// convolution_cuda.go) maps the family onto cuDNN through
// gorgonia.org/cu/dnn v0.9.4, the version Gorgonia v0.9.18 requires:
//
//   - ConvTranspose2d is cudnnConvolutionBackwardData: x is dy, the filter
//     (C_in, C_out/groups, kH, kW) is the forward convolution's filter as it
//     stands, and the output padding or output size is the size of dx.
//   - Conv2d is cudnnConvolutionForward.
//   - The filter gradient of both is cudnnConvolutionBackwardFilter.
//   - A bias is added with cudnnAddTensor; its gradient is a Sum over batch
//     and space.
//
// One convolution descriptor (padding, stride, dilation,
// CUDNN_CROSS_CORRELATION as PyTorch, and the group count) serves all
// three, and SymDiff expresses each op's gradients with the other two, as
// the CPU family does. cuDNN pads both ends of an axis alike, so a
// convolution maps to it when its padding before each axis is not negative
// and that padding at both ends makes the forward convolution map the large
// image to the small one; otherwise (an output padding not below the
// stride, more padding at the end than the start allows) the error says
// so. That translation is plain Go, tested in every build by reproducing
// cuDNN's calls with the CPU ops.
//
// The cuda files are untested: they were written without a GPU or the CUDA
// toolkit. go vet -tags cuda stops at cgo, because gorgonia.org/cu needs
// cuda.h and gorgonia.org/cu/dnn needs cudnn.h (with CGO_ENABLED=0 their
// cgo files drop out and their API is undefined). testdata/typecheck_cuda.sh
// type-checks the files against cu/dnn v0.9.4's signatures with its cgo
// part stubbed. What is left to finish them:
//
//  1. Options: package convtranspose keeps its resolved parameters
//     unexported, so the cuda build's resolve reports an error until it
//     exports them (kernel, stride, dilation, padding before each axis,
//     sizes, groups, the bias node, the padding mode).
//  2. Padding modes other than zeros: pad first, then convolve with cuDNN.
//  3. Algorithms: the ops use the ones that need no workspace (implicit
//     GEMM forward, algorithm 0 for backward data and filter, which are not
//     deterministic). Faster ones need the workspace sizes, which cu v0.9.4
//     does not wrap (its Find functions do not fill their results); the
//     workspace would come from the machine's ExternMetadata.Get.
//  4. A GPU run comparing values and gradients with the CPU build on the
//     golden cases, on the TapeMachine (the LispMachine has no CUDA path).
//
// Gorgonia's own convolution_cuda.go differs in three ways that are bugs
// there: it uses CUDNN_CONVOLUTION, which flips the kernel, unlike its CPU
// Conv2d; it passes beta = 1, adding to whatever the output memory held; and
// its input-gradient op receives the image where it reads the filter.
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
