//go:build cuda

package nnops

// UNTESTED. This file is written against gorgonia.org/cu/dnn v0.9.4 (the
// version gorgonia v0.9.18 requires) without a GPU or the CUDA toolkit: it
// has never been compiled. See "CUDA" in the package documentation for
// what it maps to and what is missing.

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	cudnn "gorgonia.org/cu/dnn"
	t2cudnn "gorgonia.org/cu/dnn/interop"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// cudnnCall names the cuDNN call an op makes. The three calls share one
// convolution descriptor and one filter layout, and each one's gradient is
// made of the others, as in package convtranspose's CPU family.
type cudnnCall int

const (
	// cudnnForward is Conv2d: (Big, filter[, bias]) → Small, with
	// cudnnConvolutionForward.
	cudnnForward cudnnCall = iota
	// cudnnBackwardData is ConvTranspose2d: (Small, filter[, bias]) → Big,
	// with cudnnConvolutionBackwardData.
	cudnnBackwardData
	// cudnnBackwardFilter is the filter gradient: (Big, Small) → filter,
	// with cudnnConvolutionBackwardFilter.
	cudnnBackwardFilter
)

func (c cudnnCall) String() string {
	switch c {
	case cudnnForward:
		return "Conv2d"
	case cudnnBackwardData:
		return "ConvTranspose2d"
	case cudnnBackwardFilter:
		return "Conv2dFilterGrad"
	}
	return fmt.Sprintf("cudnnCall(%d)", int(c))
}

var (
	_ G.Op       = (*cudnnConvOp)(nil)
	_ G.CUDADoer = (*cudnnConvOp)(nil)
	_ G.SDOp     = (*cudnnConvOp)(nil)
	_ G.ADOp     = (*cudnnConvOp)(nil)
)

// cudnnConvOp is one of the three ops, with its cuDNN descriptors. The
// descriptors never change after construction, so the ops of a family
// share them.
type cudnnConvOp struct {
	call cudnnCall
	conv cudnnConv
	dt   tensor.Dtype
	bias bool // cudnnForward and cudnnBackwardData only: a bias (C_out) is the third input

	desc       *cudnn.Convolution
	big, small *cudnn.TensorDescriptor
	filter     *cudnn.Filter
	biasDesc   *cudnn.TensorDescriptor // (1, C_out, 1, 1), when bias
}

// newCUDNNConvOp creates the descriptors of c for dtype dt.
func newCUDNNConvOp(call cudnnCall, c cudnnConv, dt tensor.Dtype, bias bool) (*cudnnConvOp, error) {
	if dt != tensor.Float32 && dt != tensor.Float64 {
		return nil, fmt.Errorf("%v: cuDNN convolutions here take float32 or float64, got %v", call, dt)
	}
	data := t2cudnn.Dtype2DataType(dt)
	op := &cudnnConvOp{call: call, conv: c, dt: dt, bias: bias}
	var err error
	// CrossCorrelation, as PyTorch and the CPU ops compute; cuDNN's
	// StandardConvolution would flip the kernel.
	if op.desc, err = cudnn.NewConvolution(cudnn.DefaultMath, c.Groups, c.Pad[:], c.Stride[:], c.Dilation[:], cudnn.CrossCorrelation, data); err != nil {
		return nil, fmt.Errorf("%v: convolution descriptor: %w", call, err)
	}
	if op.big, err = cudnn.NewTensorDescriptor(cudnn.NCHW, data, c.Big, c.Big.CalcStrides()); err != nil {
		return nil, fmt.Errorf("%v: descriptor of %v: %w", call, c.Big, err)
	}
	if op.small, err = cudnn.NewTensorDescriptor(cudnn.NCHW, data, c.Small, c.Small.CalcStrides()); err != nil {
		return nil, fmt.Errorf("%v: descriptor of %v: %w", call, c.Small, err)
	}
	if op.filter, err = cudnn.NewFilter(data, cudnn.NCHW, c.Filter); err != nil {
		return nil, fmt.Errorf("%v: filter descriptor of %v: %w", call, c.Filter, err)
	}
	if bias {
		b := tensor.Shape{1, op.outputShape()[1], 1, 1}
		if op.biasDesc, err = cudnn.NewTensorDescriptor(cudnn.NCHW, data, b, b.CalcStrides()); err != nil {
			return nil, fmt.Errorf("%v: bias descriptor: %w", call, err)
		}
	}
	return op, nil
}

