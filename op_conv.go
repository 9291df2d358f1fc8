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
	_ gorgonia.SDOp            = convOp{}
	_ gorgonia.ADOp            = convOp{}
	_ gorgonia.UsePreallocDoer = convOp{}
)

// convOp is the convolution: inputs x (N, C_in, H, W), the filter
// (C_out, C_in/groups, kH, kW) and, when bias is set, a bias (C_out); output
// (N, C_out, H_out, W_out). With the roles of the channels swapped it is the
// adjoint of convTransposeOp with the same parameters, and the gradient of
// its input.
type convOp struct{ family }

// Type is Tensor-4 a → Tensor-4 a [→ Tensor-1 a] → Tensor-4 a.
func (op convOp) Type() hm.Type { return opType(2, op.bias) }

// InferShape checks the input shapes against the op's parameters and
// returns the output shape.
func (op convOp) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	shapes, err := shapesOf(op.String, op.Arity(), inputs)
	if err != nil {
		return nil, err
	}
	return inferred(op.outputShape(shapes))
}

func (op convOp) outputShape(s operandShapes) (dims4, error) {
	x, w := s[0], s[1]
	if x.Dims() != 4 || w.Dims() != 4 || x[2] != op.big[0] || x[3] != op.big[1] ||
		w[1]*op.groups != x[1] || w[0]%op.groups != 0 || w[2] != op.kernel[0] || w[3] != op.kernel[1] {
		return dims4{}, fmt.Errorf("%v: input shape %v and filter shape %v do not fit the op", op, x, w)
	}
	if op.bias && (s[2].Dims() != 1 || s[2][0] != w[0]) {
		return dims4{}, fmt.Errorf("%v: bias must have shape (%d), got %v", op, w[0], s[2])
	}
	return dims4{x[0], w[0], op.small[0], op.small[1]}, nil
}

// Do computes the convolution into a new tensor.
func (op convOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) { return op.do(nil, inputs) }

// UsePreallocDo computes the convolution into prealloc.
func (op convOp) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return op.do(prealloc, inputs)
}

func (op convOp) do(prealloc gorgonia.Value, inputs []gorgonia.Value) (gorgonia.Value, error) {
	ts, out, err := operands(op.String, op.Arity(), prealloc, inputs, op.outputShape)
	if err != nil {
		return nil, err
	}
	g := op.geometry(out.Shape()[0], out.Shape()[1], ts[0].Shape()[1])
	x, w, b := ts[0], ts[1], ts[2]
	switch out.Dtype() {
	case tensor.Float32:
		conv.Convolve(engine(), g, floats[float32](x), floats[float32](w), floats[float32](b), floats[float32](out))
	case tensor.Float64:
		conv.Convolve(engine(), g, floats[float64](x), floats[float64](w), floats[float64](b), floats[float64](out))
	}
	return out, nil
}

// WriteHash writes every parameter.
func (op convOp) WriteHash(h hash.Hash) { op.writeHash(h, "Conv2d", op.bias) }

// Hashcode hashes every parameter.
func (op convOp) Hashcode() uint32 { return hashOf(op) }

func (op convOp) String() string { return fmt.Sprintf("Conv2d{%v bias=%t}", op.params, op.bias) }

// SymDiff returns the gradients with respect to x (the transposed
// convolution of the output gradient), the filter (the filter gradient of
// the output gradient and x) and the bias.
func (op convOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("%v: SymDiff expected %d inputs, got %d", op, op.Arity(), len(inputs))
	}
	x, w := inputs[0], inputs[1]
	dx, err := gorgonia.ApplyOp(convTransposeOp{family{params: op.params}}, grad, w)
	if err != nil {
		return nil, fmt.Errorf("%v: gradient with respect to x: %w", op, err)
	}
	dw, err := gorgonia.ApplyOp(filterGradOp{family{params: op.params}}, grad, x)
	if err != nil {
		return nil, fmt.Errorf("%v: gradient with respect to the filter: %w", op, err)
	}
	if !op.bias {
		return gorgonia.Nodes{dx, dw}, nil
	}
	db, err := gorgonia.Sum(grad, 0, 2, 3)
	if err != nil {
		return nil, fmt.Errorf("%v: gradient with respect to the bias: %w", op, err)
	}
	return gorgonia.Nodes{dx, dw, db}, nil
}

// DoDiff adds the inputs' gradients into their dual values (LispMachine).
func (op convOp) DoDiff(ctx gorgonia.ExecutionContext, inputs gorgonia.Nodes, output *gorgonia.Node) error {
	if len(inputs) != op.Arity() {
		return fmt.Errorf("%v: DoDiff expected %d inputs, got %d", op, op.Arity(), len(inputs))
	}
	gy, err := output.Grad()
	if err != nil {
		return fmt.Errorf("%v: output gradient: %w", op, err)
	}
	x, w := inputs[0], inputs[1]
	dx, err := convTransposeOp{family{params: op.params}}.Do(gy, w.Value())
	if err != nil {
		return err
	}
	dw, err := filterGradOp{family{params: op.params}}.Do(gy, x.Value())
	if err != nil {
		return err
	}
	if err = accumulate(x, dx); err != nil {
		return err
	}
	if err = accumulate(w, dw); err != nil {
		return err
	}
	if op.bias {
		db, err := biasGrad(gy)
		if err != nil {
			return err
		}
		return accumulate(inputs[2], db)
	}
	return nil
}
