package nnops

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"github.com/gorgonia-ext/convtranspose/internal/resample"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

var (
	_ gorgonia.Op              = &upsampleOp{}
	_ gorgonia.SDOp            = &upsampleOp{}
	_ gorgonia.ADOp            = &upsampleOp{}
	_ gorgonia.UsePreallocDoer = &upsampleOp{}

	_ gorgonia.Op              = &upsampleAdjointOp{}
	_ gorgonia.SDOp            = &upsampleAdjointOp{}
	_ gorgonia.ADOp            = &upsampleAdjointOp{}
	_ gorgonia.UsePreallocDoer = &upsampleAdjointOp{}
)

// upsampleOp resizes (N, C, h.In, w.In) to (N, C, h.Out, w.Out). It and
// upsampleAdjointOp are linear and each other's derivative.
type upsampleOp struct {
	h, w resample.AxisSpec
}

// upsampleAdjointOp maps (N, C, h.Out, w.Out) back to (N, C, h.In, w.In)
// with the transpose of upsampleOp's map.
type upsampleAdjointOp struct {
	h, w resample.AxisSpec
}

// writeAxes writes every field of both axes (%+v prints them all, with
// float64 scales in their shortest exact form): two resizings that differ in
// any of them must not be merged by the graph.
func writeAxes(h hash.Hash, name string, ah, aw resample.AxisSpec) {
	fmt.Fprintf(h, "%s{H: %+v, W: %+v}", name, ah, aw)
}

// upsampleKernel returns the forward (adjoint false) or adjoint map of the
// resizing of planes planes.
func upsampleKernel(ah, aw resample.AxisSpec, planes int, adjoint bool) (linearKernel, error) {
	g := resample.Geometry{Planes: planes, H: ah, W: aw}
	p32, err := resample.NewPlan[float32](g)
	if err != nil {
		return linearKernel{}, err
	}
	p64, err := resample.NewPlan[float64](g)
	if err != nil {
		return linearKernel{}, err
	}
	if adjoint {
		return linearKernel{f32: p32.Adjoint, f64: p64.Adjoint}, nil
	}
	return linearKernel{f32: p32.Forward, f64: p64.Forward}, nil
}

// resizeShape maps (N, C, fromH, fromW) to (N, C, toH, toW), or reports
// why in does not have that form.
func resizeShape(op gorgonia.Op, in tensor.Shape, fromH, fromW, toH, toW int) (tensor.Shape, error) {
	if len(in) != 4 {
		return nil, fmt.Errorf("%v: want a 4-D input (N, C, H, W), got shape %v", op, in)
	}
	if in[2] != fromH || in[3] != fromW {
		return nil, fmt.Errorf("%v: want an input of height and width %d×%d, got shape %v", op, fromH, fromW, in)
	}
	return tensor.Shape{in[0], in[1], toH, toW}, nil
}

func (op *upsampleOp) Arity() int                { return 1 }
func (op *upsampleOp) Type() hm.Type             { return linearType() }
func (op *upsampleOp) ReturnsPtr() bool          { return false }
func (op *upsampleOp) CallsExtern() bool         { return false }
func (op *upsampleOp) OverwritesInput() int      { return -1 }
func (op *upsampleOp) WriteHash(h hash.Hash)     { writeAxes(h, "Upsample2d", op.h, op.w) }
func (op *upsampleOp) Hashcode() uint32          { return hashOf(op) }
func (op *upsampleOp) DiffWRT(inputs int) []bool { return []bool{true} }
func (op *upsampleOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return doLinear(op, nil, inputs)
}

func (op *upsampleOp) String() string {
	return fmt.Sprintf("Upsample2d{%v, alignCorners=%v, %d×%d→%d×%d}", op.h.Mode, op.h.AlignCorners, op.h.In, op.w.In, op.h.Out, op.w.Out)
}

func (op *upsampleOp) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	return inferLinearShape(op, inputs)
}

func (op *upsampleOp) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	if prealloc == nil {
		return nil, fmt.Errorf("%v: UsePreallocDo got a nil value", op)
	}
	return doLinear(op, prealloc, inputs)
}

func (op *upsampleOp) outShape(in tensor.Shape) (tensor.Shape, error) {
	return resizeShape(op, in, op.h.In, op.w.In, op.h.Out, op.w.Out)
}

func (op *upsampleOp) kernel(in tensor.Shape) (linearKernel, error) {
	return upsampleKernel(op.h, op.w, in[0]*in[1], false)
}

func (op *upsampleOp) adjoint() *upsampleAdjointOp { return &upsampleAdjointOp{h: op.h, w: op.w} }

// SymDiff returns the adjoint resizing of the output gradient.
func (op *upsampleOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	return symDiff(op, op.adjoint(), inputs, grad)
}

// DoDiff adds the adjoint resizing of the output's gradient into the
// input's gradient.
func (op *upsampleOp) DoDiff(ctx gorgonia.ExecutionContext, inputs gorgonia.Nodes, output *gorgonia.Node) error {
	return addDiff(op, op.adjoint(), inputs, output)
}

func (op *upsampleAdjointOp) Arity() int                { return 1 }
func (op *upsampleAdjointOp) Type() hm.Type             { return linearType() }
func (op *upsampleAdjointOp) ReturnsPtr() bool          { return false }
func (op *upsampleAdjointOp) CallsExtern() bool         { return false }
func (op *upsampleAdjointOp) OverwritesInput() int      { return -1 }
func (op *upsampleAdjointOp) WriteHash(h hash.Hash)     { writeAxes(h, "Upsample2dAdjoint", op.h, op.w) }
func (op *upsampleAdjointOp) Hashcode() uint32          { return hashOf(op) }
func (op *upsampleAdjointOp) DiffWRT(inputs int) []bool { return []bool{true} }
func (op *upsampleAdjointOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return doLinear(op, nil, inputs)
}

func (op *upsampleAdjointOp) String() string {
	return fmt.Sprintf("Upsample2dAdjoint{%v, alignCorners=%v, %d×%d→%d×%d}", op.h.Mode, op.h.AlignCorners, op.h.Out, op.w.Out, op.h.In, op.w.In)
}

func (op *upsampleAdjointOp) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	return inferLinearShape(op, inputs)
}

func (op *upsampleAdjointOp) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	if prealloc == nil {
		return nil, fmt.Errorf("%v: UsePreallocDo got a nil value", op)
	}
	return doLinear(op, prealloc, inputs)
}

func (op *upsampleAdjointOp) outShape(in tensor.Shape) (tensor.Shape, error) {
	return resizeShape(op, in, op.h.Out, op.w.Out, op.h.In, op.w.In)
}

func (op *upsampleAdjointOp) kernel(in tensor.Shape) (linearKernel, error) {
	return upsampleKernel(op.h, op.w, in[0]*in[1], true)
}

func (op *upsampleAdjointOp) forward() *upsampleOp { return &upsampleOp{h: op.h, w: op.w} }

// SymDiff returns the forward resizing of the output gradient.
func (op *upsampleAdjointOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	return symDiff(op, op.forward(), inputs, grad)
}

// DoDiff adds the forward resizing of the output's gradient into the
// input's gradient.
func (op *upsampleAdjointOp) DoDiff(ctx gorgonia.ExecutionContext, inputs gorgonia.Nodes, output *gorgonia.Node) error {
	return addDiff(op, op.forward(), inputs, output)
}
