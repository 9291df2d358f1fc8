package nnops

import (
	"fmt"
	"hash/fnv"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// This file holds the plumbing shared by the linear maps of the up-sampling
// family (Upsample2d, its adjoint, PixelShuffle, PixelUnshuffle): each is a
// one-input op over a 4-D float tensor whose kernels add into a destination.

// linearKernel is one linear map written for both element types. Each
// function adds the map of src into dst.
type linearKernel struct {
	f32 func(dst, src []float32) error
	f64 func(dst, src []float64) error
}

// run dispatches on the element type. dst and src must share it.
func (k linearKernel) run(dst, src tensor.Tensor) error {
	switch s := src.Data().(type) {
	case []float32:
		d, ok := dst.Data().([]float32)
		if !ok {
			return fmt.Errorf("destination is %v, source float32", dst.Dtype())
		}
		return k.f32(d, s)
	case []float64:
		d, ok := dst.Data().([]float64)
		if !ok {
			return fmt.Errorf("destination is %v, source float64", dst.Dtype())
		}
		return k.f64(d, s)
	}
	return fmt.Errorf("unsupported dtype %v: want float32 or float64", src.Dtype())
}

// linearOp is what the shared functions need from an op of the family.
type linearOp interface {
	gorgonia.Op
	// outShape is the output shape for an input shape, or an error naming
	// what does not fit.
	outShape(in tensor.Shape) (tensor.Shape, error)
	// kernel is the map for an input shape that outShape accepted.
	kernel(in tensor.Shape) (linearKernel, error)
}

// linearType is the type of every op of the family: a 4-D tensor to a 4-D
// tensor of the same element type.
func linearType() hm.Type {
	t := gorgonia.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t)
}

// inferLinearShape implements InferShape for the family.
func inferLinearShape(op linearOp, inputs []gorgonia.DimSizer) (tensor.Shape, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("%v: want 1 input shape, got %d", op, len(inputs))
	}
	s, ok := inputs[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("%v: want a tensor.Shape, got %T", op, inputs[0])
	}
	return op.outShape(s)
}

// hashOf is the Hashcode of an op: FNV-1a of what its WriteHash writes.
func hashOf(op gorgonia.Op) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

// inputTensor checks the arity and returns the single float input.
func inputTensor(op gorgonia.Op, inputs []gorgonia.Value) (tensor.Tensor, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("%v: want 1 input, got %d", op, len(inputs))
	}
	t, ok := inputs[0].(tensor.Tensor)
	if !ok {
		return nil, fmt.Errorf("%v: want a tensor input, got %T", op, inputs[0])
	}
	if dt := t.Dtype(); dt != tensor.Float32 && dt != tensor.Float64 {
		return nil, fmt.Errorf("%v: want a float32 or float64 input, got %v", op, dt)
	}
	return contiguous(t), nil
}

// contiguous returns t, or a row-major copy of it when its data cannot be
// read in order (a transposed or strided view): the kernels read Data().
func contiguous(t tensor.Tensor) tensor.Tensor {
	if t.RequiresIterator() {
		return tensor.Materialize(t)
	}
	return t
}

// doLinear is Do (prealloc == nil) and UsePreallocDo of the family: it
// checks the input, zeroes or allocates the output and runs the kernel.
func doLinear(op linearOp, prealloc gorgonia.Value, inputs []gorgonia.Value) (gorgonia.Value, error) {
	in, err := inputTensor(op, inputs)
	if err != nil {
		return nil, err
	}
	shape, err := op.outShape(in.Shape())
	if err != nil {
		return nil, err
	}
	var out tensor.Tensor
	if prealloc == nil {
		out = tensor.New(tensor.Of(in.Dtype()), tensor.WithShape(shape...))
	} else {
		p, ok := prealloc.(tensor.Tensor)
		if !ok {
			return nil, fmt.Errorf("%v: want a preallocated tensor, got %T", op, prealloc)
		}
		if !p.Shape().Eq(shape) || p.Dtype() != in.Dtype() {
			return nil, fmt.Errorf("%v: preallocated %v of shape %v, want %v of shape %v", op, p.Dtype(), p.Shape(), in.Dtype(), shape)
		}
		p.Zero()
		out = p
	}
	k, err := op.kernel(in.Shape())
	if err != nil {
		return nil, err
	}
	if err := k.run(out, in); err != nil {
		return nil, fmt.Errorf("%v: %w", op, err)
	}
	return out, nil
}

// addDiff implements DoDiff for an op of the family whose derivative is the
// linear map adj: it adds adj(output gradient) into the input's gradient,
// which is how the LispMachine expects gradients to flow (an input used by
// several nodes collects the sum).
func addDiff(op gorgonia.Op, adj linearOp, inputs gorgonia.Nodes, output *gorgonia.Node) error {
	if len(inputs) != 1 {
		return fmt.Errorf("%v: DoDiff wants 1 input, got %d", op, len(inputs))
	}
	if output == nil || inputs[0] == nil {
		return fmt.Errorf("%v: DoDiff got a nil node", op)
	}
	xg, err := inputs[0].Grad()
	if err != nil {
		return fmt.Errorf("%v: gradient of the input: %w", op, err)
	}
	yg, err := output.Grad()
	if err != nil {
		return fmt.Errorf("%v: gradient of the output: %w", op, err)
	}
	dst, ok := xg.(tensor.Tensor)
	if !ok {
		return fmt.Errorf("%v: the input's gradient is a %T, want a tensor", op, xg)
	}
	src, ok := yg.(tensor.Tensor)
	if !ok {
		return fmt.Errorf("%v: the output's gradient is a %T, want a tensor", op, yg)
	}
	src = contiguous(src)
	if dst.RequiresIterator() {
		return fmt.Errorf("%v: the input's gradient is a strided view, want contiguous memory", op)
	}
	want, err := adj.outShape(src.Shape())
	if err != nil {
		return fmt.Errorf("%v: %w", op, err)
	}
	if !dst.Shape().Eq(want) {
		return fmt.Errorf("%v: the input's gradient has shape %v, want %v", op, dst.Shape(), want)
	}
	k, err := adj.kernel(src.Shape())
	if err != nil {
		return err
	}
	if err := k.run(dst, src); err != nil {
		return fmt.Errorf("%v: %w", op, err)
	}
	return nil
}

// symDiff implements SymDiff for an op of the family whose derivative is
// the linear map adj.
func symDiff(op gorgonia.Op, adj linearOp, inputs gorgonia.Nodes, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("%v: SymDiff wants 1 input, got %d", op, len(inputs))
	}
	if grad == nil {
		return nil, fmt.Errorf("%v: SymDiff got a nil gradient", op)
	}
	d, err := gorgonia.ApplyOp(adj, grad)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", op, err)
	}
	return gorgonia.Nodes{d}, nil
}

// checkNode validates a node given to a constructor of the family.
func checkNode(fn string, x *gorgonia.Node) error {
	if x == nil {
		return fmt.Errorf("nnops: %s: x is nil", fn)
	}
	dt := nodeDtype(x)
	if dt != tensor.Float32 && dt != tensor.Float64 {
		var got any = x.Type()
		if dt.Type != nil {
			got = dt
		}
		return fmt.Errorf("nnops: %s: x must be float32 or float64, got %v", fn, got)
	}
	s := x.Shape()
	if len(s) != 4 {
		return fmt.Errorf("nnops: %s: x must have 4 dimensions (N, C, H, W), got shape %v", fn, s)
	}
	for _, d := range s {
		if d <= 0 {
			return fmt.Errorf("nnops: %s: x must have positive dimensions, got shape %v", fn, s)
		}
	}
	return nil
}
