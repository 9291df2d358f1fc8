package nnops

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

var (
	_ gorgonia.Op              = &batchNormOp{}
	_ gorgonia.SDOp            = &batchNormOp{}
	_ gorgonia.ADOp            = &batchNormOp{}
	_ gorgonia.UsePreallocDoer = &batchNormOp{}
)

// DefaultBatchNormEpsilon is the value BatchNorm2d adds to the variance
// unless WithEpsilon says otherwise: PyTorch's default eps.
const DefaultBatchNormEpsilon = 1e-5

// BatchNormOption configures BatchNorm2d.
type BatchNormOption func(*batchNormConfig)

type batchNormConfig struct{ eps float64 }

// WithEpsilon sets eps, the value added to the variance before its square
// root, PyTorch's eps. The default is DefaultBatchNormEpsilon (1e-5). It
// must be finite and not negative; with 0, a constant channel divides by
// zero, as in PyTorch.
func WithEpsilon(eps float64) BatchNormOption {
	return func(c *batchNormConfig) { c.eps = eps }
}

// BatchNorm2d normalises x of shape (N, C, H, W) channel by channel with the
// statistics of the batch, then scales and shifts it:
//
//	y[n, c, h, w] = (x[n, c, h, w] − mean[c]) / √(var[c] + eps) · scale[c] + shift[c]
//
// where mean[c] is the mean of channel c over the batch and both spatial
// axes (N·H·W values) and var[c] their biased variance (the mean of the
// squared deviations). This is PyTorch's BatchNorm2d in training mode,
// F.batch_norm(x, None, None, scale, shift, training=True, eps=eps), and its
// gradients flow through the statistics as PyTorch's do. scale and shift
// have shape (C) and x's dtype, float32 or float64; every channel of x must
// hold at least two values (N·H·W ≥ 2); eps is 1e-5 unless WithEpsilon sets
// it. The statistics are accumulated in float64 for both dtypes.
//
// It uses batch statistics only and keeps no running averages: a model
// that predicts with running averages, as PyTorch's eval mode does, keeps
// them itself. The op holds no state, so the same scale and shift can be
// used by any number of graphs (a GAN's two training graphs, for instance),
// which gorgonia.BatchNorm, whose op keeps running statistics, does not
// allow.
//
// It is one node, and its gradients one node for each input: built from
// Gorgonia's reductions and broadcasts, the same normalisation takes about
// ten nodes, and every broadcast copies the per-channel statistics to the
// full size of x, in the forward pass and again in the backward pass. The
// gradient nodes recompute the statistics from x rather than keep them from
// the forward pass.
//
// BatchNorm2d is differentiable once: differentiating its gradients again
// (for a gradient penalty or a Hessian-vector product) is an error. Both the
// TapeMachine (SymDiff) and the LispMachine (DoDiff) compute its gradients.
func BatchNorm2d(x, scale, shift *gorgonia.Node, opts ...BatchNormOption) (*gorgonia.Node, error) {
	const fn = "BatchNorm2d"
	cfg := batchNormConfig{eps: DefaultBatchNormEpsilon}
	for _, o := range opts {
		o(&cfg)
	}
	if math.IsNaN(cfg.eps) || math.IsInf(cfg.eps, 0) || cfg.eps < 0 {
		return nil, fmt.Errorf("nnops: %s: eps must be finite and not negative, got %v", fn, cfg.eps)
	}
	if err := checkNode(fn, x); err != nil {
		return nil, err
	}
	xs := x.Shape()
	if xs[0]*xs[2]*xs[3] < 2 {
		return nil, fmt.Errorf("nnops: %s: x of shape %v has one value per channel; batch statistics need at least 2 (N·H·W ≥ 2), as in PyTorch", fn, xs)
	}
	c := xs[1]
	for _, p := range []struct {
		name string
		n    *gorgonia.Node
	}{{"scale", scale}, {"shift", shift}} {
		if p.n == nil {
			return nil, fmt.Errorf("nnops: %s: %s is nil", fn, p.name)
		}
		if dt, xdt := nodeDtype(p.n), nodeDtype(x); dt != xdt {
			return nil, fmt.Errorf("nnops: %s: %s must have x's dtype %v, got %v", fn, p.name, xdt, p.n.Type())
		}
		if s := p.n.Shape(); len(s) != 1 || s[0] != c {
			return nil, fmt.Errorf("nnops: %s: %s must have shape (%d), one value per channel of x of shape %v, got shape %v",
				fn, p.name, c, x.Shape(), s)
		}
	}
	y, err := gorgonia.ApplyOp(&batchNormOp{eps: cfg.eps}, x, scale, shift)
	if err != nil {
		return nil, fmt.Errorf("nnops: %s: %w", fn, err)
	}
	return y, nil
}

