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

// shapesOf converts InferShape's arguments, checking their count and ranks.
func shapesOf(name string, arity int, inputs []gorgonia.DimSizer) ([]tensor.Shape, error) {
	if len(inputs) != arity {
		return nil, fmt.Errorf("%s: expected %d inputs, got %d", name, arity, len(inputs))
	}
	shapes := make([]tensor.Shape, arity)
	for i, in := range inputs {
		s, ok := in.(tensor.Shape)
		if !ok {
			return nil, fmt.Errorf("%s: input %d has no shape (got %T)", name, i, in)
		}
		want := 4
		if i == 2 {
			want = 1
		}
		if s.Dims() != want {
			return nil, fmt.Errorf("%s: input %d must be %d-D, got shape %v", name, i, want, s)
		}
		shapes[i] = s
	}
	return shapes, nil
}

// tensorsOf checks the inputs of Do: their count, that they are dense
// tensors of one float dtype, and their shapes. Views are materialised so
// that the kernels see contiguous row-major data.
func tensorsOf(name string, arity int, inputs []gorgonia.Value, shapes func([]tensor.Shape) (tensor.Shape, error)) ([]tensor.Tensor, tensor.Shape, error) {
	if len(inputs) != arity {
		return nil, nil, fmt.Errorf("%s: expected %d inputs, got %d", name, arity, len(inputs))
	}
	ts := make([]tensor.Tensor, arity)
	ss := make([]tensor.Shape, arity)
	for i, v := range inputs {
		t, ok := v.(tensor.Tensor)
		if !ok {
			return nil, nil, fmt.Errorf("%s: input %d must be a tensor, got %T", name, i, v)
		}
		if t.Dtype() != tensor.Float32 && t.Dtype() != tensor.Float64 {
			return nil, nil, fmt.Errorf("%s: input %d must be float32 or float64, got %v", name, i, t.Dtype())
		}
		if t.Dtype() != inputs[0].Dtype() {
			return nil, nil, fmt.Errorf("%s: input %d has dtype %v, input 0 has %v", name, i, t.Dtype(), inputs[0].Dtype())
		}
		if t, ok = contiguous(t); !ok {
			return nil, nil, fmt.Errorf("%s: input %d is a non-contiguous %T that cannot be materialised", name, i, v)
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
func operands(name string, arity int, prealloc gorgonia.Value, inputs []gorgonia.Value, shapes func([]tensor.Shape) (tensor.Shape, error)) ([]tensor.Tensor, tensor.Tensor, error) {
	ts, shape, err := tensorsOf(name, arity, inputs, shapes)
	if err != nil {
		return nil, nil, err
	}
	out, err := outputOf(name, prealloc, shape, ts[0].Dtype())
	return ts, out, err
}

// outputOf returns prealloc when it has the right shape and dtype, or a new
// tensor.
func outputOf(name string, prealloc gorgonia.Value, shape tensor.Shape, dt tensor.Dtype) (tensor.Tensor, error) {
	if prealloc == nil {
		return tensor.New(tensor.WithShape(shape...), tensor.Of(dt)), nil
	}
	t, ok := prealloc.(tensor.Tensor)
	if !ok || !t.Shape().Eq(shape) || t.Dtype() != dt || t.RequiresIterator() {
		return nil, fmt.Errorf("%s: preallocated value must be a contiguous %v tensor of shape %v, got %v", name, dt, shape, prealloc)
	}
	return t, nil
}

// floats returns the data of t as a slice of T, or nil for a nil tensor.
func floats[T conv.Float](t tensor.Tensor) []T {
	if t == nil {
		return nil
	}
	return t.Data().([]T)
}

// optional returns ts[i], or nil when there is no such input.
func optional(ts []tensor.Tensor, i int) tensor.Tensor {
	if i < len(ts) {
		return ts[i]
	}
	return nil
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
