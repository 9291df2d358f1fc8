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
	_ gorgonia.SDOp            = padOp{}
	_ gorgonia.ADOp            = padOp{}
	_ gorgonia.UsePreallocDoer = padOp{}
	_ gorgonia.SDOp            = foldOp{}
	_ gorgonia.ADOp            = foldOp{}
	_ gorgonia.UsePreallocDoer = foldOp{}
)

// padOp pads x (N, C, H, W) into (N, C, top+H+bottom, left+W+right) with a
// padding mode. foldOp with the same mode and paddings is its adjoint, and
// each is the other's gradient.
type padOp struct {
	mode PaddingMode
	pads [4]int // top, bottom, left, right
}

// foldOp adds a padded image (N, C, top+H+bottom, left+W+right) back onto
// (N, C, H, W), each padded value onto the pixel that padOp copied it from,
// then adds the bias (C) when bias is set.
type foldOp struct {
	mode PaddingMode
	pads [4]int // top, bottom, left, right
	bias bool
}

// padding is the kernels' description of a batch of n images of c channels
// of h×w pixels before padding.
func padding(mode PaddingMode, pads [4]int, n, c, h, w int) conv.Padding {
	return conv.Padding{Batch: n, Channels: c, H: h, W: w,
		Top: pads[0], Bottom: pads[1], Left: pads[2], Right: pads[3], Border: mode.border()}
}

// checkPadding validates the padding of h×w images by mode, for the ops.
func checkPadding(name func() string, mode PaddingMode, pads [4]int, h, w int) error {
	if mode < PaddingZeros || mode > PaddingReplicate {
		return fmt.Errorf("%s: unknown padding mode %v", name(), mode)
	}
	if err := padding(mode, pads, 0, 0, h, w).Validate(); err != nil {
		return fmt.Errorf("%s: %w", name(), err)
	}
	return nil
}

// shape4 returns the i-th argument of InferShape as a 4-D shape.
func shape4(name string, inputs []gorgonia.DimSizer, i int) (tensor.Shape, error) {
	s, ok := inputs[i].(tensor.Shape)
	if !ok || s.Dims() != 4 {
		return nil, fmt.Errorf("%s: input %d must be a 4-D shape, got %v", name, i, inputs[i])
	}
	return s, nil
}

// Arity is 1.
func (op padOp) Arity() int { return 1 }

// Type is Tensor-4 a → Tensor-4 a.
func (op padOp) Type() hm.Type { return opType(1, false) }

// InferShape returns the padded shape.
func (op padOp) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("%v: expected 1 input, got %d", op, len(inputs))
	}
	s, err := shape4(op.String(), inputs, 0)
	if err != nil {
		return nil, err
	}
	return inferred(op.outputShape(operandShapes{s}))
}

func (op padOp) outputShape(s operandShapes) (dims4, error) {
	x := s[0]
	if x.Dims() != 4 {
		return dims4{}, fmt.Errorf("%v: input must be 4-D, got shape %v", op, x)
	}
	if err := checkPadding(op.String, op.mode, op.pads, x[2], x[3]); err != nil {
		return dims4{}, err
	}
	return dims4{x[0], x[1], op.pads[0] + x[2] + op.pads[1], op.pads[2] + x[3] + op.pads[3]}, nil
}

// ReturnsPtr is false: the output is a new value.
func (op padOp) ReturnsPtr() bool { return false }

// CallsExtern is false.
func (op padOp) CallsExtern() bool { return false }

// OverwritesInput is -1: the input is not overwritten.
func (op padOp) OverwritesInput() int { return -1 }

// WriteHash writes the mode and the four paddings.
func (op padOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "Pad{mode=%v pads=%v}", op.mode, op.pads) }

// Hashcode hashes the mode and the four paddings.
func (op padOp) Hashcode() uint32 { return hashOf(op) }

func (op padOp) String() string { return fmt.Sprintf("Pad{mode=%v pads=%v}", op.mode, op.pads) }

// Do pads the input into a new tensor.
func (op padOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) { return op.do(nil, inputs) }

// UsePreallocDo pads the input into prealloc.
func (op padOp) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return op.do(prealloc, inputs)
}

func (op padOp) do(prealloc gorgonia.Value, inputs []gorgonia.Value) (gorgonia.Value, error) {
	ts, out, err := operands(op.String, 1, prealloc, inputs, op.outputShape)
	if err != nil {
		return nil, err
	}
	s := ts[0].Shape()
	p := padding(op.mode, op.pads, s[0], s[1], s[2], s[3])
	switch out.Dtype() {
	case tensor.Float32:
		conv.Pad(p, floats[float32](ts[0]), floats[float32](out))
	case tensor.Float64:
		conv.Pad(p, floats[float64](ts[0]), floats[float64](out))
	}
	return out, nil
}

// DiffWRT is true: padding is linear.
func (op padOp) DiffWRT(inputs int) []bool { return []bool{true} }

// SymDiff returns the gradient with respect to x: the output gradient
// folded back.
func (op padOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("%v: SymDiff expected 1 input, got %d", op, len(inputs))
	}
	dx, err := gorgonia.ApplyOp(foldOp{mode: op.mode, pads: op.pads}, grad)
	if err != nil {
		return nil, fmt.Errorf("%v: gradient with respect to x: %w", op, err)
	}
	return gorgonia.Nodes{dx}, nil
}

// DoDiff adds the folded output gradient into the input's gradient
// (LispMachine).
func (op padOp) DoDiff(ctx gorgonia.ExecutionContext, inputs gorgonia.Nodes, output *gorgonia.Node) error {
	if len(inputs) != 1 {
		return fmt.Errorf("%v: DoDiff expected 1 input, got %d", op, len(inputs))
	}
	gy, err := output.Grad()
	if err != nil {
		return fmt.Errorf("%v: output gradient: %w", op, err)
	}
	dx, err := foldOp{mode: op.mode, pads: op.pads}.Do(gy)
	if err != nil {
		return err
	}
	return accumulate(inputs[0], dx)
}