// nodeDtype is the element type of n, or the zero Dtype if its type has
// none (n.Dtype() panics then).
func nodeDtype(n *gorgonia.Node) tensor.Dtype {
	var dt tensor.Dtype
	switch t := n.Type().(type) {
	case gorgonia.TensorType:
		dt, _ = t.Of.(tensor.Dtype)
	case *gorgonia.TensorType:
		dt, _ = t.Of.(tensor.Dtype)
	case tensor.Dtype:
		dt = t
	}
	return dt
}

// batchNormOp is BatchNorm2d: inputs x, scale, shift.
type batchNormOp struct{ eps float64 }

func (op *batchNormOp) Arity() int { return 3 }
func (op *batchNormOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t4, t1 := gorgonia.TensorType{Dims: 4, Of: a}, gorgonia.TensorType{Dims: 1, Of: a}
	return hm.NewFnType(t4, t1, t1, t4)
}
func (op *batchNormOp) ReturnsPtr() bool          { return false }
func (op *batchNormOp) CallsExtern() bool         { return false }
func (op *batchNormOp) OverwritesInput() int      { return -1 }
func (op *batchNormOp) WriteHash(h hash.Hash)     { fmt.Fprintf(h, "BatchNorm2d{eps=%v}", op.eps) }
func (op *batchNormOp) Hashcode() uint32          { return hashOf(op) }
func (op *batchNormOp) String() string            { return fmt.Sprintf("BatchNorm2d{eps=%v}", op.eps) }
func (op *batchNormOp) DiffWRT(inputs int) []bool { return []bool{true, true, true} }

func (op *batchNormOp) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(inputs) != 3 {
		return nil, fmt.Errorf("%v: want 3 input shapes, got %d", op, len(inputs))
	}
	s, ok := inputs[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("%v: want a tensor.Shape, got %T", op, inputs[0])
	}
	return s.Clone(), nil
}

func (op *batchNormOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return op.do(nil, inputs)
}

func (op *batchNormOp) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	if prealloc == nil {
		return nil, fmt.Errorf("%v: UsePreallocDo got a nil value", op)
	}
	return op.do(prealloc, inputs)
}

func (op *batchNormOp) do(prealloc gorgonia.Value, inputs []gorgonia.Value) (gorgonia.Value, error) {
	in, err := bnTensors(op, inputs, 3)
	if err != nil {
		return nil, err
	}
	x, scale, shift := in[0], in[1], in[2]
	g, err := bnCheck(op, x.Shape(), bnVector("scale", scale), bnVector("shift", shift))
	if err != nil {
		return nil, err
	}
	y, err := bnOutput(op, prealloc, x.Dtype(), x.Shape())
	if err != nil {
		return nil, err
	}
	err = bnCall(op, []tensor.Tensor{y, x, scale, shift},
		func(d [][]float32) { bnForward(d[0], d[1], d[2], d[3], g, op.eps) },
		func(d [][]float64) { bnForward(d[0], d[1], d[2], d[3], g, op.eps) })
	if err != nil {
		return nil, err
	}
	return y, nil
}

