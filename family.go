package convtranspose

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gorgonia-ext/convtranspose/fastblas"
	"github.com/gorgonia-ext/convtranspose/internal/conv"
)

// The three ops of the family — convTransposeOp (small → big), convOp
// (big → small) and filterGradOp ((small, big) → filter) — share params and
// the plumbing below. Each is linear in each input, and each one's gradient
// is built from the others, so graphs made of them differentiate any number
// of times.

// family holds what the three ops share: the parameters, whether a bias is
// the last input, and the methods whose answers are the same for all three.
type family struct {
	params
	bias bool
}

// Arity is 2, or 3 with a bias.
func (f family) Arity() int {
	if f.bias {
		return 3
	}
	return 2
}

// ReturnsPtr is false: the output is a new value.
func (f family) ReturnsPtr() bool { return false }

// CallsExtern is false: the kernels are Go; a cgo BLAS installed with
// gorgonia.Use makes its own calls.
func (f family) CallsExtern() bool { return false }

// OverwritesInput is -1: no input is overwritten.
func (f family) OverwritesInput() int { return -1 }

// DiffWRT is true for every input: each op is linear in each of them.
func (f family) DiffWRT(inputs int) []bool {
	d := make([]bool, inputs)
	for i := range d {
		d[i] = true
	}
	return d
}

// geometry completes p with the batch and channel counts.
func (p params) geometry(batch, smallChannels, bigChannels int) conv.Geometry {
	return conv.Geometry{
		Batch: batch, Groups: p.groups, SmallChannels: smallChannels, BigChannels: bigChannels,
		SmallH: p.small[0], SmallW: p.small[1], BigH: p.big[0], BigW: p.big[1],
		KernelH: p.kernel[0], KernelW: p.kernel[1], StrideH: p.stride[0], StrideW: p.stride[1],
		DilationH: p.dilation[0], DilationW: p.dilation[1], PadTop: p.pad[0], PadLeft: p.pad[1],
	}
}

// writeHash writes every field of p, with the op's name and whether it has
// a bias input, so that nodes differing in any parameter are never merged.
func (p params) writeHash(h hash.Hash, name string, bias bool) {
	fmt.Fprintf(h, "%s{%v bias=%t}", name, p, bias)
}

func hashOf(op gorgonia.Op) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

// opType is the type of an op with n 4-D inputs of one dtype, plus a 1-D
// bias when bias is true, returning a 4-D tensor.
func opType(n int, bias bool) hm.Type {
	a := hm.TypeVariable('a')
	t4 := gorgonia.TensorType{Dims: 4, Of: a}
	ts := make([]hm.Type, 0, n+2)
	for i := 0; i < n; i++ {
		ts = append(ts, t4)
	}
	if bias {
		ts = append(ts, gorgonia.TensorType{Dims: 1, Of: a})
	}
	return hm.NewFnType(append(ts, t4)...)
}

// maxOperands is the most inputs an op of the family takes: an image, a
// filter and a bias.
const maxOperands = 3

// operandShapes are the shapes of an op's inputs, nil past its arity. Ops
// take them, and give their output's dims4, by value: Do's checks then
// allocate nothing.
type operandShapes [maxOperands]tensor.Shape

// dims4 is the shape of an op's output: every op of the family returns 4-D
// tensors.
type dims4 [4]int

// shape returns d as a tensor.Shape.
func (d dims4) shape() tensor.Shape { return tensor.Shape{d[0], d[1], d[2], d[3]} }

// is reports whether s is the shape d.
func (d dims4) is(s tensor.Shape) bool {
	return len(s) == 4 && s[0] == d[0] && s[1] == d[1] && s[2] == d[2] && s[3] == d[3]
}

// inferred returns InferShape's result from an outputShape method's.
func inferred(d dims4, err error) (tensor.Shape, error) {
	if err != nil {
		return nil, err
	}
	return d.shape(), nil
}

// shapesOf converts InferShape's arguments, checking their count and ranks.
func shapesOf(name func() string, arity int, inputs []gorgonia.DimSizer) (operandShapes, error) {
	var shapes operandShapes
	if len(inputs) != arity {
		return shapes, fmt.Errorf("%s: expected %d inputs, got %d", name(), arity, len(inputs))
	}
	for i, in := range inputs {
		s, ok := in.(tensor.Shape)
		if !ok {
			return shapes, fmt.Errorf("%s: input %d has no shape (got %T)", name(), i, in)
		}
		want := 4
		if i == 2 {
			want = 1
		}
		if s.Dims() != want {
			return shapes, fmt.Errorf("%s: input %d must be %d-D, got shape %v", name(), i, want, s)
		}
		shapes[i] = s
	}
	return shapes, nil
}

// operandList holds an op's inputs, nil past its arity.
type operandList [maxOperands]tensor.Tensor