// sibling returns the op of the same family that makes call, without bias.
func (op *cudnnConvOp) sibling(call cudnnCall) *cudnnConvOp {
	s := *op
	s.call, s.bias, s.biasDesc = call, false, nil
	return &s
}

// inputShapes and outputShape give the shapes of the op's operands.
func (op *cudnnConvOp) inputShapes() []tensor.Shape {
	switch op.call {
	case cudnnForward:
		return []tensor.Shape{op.conv.Big, op.conv.Filter}
	case cudnnBackwardData:
		return []tensor.Shape{op.conv.Small, op.conv.Filter}
	}
	return []tensor.Shape{op.conv.Big, op.conv.Small}
}

func (op *cudnnConvOp) outputShape() tensor.Shape {
	switch op.call {
	case cudnnForward:
		return op.conv.Small.Clone()
	case cudnnBackwardData:
		return op.conv.Big.Clone()
	}
	return op.conv.Filter.Clone()
}

// Arity is 2, or 3 with a bias.
func (op *cudnnConvOp) Arity() int {
	if op.bias {
		return 3
	}
	return 2
}

// Type is Tensor-4 a → Tensor-4 a [→ Tensor-1 a] → Tensor-4 a.
func (op *cudnnConvOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t4 := G.TensorType{Dims: 4, Of: a}
	if op.bias {
		return hm.NewFnType(t4, t4, G.TensorType{Dims: 1, Of: a}, t4)
	}
	return hm.NewFnType(t4, t4, t4)
}

// InferShape checks the inputs' shapes against the descriptors.
func (op *cudnnConvOp) InferShape(inputs ...G.DimSizer) (tensor.Shape, error) {
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("%v: expected %d inputs, got %d", op, op.Arity(), len(inputs))
	}
	want := op.inputShapes()
	if op.bias {
		want = append(want, tensor.Shape{op.outputShape()[1]})
	}
	for i, in := range inputs {
		s, ok := in.(tensor.Shape)
		if !ok || !s.Eq(want[i]) {
			return nil, fmt.Errorf("%v: input %d must have shape %v, got %v", op, i, want[i], in)
		}
	}
	return op.outputShape(), nil
}

// Do reports that the op runs on a CUDA device only.
func (op *cudnnConvOp) Do(...G.Value) (G.Value, error) {
	return nil, fmt.Errorf("%v: runs on a CUDA device only (CUDADo); use a CUDA-enabled TapeMachine", op)
}

// ReturnsPtr is true: the result is written into the preallocated device memory.
func (op *cudnnConvOp) ReturnsPtr() bool { return true }

// CallsExtern is true: the op calls cuDNN.
func (op *cudnnConvOp) CallsExtern() bool { return true }

// OverwritesInput is -1: no input is overwritten.
func (op *cudnnConvOp) OverwritesInput() int { return -1 }

// WriteHash writes every parameter.
func (op *cudnnConvOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "cuDNN %v{%+v dtype=%v bias=%t}", op.call, op.conv, op.dt, op.bias)
}

// Hashcode hashes every parameter.
func (op *cudnnConvOp) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

func (op *cudnnConvOp) String() string {
	return fmt.Sprintf("%v{cuDNN pad=%v stride=%v dilation=%v groups=%d bias=%t}",
		op.call, op.conv.Pad, op.conv.Stride, op.conv.Dilation, op.conv.Groups, op.bias)
}

// noWorkspace is the null device pointer, for the algorithms that need no
// workspace.
type noWorkspace struct{}

func (noWorkspace) Uintptr() uintptr           { return 0 }
func (noWorkspace) IsNativelyAccessible() bool { return false }

