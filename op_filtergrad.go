package convtranspose

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gorgonia-ext/convtranspose/internal/conv"
)

var (
	_ gorgonia.SDOp            = filterGradOp{}
	_ gorgonia.ADOp            = filterGradOp{}
	_ gorgonia.UsePreallocDoer = filterGradOp{}
)

// filterGradOp is the gradient of the filter of both convTransposeOp and
// convOp: inputs the small image (N, C_s, h, w) and the big image
// (N, C_b, H, W); output the filter (C_s, C_b/groups, kH, kW). It is bilinear:
// its gradient with respect to the small image is a convolution of the big
// image, and with respect to the big image a transposed convolution of the
// small one, both with the output gradient as filter.
type filterGradOp struct{ family }

// Type is Tensor-4 a → Tensor-4 a → Tensor-4 a.
func (op filterGradOp) Type() hm.Type { return opType(2, false) }

// InferShape checks the input shapes against the op's parameters and
// returns the filter's shape.
func (op filterGradOp) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	shapes, err := shapesOf(op.String, op.Arity(), inputs)
	if err != nil {
		return nil, err
	}
	return inferred(op.outputShape(shapes))
}

func (op filterGradOp) outputShape(s operandShapes) (dims4, error) {
	small, big := s[0], s[1]
	if small.Dims() != 4 || big.Dims() != 4 || small[0] != big[0] ||
		small[2] != op.small[0] || small[3] != op.small[1] || big[2] != op.big[0] || big[3] != op.big[1] ||
		small[1]%op.groups != 0 || big[1]%op.groups != 0 {
		return dims4{}, fmt.Errorf("%v: shapes %v and %v do not fit the op", op, small, big)
	}
	return dims4{small[1], big[1] / op.groups, op.kernel[0], op.kernel[1]}, nil
}

// Do computes the filter gradient into a new tensor.
func (op filterGradOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return op.do(nil, inputs)
}

// UsePreallocDo computes the filter gradient into prealloc.
func (op filterGradOp) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return op.do(prealloc, inputs)
}

func (op filterGradOp) do(prealloc gorgonia.Value, inputs []gorgonia.Value) (gorgonia.Value, error) {
	ts, out, err := operands(op.String, op.Arity(), prealloc, inputs, op.outputShape)
	if err != nil {
		return nil, err
	}
	small, big := ts[0], ts[1]
	g := op.geometry(small.Shape()[0], small.Shape()[1], big.Shape()[1])
	switch out.Dtype() {
	case tensor.Float32:
		conv.FilterGrad(engine(), g, floats[float32](small), floats[float32](big), floats[float32](out))
	case tensor.Float64:
		conv.FilterGrad(engine(), g, floats[float64](small), floats[float64](big), floats[float64](out))
	}
	return out, nil
}

// WriteHash writes every parameter.
func (op filterGradOp) WriteHash(h hash.Hash) { op.writeHash(h, "Conv2dFilterGrad", false) }

// Hashcode hashes every parameter.
func (op filterGradOp) Hashcode() uint32 { return hashOf(op) }

func (op filterGradOp) String() string { return fmt.Sprintf("Conv2dFilterGrad{%v}", op.params) }

// SymDiff returns the gradients with respect to the small image (the
// convolution of the big image with the output gradient) and the big image
// (the transposed convolution of the small image with the output gradient).
func (op filterGradOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != 2 {
		return nil, fmt.Errorf("%v: SymDiff expected 2 inputs, got %d", op, len(inputs))
	}
	small, big := inputs[0], inputs[1]
	dSmall, err := gorgonia.ApplyOp(convOp{family{params: op.params}}, big, grad)
	if err != nil {
		return nil, fmt.Errorf("%v: gradient with respect to the small image: %w", op, err)
	}
	dBig, err := gorgonia.ApplyOp(convTransposeOp{family{params: op.params}}, small, grad)
	if err != nil {
		return nil, fmt.Errorf("%v: gradient with respect to the big image: %w", op, err)
	}
	return gorgonia.Nodes{dSmall, dBig}, nil
}

// DoDiff adds the inputs' gradients into their dual values (LispMachine).
func (op filterGradOp) DoDiff(ctx gorgonia.ExecutionContext, inputs gorgonia.Nodes, output *gorgonia.Node) error {
	if len(inputs) != 2 {
		return fmt.Errorf("%v: DoDiff expected 2 inputs, got %d", op, len(inputs))
	}
	gw, err := output.Grad()
	if err != nil {
		return fmt.Errorf("%v: output gradient: %w", op, err)
	}
	small, big := inputs[0], inputs[1]
	dSmall, err := convOp{family{params: op.params}}.Do(big.Value(), gw)
	if err != nil {
		return err
	}
	dBig, err := convTransposeOp{family{params: op.params}}.Do(small.Value(), gw)
	if err != nil {
		return err
	}
	if err = accumulate(small, dSmall); err != nil {
		return err
	}
	return accumulate(big, dBig)
}