// tensorsOf checks the inputs of Do: their count, that they are dense
// tensors of one float dtype, and their shapes. Views are materialised so
// that the kernels see contiguous row-major data. name, the op's String, is
// called only for an error.
func tensorsOf(name func() string, arity int, inputs []gorgonia.Value, shapes func(operandShapes) (dims4, error)) (operandList, dims4, error) {
	var ts operandList
	var ss operandShapes
	if len(inputs) != arity || arity > maxOperands {
		return ts, dims4{}, fmt.Errorf("%s: expected %d inputs, got %d", name(), arity, len(inputs))
	}
	for i, v := range inputs {
		t, ok := v.(tensor.Tensor)
		if !ok {
			return ts, dims4{}, fmt.Errorf("%s: input %d must be a tensor, got %T", name(), i, v)
		}
		if t.Dtype() != tensor.Float32 && t.Dtype() != tensor.Float64 {
			return ts, dims4{}, fmt.Errorf("%s: input %d must be float32 or float64, got %v", name(), i, t.Dtype())
		}
		if t.Dtype() != inputs[0].Dtype() {
			return ts, dims4{}, fmt.Errorf("%s: input %d has dtype %v, input 0 has %v", name(), i, t.Dtype(), inputs[0].Dtype())
		}
		if t, ok = contiguous(t); !ok {
			return ts, dims4{}, fmt.Errorf("%s: input %d is a non-contiguous %T that cannot be materialised", name(), i, v)
		}
		ts[i], ss[i] = t, t.Shape()
	}
	out, err := shapes(ss)
	return ts, out, err
}

// contiguous returns t, or a contiguous copy of it when t is a view.
func contiguous(t tensor.Tensor) (tensor.Tensor, bool) {
	if !t.RequiresIterator() {
		return t, true
	}
	v, ok := t.(tensor.View)
	if !ok {
		return nil, false
	}
	return v.Materialize(), true
}

// operands checks the inputs of Do (see tensorsOf) and returns them with
// the tensor to write the result into: prealloc, or a new tensor when
// prealloc is nil (see outputOf).
func operands(name func() string, arity int, prealloc gorgonia.Value, inputs []gorgonia.Value, shapes func(operandShapes) (dims4, error)) (operandList, tensor.Tensor, error) {
	ts, shape, err := tensorsOf(name, arity, inputs, shapes)
	if err != nil {
		return ts, nil, err
	}
	out, err := outputOf(name, prealloc, shape, ts[0].Dtype())
	return ts, out, err
}

// outputOf returns prealloc when it has the right shape and dtype, or a new
// tensor.
func outputOf(name func() string, prealloc gorgonia.Value, shape dims4, dt tensor.Dtype) (tensor.Tensor, error) {
	if prealloc == nil {
		return tensor.New(tensor.WithShape(shape.shape()...), tensor.Of(dt)), nil
	}
	t, ok := prealloc.(tensor.Tensor)
	if !ok || !shape.is(t.Shape()) || t.Dtype() != dt || t.RequiresIterator() {
		return nil, fmt.Errorf("%s: preallocated value must be a contiguous %v tensor of shape %v, got %v", name(), dt, shape.shape(), prealloc)
	}
	return t, nil
}

// floats returns the data of t as a slice of T, or nil for a nil tensor.
func floats[T conv.Float](t tensor.Tensor) []T {
	if t == nil {
		return nil
	}
	if d, ok := t.(*tensor.Dense); ok { // its typed accessors, unlike Data, allocate nothing
		var zero T
		switch any(zero).(type) {
		case float32:
			return any(d.Float32s()).([]T)
		case float64:
			return any(d.Float64s()).([]T)
		}
	}
	return t.Data().([]T)
}

// accumulate adds the value v into the gradient of n, as the LispMachine's
// DoDiff contract asks. A node without a gradient is skipped.
func accumulate(n *gorgonia.Node, v gorgonia.Value) error {
	g, err := n.Grad()
	if err != nil || g == nil {
		return nil
	}
	gt, ok := g.(tensor.Tensor)
	vt, ok2 := v.(tensor.Tensor)
	if !ok || !ok2 || !gt.Shape().Eq(vt.Shape()) || gt.Dtype() != vt.Dtype() {
		return fmt.Errorf("cannot add a gradient %v into %v of %v", v, g, n)
	}
	switch d := gt.Data().(type) {
	case []float32:
		addInto(d, vt.Data().([]float32))
	case []float64:
		addInto(d, vt.Data().([]float64))
	default:
		return fmt.Errorf("gradient of %v has unsupported dtype %v", n, gt.Dtype())
	}
	return nil
}

func addInto[T conv.Float](dst, src []T) {
	for i, v := range src {
		dst[i] += v
	}
}

// biasGrad sums g over the batch and the plane, giving one value per channel.
func biasGrad(g gorgonia.Value) (gorgonia.Value, error) {
	t, ok := g.(tensor.Tensor)
	if !ok || t.Shape().Dims() != 4 {
		return nil, fmt.Errorf("bias gradient needs a 4-D tensor, got %v", g)
	}
	if t, ok = contiguous(t); !ok {
		return nil, fmt.Errorf("bias gradient needs a contiguous tensor, got %T", g)
	}
	s := t.Shape()
	out := tensor.New(tensor.WithShape(s[1]), tensor.Of(t.Dtype()))
	switch d := t.Data().(type) {
	case []float32:
		conv.BiasGrad(d, s[1], s[2]*s[3], floats[float32](out))
	case []float64:
		conv.BiasGrad(d, s[1], s[2]*s[3], floats[float64](out))
	}
	return out, nil
}

// engine returns the BLAS the kernels run on: the one gorgonia.Use
// installed or, while that is still Gorgonia's default (gonum), this
// module's fastblas, which is gonum itself unless the module is built with
// GOEXPERIMENT=simd on amd64 and then runs the SIMD GEMM.
func engine() conv.BLAS {
	b := gorgonia.WhichBLAS()
	if _, isDefault := b.(gonum.Implementation); isDefault {
		return fastblas.Implementation{}
	}
	return b
}