// SymDiff returns the gradients with respect to x, scale and shift, each
// one node of batchNormGradOp.
func (op *batchNormOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != 3 {
		return nil, fmt.Errorf("%v: SymDiff wants 3 inputs, got %d", op, len(inputs))
	}
	if grad == nil {
		return nil, fmt.Errorf("%v: SymDiff got a nil gradient", op)
	}
	x, scale := inputs[0], inputs[1]
	args := [3]gorgonia.Nodes{{x, scale, grad}, {x, grad}, {grad}}
	out := make(gorgonia.Nodes, 3)
	for wrt := range out {
		d, err := gorgonia.ApplyOp(&batchNormGradOp{eps: op.eps, wrt: wrt}, args[wrt]...)
		if err != nil {
			return nil, fmt.Errorf("%v: gradient with respect to %s: %w", op, bnInputNames[wrt], err)
		}
		out[wrt] = d
	}
	return out, nil
}

// DoDiff adds the gradients with respect to x, scale and shift into the
// inputs' gradients, from the gradient of the output.
func (op *batchNormOp) DoDiff(ctx gorgonia.ExecutionContext, inputs gorgonia.Nodes, output *gorgonia.Node) error {
	if len(inputs) != 3 {
		return fmt.Errorf("%v: DoDiff wants 3 inputs, got %d", op, len(inputs))
	}
	if output == nil || inputs[0] == nil || inputs[1] == nil || inputs[2] == nil {
		return fmt.Errorf("%v: DoDiff got a nil node", op)
	}
	dy, err := output.Grad()
	if err != nil {
		return fmt.Errorf("%v: gradient of the output: %w", op, err)
	}
	vals := []gorgonia.Value{inputs[0].Value(), inputs[1].Value(), dy}
	for wrt, in := range inputs {
		args := make([]gorgonia.Value, 0, 3)
		for _, i := range bnGradArgs[wrt] {
			args = append(args, vals[i])
		}
		d, err := (&batchNormGradOp{eps: op.eps, wrt: wrt}).Do(args...)
		if err != nil {
			return err
		}
		g, err := in.Grad()
		if err != nil {
			return fmt.Errorf("%v: gradient of %s: %w", op, bnInputNames[wrt], err)
		}
		if err := addInto(op, bnInputNames[wrt], g, d); err != nil {
			return err
		}
	}
	return nil
}

// bnInputNames names the inputs of batchNormOp.
var bnInputNames = [3]string{"x", "scale", "shift"}

// bnGradArgs are the batchNormOp inputs (0 x, 1 scale, 2 the output's
// gradient) that each batchNormGradOp takes.
var bnGradArgs = [3][]int{{0, 1, 2}, {0, 2}, {2}}

// addInto adds the tensor src into the gradient dst of the input name.
func addInto(op gorgonia.Op, name string, dst, src gorgonia.Value) error {
	d, ok := dst.(tensor.Tensor)
	if !ok {
		return fmt.Errorf("%v: the gradient of %s is a %T, want a tensor", op, name, dst)
	}
	s, ok := src.(tensor.Tensor)
	if !ok {
		return fmt.Errorf("%v: the gradient of %s was computed as a %T, want a tensor", op, name, src)
	}
	if d.RequiresIterator() {
		return fmt.Errorf("%v: the gradient of %s is a strided view, want contiguous memory", op, name)
	}
	if !d.Shape().Eq(s.Shape()) {
		return fmt.Errorf("%v: the gradient of %s has shape %v, want %v", op, name, d.Shape(), s.Shape())
	}
	return bnCall(op, []tensor.Tensor{d, s}, func(v [][]float32) { addSlice(v[0], v[1]) }, func(v [][]float64) { addSlice(v[0], v[1]) })
}

func addSlice[T float32 | float64](dst, src []T) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += v
	}
}

// bnTensors checks the arity and returns the inputs as contiguous tensors
// of one float dtype.
func bnTensors(op gorgonia.Op, inputs []gorgonia.Value, want int) ([]tensor.Tensor, error) {
	if len(inputs) != want {
		return nil, fmt.Errorf("%v: want %d inputs, got %d", op, want, len(inputs))
	}
	out := make([]tensor.Tensor, want)
	for i, v := range inputs {
		t, ok := v.(tensor.Tensor)
		if !ok {
			return nil, fmt.Errorf("%v: input %d is a %T, want a tensor", op, i, v)
		}
		if dt := t.Dtype(); dt != tensor.Float32 && dt != tensor.Float64 {
			return nil, fmt.Errorf("%v: input %d is %v, want float32 or float64", op, i, dt)
		}
		if i > 0 && t.Dtype() != out[0].Dtype() {
			return nil, fmt.Errorf("%v: input %d is %v, input 0 %v", op, i, t.Dtype(), out[0].Dtype())
		}
		out[i] = contiguous(t)
	}
	return out, nil
}

