package nnops

import ct "github.com/gorgonia-ext/convtranspose"

// ConvOption sets a parameter of ConvTranspose2d or Conv2d; the options are
// package convtranspose's (WithStride, WithPadding, WithPads, WithAutoPad,
// WithOutputPadding, WithOutputSize, WithOutputShape, WithDilation,
// WithGroups, WithBias).
//
// ConvTranspose2d and Conv2d themselves come in two builds, as in
// gorgonia.org/gorgonia/ops/nn: api_nocuda.go (the default) runs package
// convtranspose's kernels on the CPU, and api_cuda.go (the cuda build tag)
// maps them to cuDNN.
type ConvOption = ct.Option
