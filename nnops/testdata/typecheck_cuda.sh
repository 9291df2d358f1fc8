#!/bin/sh
# Type-checks the cuda-tagged files of nnops on a machine without CUDA.
#
# `go vet -tags cuda ./nnops` needs cuda.h and cudnn.h, because
# gorgonia.org/cu and gorgonia.org/cu/dnn are cgo packages. This script
# checks the same files against a stub of gorgonia.org/cu/dnn whose
# declarations are copied from the real v0.9.4 source (types, constants,
# and the exact signatures of the functions nnops calls), with gorgonia's
# cuda-only CUDAMachine interface written out by hand. It proves that the
# files compile against those signatures; it runs nothing.
#
# Usage, from the module root: sh nnops/testdata/typecheck_cuda.sh
set -eu
root=$(pwd)
cu=$(go list -m -f '{{.Dir}}' gorgonia.org/cu)/dnn
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/custub/dnn/interop" "$work/pkg"

{
	echo 'package cudnn'
	echo 'type Memory interface { Uintptr() uintptr; IsNativelyAccessible() bool }'
	echo 'type Context struct{}'
	echo 'type DataType int; type MathType int; type TensorFormat int; type ConvolutionMode int'
	echo 'type ConvolutionFwdAlgo int; type ConvolutionBwdDataAlgo int; type ConvolutionBwdFilterAlgo int'
	echo 'const ( NCHW TensorFormat = 0; DefaultMath MathType = 0; CrossCorrelation ConvolutionMode = 1; Float DataType = 0; Double DataType = 1 )'
	echo 'const ( ConvolutionFwdAlgoImplicitGemm ConvolutionFwdAlgo = 0; ConvolutionBwdDataAlgo0 ConvolutionBwdDataAlgo = 0; ConvolutionBwdFilterAlgo0 ConvolutionBwdFilterAlgo = 0 )'
	echo 'type Convolution struct{}; type Filter struct{}; type TensorDescriptor struct{}'
	grep -h '^func NewConvolution(\|^func NewTensorDescriptor(\|^func NewFilter(' "$cu"/*.go | sed 's/{$/{ panic(0) }/'
	grep -h '^func (co \*Context) \(ConvolutionForward\|ConvolutionBackwardData\|ConvolutionBackwardFilter\|AddTensor\)(' "$cu/generated_API.go" | sed 's/{$/{ panic(0) }/'
} >"$work/custub/dnn/cudnn.go"
cat >"$work/custub/dnn/interop/interop.go" <<'GO'
package t2cudnn

import (
	cudnn "gorgonia.org/cu/dnn"
	"gorgonia.org/tensor"
)

func Dtype2DataType(t tensor.Dtype) cudnn.DataType { panic(0) }
GO
printf 'module gorgonia.org/cu\n\ngo 1.26\n\nrequire gorgonia.org/tensor v0.9.24\n' >"$work/custub/go.mod"

for f in "$root"/nnops/*_cuda.go "$root"/nnops/cudnn_geometry.go; do
	grep -v '^//go:build' "$f" | sed 's/G\.CUDAMachine/cudaMachine/g' >"$work/pkg/$(basename "$f")"
done
cat >"$work/pkg/shim.go" <<'GO'
package nnops

import (
	cudnn "gorgonia.org/cu/dnn"
	G "gorgonia.org/gorgonia"

	ct "github.com/gorgonia-ext/convtranspose"
)

// As gorgonia's cuda.go declares it, with gorgonia/cuda's Engine reduced
// to the method nnops calls.
type cudaMachine interface {
	G.External
	Engines() []engine
	CUDNNContexts() []*cudnn.Context
}

type engine struct{}

func (e *engine) DoWork() error { return nil }

type ConvOption = ct.Option
GO
cat >"$work/go.mod" <<GO
module cudacheck

go 1.26

require (
	github.com/gorgonia-ext/convtranspose v0.0.0
	gorgonia.org/cu v0.9.4
)

replace github.com/gorgonia-ext/convtranspose => $root

replace gorgonia.org/cu => ./custub
GO
cp "$root/go.sum" "$work/go.sum"
cd "$work"
GOFLAGS=-mod=mod go vet ./pkg
echo "nnops cuda files: type-check against gorgonia.org/cu/dnn v0.9.4 signatures passed"