// Arity is 1, or 2 with a bias.
func (op foldOp) Arity() int {
	if op.bias {
		return 2
	}
	return 1
}

// Type is Tensor-4 a [→ Tensor-1 a] → Tensor-4 a.
func (op foldOp) Type() hm.Type { return opType(1, op.bias) }

// InferShape returns the shape with the padding removed.
func (op foldOp) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("%v: expected %d inputs, got %d", op, op.Arity(), len(inputs))
	}
	s, err := shape4(op.String(), inputs, 0)
	if err != nil {
		return nil, err
	}
	shapes := operandShapes{s}
	if op.bias {
		b, ok := inputs[1].(tensor.Shape)
		if !ok {
			return nil, fmt.Errorf("%v: the bias has no shape (got %v)", op, inputs[1])
		}
		shapes[1] = b
	}
	return inferred(op.outputShape(shapes))
}

func (op foldOp) outputShape(s operandShapes) (dims4, error) {
	x := s[0]
	if x.Dims() != 4 {
		return dims4{}, fmt.Errorf("%v: input must be 4-D, got shape %v", op, x)
	}
	h, w := x[2]-op.pads[0]-op.pads[1], x[3]-op.pads[2]-op.pads[3]
	if h < 0 || w < 0 {
		return dims4{}, fmt.Errorf("%v: input shape %v is smaller than the padding", op, x)
	}
	if err := checkPadding(op.String, op.mode, op.pads, h, w); err != nil {
		return dims4{}, err
	}
	if op.bias && (s[1].Dims() != 1 || s[1][0] != x[1]) {
		return dims4{}, fmt.Errorf("%v: bias must have shape (%d), got %v", op, x[1], s[1])
	}
	return dims4{x[0], x[1], h, w}, nil
}

// ReturnsPtr is false: the output is a new value.
func (op foldOp) ReturnsPtr() bool { return false }

// CallsExtern is false.
func (op foldOp) CallsExtern() bool { return false }

// OverwritesInput is -1: no input is overwritten.
func (op foldOp) OverwritesInput() int { return -1 }

// WriteHash writes the mode, the four paddings and whether there is a bias.
func (op foldOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "Fold{mode=%v pads=%v bias=%t}", op.mode, op.pads, op.bias)
}

// Hashcode hashes the mode, the four paddings and whether there is a bias.
func (op foldOp) Hashcode() uint32 { return hashOf(op) }

func (op foldOp) String() string {
	return fmt.Sprintf("Fold{mode=%v pads=%v bias=%t}", op.mode, op.pads, op.bias)
}

// Do folds the input into a new tensor.
func (op foldOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) { return op.do(nil, inputs) }

// UsePreallocDo folds the input into prealloc.
func (op foldOp) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return op.do(prealloc, inputs)
}

func (op foldOp) do(prealloc gorgonia.Value, inputs []gorgonia.Value) (gorgonia.Value, error) {
	ts, out, err := operands(op.String, op.Arity(), prealloc, inputs, op.outputShape)
	if err != nil {
		return nil, err
	}
	s := out.Shape()
	p := padding(op.mode, op.pads, s[0], s[1], s[2], s[3])
	b := ts[1]
	switch out.Dtype() {
	case tensor.Float32:
		conv.Fold(p, floats[float32](ts[0]), floats[float32](b), floats[float32](out))
	case tensor.Float64:
		conv.Fold(p, floats[float64](ts[0]), floats[float64](b), floats[float64](out))
	}
	return out, nil
}

// DiffWRT is true for every input: folding is linear, and so is the bias.
func (op foldOp) DiffWRT(inputs int) []bool {
	d := make([]bool, inputs)
	for i := range d {
		d[i] = true
	}
	return d
}

// SymDiff returns the gradients with respect to the input (the output
// gradient padded) and the bias (the output gradient summed over batch and
// space).
func (op foldOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != op.Arity() {
		return nil, fmt.Errorf("%v: SymDiff expected %d inputs, got %d", op, op.Arity(), len(inputs))
	}
	dx, err := gorgonia.ApplyOp(padOp{mode: op.mode, pads: op.pads}, grad)
	if err != nil {
		return nil, fmt.Errorf("%v: gradient with respect to the input: %w", op, err)
	}
	if !op.bias {
		return gorgonia.Nodes{dx}, nil
	}
	db, err := gorgonia.Sum(grad, 0, 2, 3)
	if err != nil {
		return nil, fmt.Errorf("%v: gradient with respect to the bias: %w", op, err)
	}
	return gorgonia.Nodes{dx, db}, nil
}

// DoDiff adds the inputs' gradients into their dual values (LispMachine).
func (op foldOp) DoDiff(ctx gorgonia.ExecutionContext, inputs gorgonia.Nodes, output *gorgonia.Node) error {
	if len(inputs) != op.Arity() {
		return fmt.Errorf("%v: DoDiff expected %d inputs, got %d", op, op.Arity(), len(inputs))
	}
	gy, err := output.Grad()
	if err != nil {
		return fmt.Errorf("%v: output gradient: %w", op, err)
	}
	dx, err := padOp{mode: op.mode, pads: op.pads}.Do(gy)
	if err != nil {
		return err
	}
	if err = accumulate(inputs[0], dx); err != nil {
		return err
	}
	if op.bias {
		db, err := biasGrad(gy)
		if err != nil {
			return err
		}
		return accumulate(inputs[1], db)
	}
	return nil
}
