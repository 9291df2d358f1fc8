package main

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// bnEps is added to the variance before its square root, PyTorch's default.
const bnEps = 1e-5

var (
	_ G.SDOp = bnOp{}
	_ G.Op   = bnGradOp{}
)

// batchNorm normalises x (N, C, H, W) per channel with the mean and the (biased) variance of the batch,
// then scales and shifts it by scale and shift (both (C)):
//
//	y = (x − mean) / √(var + 1e-5) · scale + shift
//
// as PyTorch's BatchNorm2d does in training mode, gradients flowing through the statistics. It is one
// node, and its gradient three (with respect to x, scale and shift): composed of Gorgonia's reductions
// and broadcasts, the same normalisation doubled the time of a training step, the broadcasts copying
// their operands to full size.
//
// The model uses batch statistics when it predicts as well (no running averages), so a prediction
// depends a little on the other images of its batch; evaluation batches of 25 held-out images keep that
// small.
func batchNorm(x, scale, shift *G.Node) (*G.Node, error) {
	s := x.Shape()
	if s.Dims() != 4 {
		return nil, fmt.Errorf("batchNorm: x has shape %v, want (N, C, H, W)", s)
	}
	for _, p := range []*G.Node{scale, shift} {
		if p.Shape().Dims() != 1 || p.Shape()[0] != s[1] {
			return nil, fmt.Errorf("batchNorm: %s has shape %v, want (%d)", p.Name(), p.Shape(), s[1])
		}
	}
	return G.ApplyOp(bnOp{}, x, scale, shift)
}

// bnOp is the op of batchNorm: inputs x, scale, shift.
type bnOp struct{}

func (bnOp) Arity() int { return 3 }
func (bnOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t4, t1 := G.TensorType{Dims: 4, Of: a}, G.TensorType{Dims: 1, Of: a}
	return hm.NewFnType(t4, t1, t1, t4)
}
func (bnOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) { return firstShape("BatchNorm", in) }
func (bnOp) ReturnsPtr() bool                                  { return false }
func (bnOp) CallsExtern() bool                                 { return false }
func (bnOp) OverwritesInput() int                              { return -1 }
func (op bnOp) WriteHash(h hash.Hash)                          { fmt.Fprintf(h, "BatchNorm{eps=%g}", bnEps) }
func (op bnOp) Hashcode() uint32                               { return hashOf(op) }
func (bnOp) String() string                                    { return "BatchNorm" }
func (bnOp) DiffWRT(int) []bool                                { return []bool{true, true, true} }

func (op bnOp) Do(in ...G.Value) (G.Value, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("%v: want 3 inputs, got %d", op, len(in))
	}
	return bnRun(op, in[0], in[1], in[2], nil, bnForward[float32], bnForward[float64])
}

// SymDiff returns the gradients with respect to x, scale and shift.
func (op bnOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if len(inputs) != 3 {
		return nil, fmt.Errorf("%v: SymDiff wants 3 inputs, got %d", op, len(inputs))
	}
	out := make(G.Nodes, 3)
	for i := range out {
		var err error
		if out[i], err = G.ApplyOp(bnGradOp{wrt: i}, inputs[0], inputs[1], grad); err != nil {
			return nil, fmt.Errorf("%v: %w", op, err)
		}
	}
	return out, nil
}

// bnGradOp computes one gradient of batchNorm from x, scale and the output gradient dy: with respect to
// x (wrt 0), scale (1) or shift (2). With x̂ the normalised x, σ⁻¹ = 1/√(var + ε) and M = N·H·W,
//
//	d shift = Σ dy,   d scale = Σ dy·x̂,   dx = scale·σ⁻¹·(dy − d shift/M − x̂·d scale/M)
type bnGradOp struct{ wrt int }

func (bnGradOp) Arity() int { return 3 }
func (op bnGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t4, t1 := G.TensorType{Dims: 4, Of: a}, G.TensorType{Dims: 1, Of: a}
	if op.wrt == 0 {
		return hm.NewFnType(t4, t1, t4, t4)
	}
	return hm.NewFnType(t4, t1, t4, t1)
}
func (op bnGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if op.wrt == 0 {
		return firstShape(op.String(), in)
	}
	if len(in) != 3 {
		return nil, fmt.Errorf("%v: want 3 input shapes, got %d", op, len(in))
	}
	s, ok := in[1].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("%v: want a tensor.Shape, got %T", op, in[1])
	}
	return s.Clone(), nil
}
func (bnGradOp) ReturnsPtr() bool     { return false }
func (bnGradOp) CallsExtern() bool    { return false }
func (bnGradOp) OverwritesInput() int { return -1 }
func (op bnGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "BatchNormGrad{wrt=%d, eps=%g}", op.wrt, bnEps)
}
func (op bnGradOp) Hashcode() uint32 { return hashOf(op) }
func (op bnGradOp) String() string   { return fmt.Sprintf("BatchNormGrad{wrt=%d}", op.wrt) }

func (op bnGradOp) Do(in ...G.Value) (G.Value, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("%v: want 3 inputs, got %d", op, len(in))
	}
	return bnRun(op, in[0], in[1], nil, in[2], bnBackward[float32](op.wrt), bnBackward[float64](op.wrt))
}

