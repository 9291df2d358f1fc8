package nnops

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

var (
	_ gorgonia.Op              = &batchNormGradOp{}
	_ gorgonia.SDOp            = &batchNormGradOp{}
	_ gorgonia.UsePreallocDoer = &batchNormGradOp{}
)

// batchNormGradOp is one gradient of BatchNorm2d, from the output's
// gradient dy. With x̂ = (x − mean)·inv, inv = 1/√(var + eps) and M = N·H·W:
//
//	wrt 0, inputs (x, scale, dy):  dx = scale·inv·(dy − Σdy/M − x̂·Σ(dy·x̂)/M)
//	wrt 1, inputs (x, dy):         d scale = Σ dy·x̂
//	wrt 2, input  (dy):            d shift = Σ dy
//
// the sums running over the batch and the plane of each channel.
type batchNormGradOp struct {
	eps float64
	wrt int // 0 x, 1 scale, 2 shift
}

func (op *batchNormGradOp) Arity() int { return 3 - op.wrt }
func (op *batchNormGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t4, t1 := gorgonia.TensorType{Dims: 4, Of: a}, gorgonia.TensorType{Dims: 1, Of: a}
	switch op.wrt {
	case 0:
		return hm.NewFnType(t4, t1, t4, t4)
	case 1:
		return hm.NewFnType(t4, t4, t1)
	}
	return hm.NewFnType(t4, t1)
}
func (op *batchNormGradOp) ReturnsPtr() bool     { return false }
func (op *batchNormGradOp) CallsExtern() bool    { return false }
func (op *batchNormGradOp) OverwritesInput() int { return -1 }
func (op *batchNormGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "BatchNorm2dGrad{wrt=%d, eps=%v}", op.wrt, op.eps)
}
func (op *batchNormGradOp) Hashcode() uint32 { return hashOf(op) }
func (op *batchNormGradOp) String() string {
	return fmt.Sprintf("BatchNorm2dGrad{%s, eps=%v}", bnInputNames[op.wrt%3], op.eps)
}

// DiffWRT claims every input, so that a second differentiation reaches
// SymDiff and fails there rather than treat the gradient as a constant.
func (op *batchNormGradOp) DiffWRT(inputs int) []bool {
	d := make([]bool, inputs)
	for i := range d {
		d[i] = true
	}
	return d
}

// SymDiff reports that BatchNorm2d is differentiable once.
func (op *batchNormGradOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("nnops: BatchNorm2d is differentiable once: %v has no derivative", op)
}

func (op *batchNormGradOp) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("%v: want %d input shapes, got %d", op, op.Arity(), len(inputs))
	}
	s, ok := inputs[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("%v: want a tensor.Shape, got %T", op, inputs[0])
	}
	if op.wrt == 0 {
		return s.Clone(), nil
	}
	if len(s) != 4 {
		return nil, fmt.Errorf("%v: want a 4-D input (N, C, H, W), got shape %v", op, s)
	}
	return tensor.Shape{s[1]}, nil
}

func (op *batchNormGradOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return op.do(nil, inputs)
}

func (op *batchNormGradOp) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	if prealloc == nil {
		return nil, fmt.Errorf("%v: UsePreallocDo got a nil value", op)
	}
	return op.do(prealloc, inputs)
}

func (op *batchNormGradOp) do(prealloc gorgonia.Value, inputs []gorgonia.Value) (gorgonia.Value, error) {
	if op.wrt < 0 || op.wrt > 2 {
		return nil, fmt.Errorf("%v: wrt must be 0, 1 or 2, got %d", op, op.wrt)
	}
	in, err := bnTensors(op, inputs, op.Arity())
	if err != nil {
		return nil, err
	}
	x := in[0]
	var args []bnArg
	switch op.wrt {
	case 0:
		args = []bnArg{bnVector("scale", in[1]), bnFull("dy", in[2])}
	case 1:
		args = []bnArg{bnFull("dy", in[1])}
	}
	g, err := bnCheck(op, x.Shape(), args...)
	if err != nil {
		return nil, err
	}
	shape := x.Shape()
	if op.wrt > 0 {
		shape = tensor.Shape{g.C}
	}
	out, err := bnOutput(op, prealloc, x.Dtype(), shape)
	if err != nil {
		return nil, err
	}
	ts := append([]tensor.Tensor{out}, in...)
	switch op.wrt {
	case 0:
		err = bnCall(op, ts,
			func(d [][]float32) { bnInputGrad(d[0], d[1], d[2], d[3], g, op.eps) },
			func(d [][]float64) { bnInputGrad(d[0], d[1], d[2], d[3], g, op.eps) })
	case 1:
		err = bnCall(op, ts,
			func(d [][]float32) { bnScaleGrad(d[0], d[1], d[2], g, op.eps) },
			func(d [][]float64) { bnScaleGrad(d[0], d[1], d[2], g, op.eps) })
	default:
		err = bnCall(op, ts,
			func(d [][]float32) { bnShiftGrad(d[0], d[1], g) },
			func(d [][]float64) { bnShiftGrad(d[0], d[1], g) })
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}