// CUDADo makes the op's cuDNN call on device dev, writing into prealloc,
// then adds the bias with cudnnAddTensor. The algorithms are the ones that
// need no workspace (see the package documentation).
func (op *cudnnConvOp) CUDADo(extern G.External, dev G.Device, prealloc G.Value, inputs ...G.Value) (G.Value, error) {
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("%v: expected %d inputs, got %d", op, op.Arity(), len(inputs))
	}
	machine, ok := extern.(G.CUDAMachine)
	if !ok {
		return nil, fmt.Errorf("%v: needs a CUDA machine, got %T", op, extern)
	}
	mem := make([]cudnn.Memory, len(inputs))
	for i, v := range inputs {
		if mem[i], ok = v.(cudnn.Memory); !ok {
			return nil, fmt.Errorf("%v: input %d is not device memory: %T", op, i, v)
		}
	}
	out, ok := prealloc.(cudnn.Memory)
	if !ok {
		return nil, fmt.Errorf("%v: the preallocated output is not device memory: %T", op, prealloc)
	}
	engines, contexts := machine.Engines(), machine.CUDNNContexts()
	if d := int(dev); d < 0 || d >= len(engines) || d >= len(contexts) {
		return nil, fmt.Errorf("%v: device %d has no engine and cuDNN context (%d engines, %d contexts)", op, d, len(engines), len(contexts))
	}
	if err := engines[int(dev)].DoWork(); err != nil {
		return nil, fmt.Errorf("%v: flushing queued work: %w", op, err)
	}
	ctx := contexts[int(dev)]
	var err error
	outDesc := op.small
	switch op.call {
	case cudnnForward: // y = conv(x, w)
		err = ctx.ConvolutionForward(1, op.big, mem[0], op.filter, mem[1], op.desc,
			cudnn.ConvolutionFwdAlgoImplicitGemm, noWorkspace{}, 0, 0, op.small, out)
	case cudnnBackwardData: // ConvTranspose2d: dx of the forward convolution, with dy = x
		outDesc = op.big
		err = ctx.ConvolutionBackwardData(1, op.filter, mem[1], op.small, mem[0], op.desc,
			cudnn.ConvolutionBwdDataAlgo0, noWorkspace{}, 0, 0, op.big, out)
	case cudnnBackwardFilter: // dw of the forward convolution with input Big and output gradient Small
		err = ctx.ConvolutionBackwardFilter(1, op.big, mem[0], op.small, mem[1], op.desc,
			cudnn.ConvolutionBwdFilterAlgo0, noWorkspace{}, 0, 0, op.filter, out)
	}
	if err != nil {
		return nil, fmt.Errorf("%v: %w", op, err)
	}
	if op.bias {
		if err := ctx.AddTensor(1, op.biasDesc, mem[2], 1, outDesc, out); err != nil {
			return nil, fmt.Errorf("%v: adding the bias: %w", op, err)
		}
	}
	return prealloc, nil
}

// DiffWRT is true for every input: each op is linear in each of them.
func (op *cudnnConvOp) DiffWRT(inputs int) []bool {
	d := make([]bool, inputs)
	for i := range d {
		d[i] = true
	}
	return d
}

// SymDiff returns the gradients as ops of the same family:
//
//	Conv2d(b, w):            ∂b = ConvTranspose2d(g, w), ∂w = FilterGrad(b, g)
//	ConvTranspose2d(s, w):   ∂s = Conv2d(g, w),          ∂w = FilterGrad(g, s)
//	FilterGrad(b, s):        ∂b = ConvTranspose2d(s, g), ∂s = Conv2d(b, g)
//
// and the bias's gradient is g summed over batch and space.
func (op *cudnnConvOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("%v: SymDiff expected %d inputs, got %d", op, op.Arity(), len(inputs))
	}
	type term struct {
		call       cudnnCall
		arg0, arg1 *G.Node
	}
	var terms [2]term
	in0, in1 := inputs[0], inputs[1]
	switch op.call {
	case cudnnForward: // in0 Big, in1 filter; grad Small
		terms = [2]term{{cudnnBackwardData, grad, in1}, {cudnnBackwardFilter, in0, grad}}
	case cudnnBackwardData: // in0 Small, in1 filter; grad Big
		terms = [2]term{{cudnnForward, grad, in1}, {cudnnBackwardFilter, grad, in0}}
	case cudnnBackwardFilter: // in0 Big, in1 Small; grad filter-shaped
		terms = [2]term{{cudnnBackwardData, in1, grad}, {cudnnForward, in0, grad}}
	}
	grads := make(G.Nodes, 0, 3)
	for i, t := range terms {
		n, err := G.ApplyOp(op.sibling(t.call), t.arg0, t.arg1)
		if err != nil {
			return nil, fmt.Errorf("%v: gradient with respect to input %d: %w", op, i, err)
		}
		grads = append(grads, n)
	}
	if op.bias {
		db, err := G.Sum(grad, 0, 2, 3)
		if err != nil {
			return nil, fmt.Errorf("%v: gradient with respect to the bias: %w", op, err)
		}
		grads = append(grads, db)
	}
	return grads, nil
}

// DoDiff reports that the LispMachine has no CUDA path.
func (op *cudnnConvOp) DoDiff(G.ExecutionContext, G.Nodes, *G.Node) error {
	return fmt.Errorf("%v: the LispMachine does not run cuDNN ops; use the TapeMachine with gorgonia.Grad", op)
}