// firstShape returns a copy of the first of the input shapes.
func firstShape(name string, in []G.DimSizer) (tensor.Shape, error) {
	if len(in) == 0 {
		return nil, fmt.Errorf("%s: no input shapes", name)
	}
	s, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("%s: want a tensor.Shape, got %T", name, in[0])
	}
	return s.Clone(), nil
}

// bnKernel computes a batch-norm output from x, scale and shift or dy, given the geometry; it returns
// the output's values.
type bnKernel[T float32 | float64] func(x, scale, other []T, n, c, plane int) []T

// bnRun checks the inputs and dispatches on the element type. other is shift (forward) or dy (backward).
func bnRun(op G.Op, x, scale, shift, dy G.Value, f32 bnKernel[float32], f64 bnKernel[float64]) (G.Value, error) {
	other := shift
	if other == nil {
		other = dy
	}
	s := x.Shape()
	if s.Dims() != 4 || scale.Shape().TotalSize() != s[1] {
		return nil, fmt.Errorf("%v: x of shape %v and scale of shape %v", op, s, scale.Shape())
	}
	n, c, plane := s[0], s[1], s[2]*s[3]
	var out any
	var shape tensor.Shape
	switch xd := x.Data().(type) {
	case []float32:
		sd, ok1 := scale.Data().([]float32)
		od, ok2 := other.Data().([]float32)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%v: inputs of mixed types", op)
		}
		r := f32(xd, sd, od, n, c, plane)
		out, shape = r, shapeOf(len(r), s)
	case []float64:
		sd, ok1 := scale.Data().([]float64)
		od, ok2 := other.Data().([]float64)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%v: inputs of mixed types", op)
		}
		r := f64(xd, sd, od, n, c, plane)
		out, shape = r, shapeOf(len(r), s)
	default:
		return nil, fmt.Errorf("%v: x is %v, want float32 or float64", op, x.Dtype())
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(out)), nil
}

// shapeOf is s when n values fill it, else the vector (n).
func shapeOf(n int, s tensor.Shape) tensor.Shape {
	if n == s.TotalSize() {
		return s.Clone()
	}
	return tensor.Shape{n}
}

// bnStats returns each channel's mean and 1/√(var + ε).
func bnStats[T float32 | float64](x []T, n, c, plane int) (mean, inv []float64) {
	mean, inv = make([]float64, c), make([]float64, c)
	m := float64(n * plane)
	for ch := 0; ch < c; ch++ {
		var sum float64
		for b := 0; b < n; b++ {
			for _, v := range x[(b*c+ch)*plane : (b*c+ch+1)*plane] {
				sum += float64(v)
			}
		}
		mu := sum / m
		var sq float64
		for b := 0; b < n; b++ {
			for _, v := range x[(b*c+ch)*plane : (b*c+ch+1)*plane] {
				d := float64(v) - mu
				sq += d * d
			}
		}
		mean[ch], inv[ch] = mu, 1/math.Sqrt(sq/m+bnEps)
	}
	return mean, inv
}

func bnForward[T float32 | float64](x, scale, shift []T, n, c, plane int) []T {
	mean, inv := bnStats(x, n, c, plane)
	y := make([]T, len(x))
	for b := 0; b < n; b++ {
		for ch := 0; ch < c; ch++ {
			g, mu, sh := inv[ch]*float64(scale[ch]), mean[ch], float64(shift[ch])
			off := (b*c + ch) * plane
			for i, v := range x[off : off+plane] {
				y[off+i] = T((float64(v)-mu)*g + sh)
			}
		}
	}
	return y
}

func bnBackward[T float32 | float64](wrt int) bnKernel[T] {
	return func(x, scale, dy []T, n, c, plane int) []T {
		mean, inv := bnStats(x, n, c, plane)
		dShift, dScale := make([]float64, c), make([]float64, c)
		for b := 0; b < n; b++ {
			for ch := 0; ch < c; ch++ {
				off := (b*c + ch) * plane
				for i, v := range x[off : off+plane] {
					g := float64(dy[off+i])
					dShift[ch] += g
					dScale[ch] += g * (float64(v) - mean[ch]) * inv[ch]
				}
			}
		}
		switch wrt {
		case 1:
			return convert[T](dScale)
		case 2:
			return convert[T](dShift)
		}
		dx := make([]T, len(x))
		m := float64(n * plane)
		for b := 0; b < n; b++ {
			for ch := 0; ch < c; ch++ {
				k := float64(scale[ch]) * inv[ch]
				ms, mg := dShift[ch]/m, dScale[ch]/m
				off := (b*c + ch) * plane
				for i, v := range x[off : off+plane] {
					xh := (float64(v) - mean[ch]) * inv[ch]
					dx[off+i] = T(k * (float64(dy[off+i]) - ms - xh*mg))
				}
			}
		}
		return dx
	}
}

func convert[T float32 | float64](v []float64) []T {
	out := make([]T, len(v))
	for i, x := range v {
		out[i] = T(x)
	}
	return out
}
