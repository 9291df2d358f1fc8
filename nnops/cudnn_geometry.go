package nnops

import (
	"fmt"

	"gorgonia.org/tensor"
)

// This file turns a convolution with its options resolved into the
// parameters of cuDNN's descriptors. It is plain Go, built and tested in
// every build; the cuda-tagged files (api_cuda.go, convolution_cuda.go)
// hand its result to gorgonia.org/cu/dnn.

// resolvedConv is a convolution of the family with every option resolved,
// as package convtranspose resolves them for its ops: Big is the image of
// the convolution's input (ConvTranspose2d's output), Small that of its
// output (ConvTranspose2d's input), and Pad the padding before the first
// row and column. The padding at the other end follows from the sizes.
type resolvedConv struct {
	Batch, BigChannels, SmallChannels int
	Kernel, Stride, Dilation          [2]int
	Pad                               [2]int // top, left; negative when ONNX's auto padding crops
	Big, Small                        [2]int // spatial sizes
	Groups                            int
}

// cudnnConv is one convolution as cuDNN describes it. The three calls of
// the family share it: cudnnConvolutionForward maps Big to Small (Conv2d),
// cudnnConvolutionBackwardData maps Small to Big (ConvTranspose2d) and
// cudnnConvolutionBackwardFilter maps (Big, Small) to Filter (the filter
// gradient).
type cudnnConv struct {
	Pad, Stride, Dilation [2]int       // cudnnSetConvolution2dDescriptor: one padding for both ends of an axis
	Groups                int          // cudnnSetConvolutionGroupCount
	Big, Small            tensor.Shape // NCHW tensor descriptors
	Filter                tensor.Shape // the filter descriptor: (C_small, C_big/groups, kH, kW)
}

// newCUDNNConv returns cuDNN's description of r, or an error naming what
// cuDNN cannot express. cuDNN pads both ends of an axis by the same
// amount, so the padding at the start of each axis (top, left) is used,
// and r is expressible exactly when that padding is not negative and a
// convolution with it at both ends maps Big to Small: the output windows
// then start at the same places, and any difference at the end lies in
// padding. For
// ConvTranspose2d this is how its output padding and output size reach
// cuDNN: as the size of the Big tensor, which backward-data accepts when
// the forward convolution maps it back to Small, that is when the output
// padding is smaller than the stride.
func newCUDNNConv(fn string, r resolvedConv) (cudnnConv, error) {
	if r.Groups < 1 || r.BigChannels%r.Groups != 0 || r.SmallChannels%r.Groups != 0 {
		return cudnnConv{}, fmt.Errorf("%s: groups %d must divide both channel counts %d and %d", fn, r.Groups, r.BigChannels, r.SmallChannels)
	}
	c := cudnnConv{
		Stride:   r.Stride,
		Dilation: r.Dilation,
		Groups:   r.Groups,
		Big:      tensor.Shape{r.Batch, r.BigChannels, r.Big[0], r.Big[1]},
		Small:    tensor.Shape{r.Batch, r.SmallChannels, r.Small[0], r.Small[1]},
		Filter:   tensor.Shape{r.SmallChannels, r.BigChannels / r.Groups, r.Kernel[0], r.Kernel[1]},
	}
	for a, axis := range [2]string{"height", "width"} {
		begin := r.Pad[a]
		if begin < 0 {
			return cudnnConv{}, fmt.Errorf("%s: cuDNN cannot crop: padding before the %s is %d", fn, axis, begin)
		}
		if r.Stride[a] < 1 || r.Dilation[a] < 1 || r.Kernel[a] < 1 {
			return cudnnConv{}, fmt.Errorf("%s: kernel %v, stride %v and dilation %v must be positive", fn, r.Kernel, r.Stride, r.Dilation)
		}
		if n := cudnnOutputSize(r.Big[a], r.Kernel[a], r.Stride[a], begin, r.Dilation[a]); n != r.Small[a] {
			return cudnnConv{}, fmt.Errorf("%s: cuDNN pads both ends of an axis alike: with padding %d at both ends of the %s, size %d maps to %d, not %d (kernel %d, stride %d, dilation %d; an output padding must be smaller than the stride)",
				fn, begin, axis, r.Big[a], n, r.Small[a], r.Kernel[a], r.Stride[a], r.Dilation[a])
		}
		c.Pad[a] = begin
	}
	return c, nil
}

// cudnnOutputSize is the output size that cudnnGetConvolution2dForwardOutputDim
// documents: 1 + (in + 2·pad − (dilation·(kernel − 1) + 1)) / stride, or 0
// when the padded input is smaller than the dilated kernel.
func cudnnOutputSize(in, kernel, stride, pad, dilation int) int {
	span := in + 2*pad - (dilation*(kernel-1) + 1)
	if span < 0 {
		return 0
	}
	return 1 + span/stride
}