// bnArg is an input of a batch-norm op other than x: a vector of one value
// per channel, or a full tensor of x's shape.
type bnArg struct {
	name  string
	shape tensor.Shape
	full  bool
}

func bnVector(name string, t tensor.Tensor) bnArg { return bnArg{name: name, shape: t.Shape()} }
func bnFull(name string, t tensor.Tensor) bnArg {
	return bnArg{name: name, shape: t.Shape(), full: true}
}

// bnCheck returns the geometry of x after checking the shapes of the other
// inputs.
func bnCheck(op gorgonia.Op, x tensor.Shape, args ...bnArg) (bnGeometry, error) {
	if len(x) != 4 {
		return bnGeometry{}, fmt.Errorf("%v: x must have 4 dimensions (N, C, H, W), got shape %v", op, x)
	}
	for _, d := range x {
		if d <= 0 {
			return bnGeometry{}, fmt.Errorf("%v: x must have positive dimensions, got shape %v", op, x)
		}
	}
	for _, a := range args {
		if a.full && !a.shape.Eq(x) {
			return bnGeometry{}, fmt.Errorf("%v: %s must have x's shape %v, got %v", op, a.name, x, a.shape)
		}
		if !a.full && (len(a.shape) != 1 || a.shape[0] != x[1]) {
			return bnGeometry{}, fmt.Errorf("%v: %s must have shape (%d) for x of shape %v, got %v", op, a.name, x[1], x, a.shape)
		}
	}
	return bnGeometry{N: x[0], C: x[1], Plane: x[2] * x[3]}, nil
}

// bnOutput returns prealloc after checking it, or a new tensor.
func bnOutput(op gorgonia.Op, prealloc gorgonia.Value, dt tensor.Dtype, shape tensor.Shape) (tensor.Tensor, error) {
	if prealloc == nil {
		return tensor.New(tensor.Of(dt), tensor.WithShape(shape...)), nil
	}
	p, ok := prealloc.(tensor.Tensor)
	if !ok {
		return nil, fmt.Errorf("%v: want a preallocated tensor, got %T", op, prealloc)
	}
	if !p.Shape().Eq(shape) || p.Dtype() != dt || p.RequiresIterator() {
		return nil, fmt.Errorf("%v: preallocated %v of shape %v, want contiguous %v of shape %v", op, p.Dtype(), p.Shape(), dt, shape)
	}
	return p, nil
}

// bnCall runs f32 or f64 on the data of ts, which share one dtype.
func bnCall(op gorgonia.Op, ts []tensor.Tensor, f32 func([][]float32), f64 func([][]float64)) error {
	switch ts[0].Dtype() {
	case tensor.Float32:
		d, err := floatSlices[float32](op, ts)
		if err != nil {
			return err
		}
		f32(d)
	case tensor.Float64:
		d, err := floatSlices[float64](op, ts)
		if err != nil {
			return err
		}
		f64(d)
	default:
		return fmt.Errorf("%v: got %v, want float32 or float64", op, ts[0].Dtype())
	}
	return nil
}

func floatSlices[T float32 | float64](op gorgonia.Op, ts []tensor.Tensor) ([][]T, error) {
	out := make([][]T, len(ts))
	for i, t := range ts {
		d, ok := t.Data().([]T)
		if !ok || len(d) != t.Shape().TotalSize() {
			return nil, fmt.Errorf("%v: tensor %d of shape %v holds %T, want %d values of one dtype", op, i, t.Shape(), t.Data(), t.Shape().TotalSize())
		}
		out[i] = d
	}
	return out, nil
}
