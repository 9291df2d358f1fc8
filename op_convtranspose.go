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
	_ gorgonia.SDOp            = convTransposeOp{}
	_ gorgonia.ADOp            = convTransposeOp{}
	_ gorgonia.UsePreallocDoer = convTransposeOp{}
)

// convTransposeOp is the transposed convolution: inputs x (N, C_in, H, W),
// the filter (C_in, C_out/groups, kH, kW) and, when bias is set, a bias
// (C_out); output (N, C_out, H_out, W_out). It is the adjoint of convOp with
// the same parameters.
type convTransposeOp struct{ family }

// Type is Tensor-4 a → Tensor-4 a [→ Tensor-1 a] → Tensor-4 a.
func (op convTransposeOp) Type() hm.Type { return opType(2, op.bias) }

// InferShape checks the input shapes against the op's parameters and
// returns the output shape.
func (op convTransposeOp) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	shapes, err := shapesOf(op.String, op.Arity(), inputs)
	if err != nil {
		return nil, err
	}
	return inferred(op.outputShape(shapes))
}

func (op convTransposeOp) outputShape(s operandShapes) (dims4, error) {
	x, w := s[0], s[1]
	if x.Dims() != 4 || w.Dims() != 4 || x[2] != op.small[0] || x[3] != op.small[1] ||
		w[0] != x[1] || w[2] != op.kernel[0] || w[3] != op.kernel[1] || x[1]%op.groups != 0 {
		return dims4{}, fmt.Errorf("%v: input shape %v and filter shape %v do not fit the op", op, x, w)
	}
	cout := w[1] * op.groups
	if op.bias && (s[2].Dims() != 1 || s[2][0] != cout) {
		return dims4{}, fmt.Errorf("%v: bias must have shape (%d), got %v", op, cout, s[2])
	}
	return dims4{x[0], cout, op.big[0], op.big[1]}, nil
}

// Do computes the transposed convolution into a new tensor.
func (op convTransposeOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return op.do(nil, inputs)
}

// UsePreallocDo computes the transposed convolution into prealloc.
func (op convTransposeOp) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return op.do(prealloc, inputs)
}

func (op convTransposeOp) do(prealloc gorgonia.Value, inputs []gorgonia.Value) (gorgonia.Value, error) {
	ts, out, err := operands(op.String, op.Arity(), prealloc, inputs, op.outputShape)
	if err != nil {
		return nil, err
	}
	g := op.geometry(out.Shape()[0], ts[0].Shape()[1], out.Shape()[1])
	x, w, b := ts[0], ts[1], ts[2]
	switch out.Dtype() {
	case tensor.Float32:
		conv.Transposed(engine(), g, floats[float32](x), floats[float32](w), floats[float32](b), floats[float32](out))
	case tensor.Float64:
		conv.Transposed(engine(), g, floats[float64](x), floats[float64](w), floats[float64](b), floats[float64](out))
	}
	return out, nil
}

// WriteHash writes every parameter.
func (op convTransposeOp) WriteHash(h hash.Hash) { op.writeHash(h, "ConvTranspose2d", op.bias) }

// Hashcode hashes every parameter.
func (op convTransposeOp) Hashcode() uint32 { return hashOf(op) }

func (op convTransposeOp) String() string {
	return fmt.Sprintf("ConvTranspose2d{%v bias=%t}", op.params, op.bias)
}

// SymDiff returns the gradients with respect to x (the convolution of the
// output gradient), the filter (the filter gradient of x and the output
// gradient) and the bias (the output gradient summed over batch and space).
func (op convTransposeOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("%v: SymDiff expected %d inputs, got %d", op, op.Arity(), len(inputs))
	}
	x, w := inputs[0], inputs[1]
	dx, err := gorgonia.ApplyOp(convOp{family{params: op.params}}, grad, w)
	if err != nil {
		return nil, fmt.Errorf("%v: gradient with respect to x: %w", op, err)
	}
	dw, err := gorgonia.ApplyOp(filterGradOp{family{params: op.params}}, x, grad)
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

// DoDiff adds the gradients of the inputs, computed from the output's
// gradient, into the inputs' gradients (for the LispMachine).
func (op convTransposeOp) DoDiff(ctx gorgonia.ExecutionContext, inputs gorgonia.Nodes, output *gorgonia.Node) error {
	if len(inputs) != op.Arity() {
		return fmt.Errorf("%v: DoDiff expected %d inputs, got %d", op, op.Arity(), len(inputs))
	}
	gy, err := output.Grad()
	if err != nil {
		return fmt.Errorf("%v: output gradient: %w", op, err)
	}
	x, w := inputs[0], inputs[1]
	dx, err := convOp{family{params: op.params}}.Do(gy, w.Value())
	if err != nil {
		return err
	}
	dw, err := filterGradOp{family{params: op.params}}.Do(x.Value(), gy)
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
