package main

import (
	"fmt"
	"hash"
	"hash/fnv"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

var (
	_ G.SDOp = &xentOp{}
	_ G.Op   = &xentGradOp{}
)

// pixelCrossEntropy returns the mean, over every pixel of the batch, of the softmax cross-entropy of the
// logits (N, K, H, W) against the classes in labels (N·H·W values below K, image after image, row-major):
//
//	loss = Σ_p w[y_p] · (logsumexp_k logits[p, k] − logits[p, y_p]) / Σ_p w[y_p]
//
// which is PyTorch's cross_entropy with a per-class weight and reduction "mean". weights (length K) may
// be nil for equal weights. labels is read when the graph runs, not copied: refill it before each run.
//
// The loss is one node rather than a chain of Gorgonia's reductions and broadcasts: its gradient,
// w[y_p]·(softmax(logits[p]) − onehot(y_p)) / Σ w, is one pass over the logits.
func pixelCrossEntropy(logits *G.Node, labels []uint8, weights []float64) (*G.Node, error) {
	s := logits.Shape()
	if s.Dims() != 4 {
		return nil, fmt.Errorf("pixelCrossEntropy: logits have shape %v, want (N, K, H, W)", s)
	}
	if n := s[0] * s[2] * s[3]; len(labels) != n {
		return nil, fmt.Errorf("pixelCrossEntropy: %d labels for logits of shape %v (want %d)", len(labels), s, n)
	}
	if weights != nil && len(weights) != s[1] {
		return nil, fmt.Errorf("pixelCrossEntropy: %d class weights for %d classes", len(weights), s[1])
	}
	for k, w := range weights {
		if !(w >= 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("pixelCrossEntropy: class weight %d is %v, want a finite value ≥ 0", k, w)
		}
	}
	return G.ApplyOp(&xentOp{labels: labels, weights: weights, classes: s[1]}, logits)
}

// xentOp is the op of pixelCrossEntropy.
type xentOp struct {
	labels  []uint8
	weights []float64 // nil: all 1
	classes int
}

func (op *xentOp) Arity() int { return 1 }
func (op *xentOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(G.TensorType{Dims: 4, Of: a}, a)
}
func (op *xentOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return tensor.ScalarShape(), nil }
func (op *xentOp) ReturnsPtr() bool                               { return false }
func (op *xentOp) CallsExtern() bool                              { return false }
func (op *xentOp) OverwritesInput() int                           { return -1 }
func (op *xentOp) WriteHash(h hash.Hash)                          { writeXentHash(h, "PixelXent", op) }
func (op *xentOp) Hashcode() uint32                               { return hashOf(op) }
func (op *xentOp) String() string                                 { return fmt.Sprintf("PixelXent{K=%d}", op.classes) }
func (op *xentOp) DiffWRT(int) []bool                             { return []bool{true} }

func (op *xentOp) Do(inputs ...G.Value) (G.Value, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("%v: want 1 input, got %d", op, len(inputs))
	}
	switch d := inputs[0].Data().(type) {
	case []float32:
		loss, err := xent(d, nil, 0, op, inputs[0].Shape())
		return G.NewF32(float32(loss)), err
	case []float64:
		loss, err := xent(d, nil, 0, op, inputs[0].Shape())
		return G.NewF64(loss), err
	}
	return nil, fmt.Errorf("%v: logits are %T, want float32 or float64", op, inputs[0].Data())
}

// SymDiff returns the gradient node with respect to the logits.
func (op *xentOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("%v: SymDiff wants 1 input, got %d", op, len(inputs))
	}
	d, err := G.ApplyOp(&xentGradOp{op}, inputs[0], grad)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", op, err)
	}
	return G.Nodes{d}, nil
}

// xentGradOp computes scale·∂loss/∂logits from the logits and the scalar scale (the gradient flowing
// into the loss).
type xentGradOp struct{ *xentOp }

func (op *xentGradOp) Arity() int { return 2 }
func (op *xentGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t := G.TensorType{Dims: 4, Of: a}
	return hm.NewFnType(t, a, t)
}
func (op *xentGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("%v: want 2 input shapes, got %d", op, len(in))
	}
	s, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("%v: want a tensor.Shape, got %T", op, in[0])
	}
	return s.Clone(), nil
}
func (op *xentGradOp) WriteHash(h hash.Hash) { writeXentHash(h, "PixelXentGrad", op.xentOp) }
func (op *xentGradOp) Hashcode() uint32      { return hashOf(op) }
func (op *xentGradOp) String() string        { return fmt.Sprintf("PixelXentGrad{K=%d}", op.classes) }

func (op *xentGradOp) Do(inputs ...G.Value) (G.Value, error) {
	if len(inputs) != 2 {
		return nil, fmt.Errorf("%v: want 2 inputs, got %d", op, len(inputs))
	}
	scale, err := scalarOf(inputs[1])
	if err != nil {
		return nil, fmt.Errorf("%v: %w", op, err)
	}
	shape := inputs[0].Shape().Clone()
	switch d := inputs[0].Data().(type) {
	case []float32:
		g := make([]float32, len(d))
		_, err := xent(d, g, float32(scale), op.xentOp, shape)
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(g)), err
	case []float64:
		g := make([]float64, len(d))
		_, err := xent(d, g, scale, op.xentOp, shape)
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(g)), err
	}
	return nil, fmt.Errorf("%v: logits are %T, want float32 or float64", op, inputs[0].Data())
}

// xent returns the loss of logits (shape (N, K, H, W)) and, when grad is not nil, writes scale times
// its gradient into grad. Sums are taken in float64.
func xent[T ~float32 | ~float64](logits, grad []T, scale T, op *xentOp, shape tensor.Shape) (float64, error) {
	if shape.Dims() != 4 || shape[1] != op.classes {
		return 0, fmt.Errorf("%v: logits of shape %v, want (N, %d, H, W)", op, shape, op.classes)
	}
	n, k, plane := shape[0], shape[1], shape[2]*shape[3]
	if len(op.labels) != n*plane || len(logits) != n*k*plane {
		return 0, fmt.Errorf("%v: %d labels and %d logits for shape %v", op, len(op.labels), len(logits), shape)
	}
	weight := func(c uint8) float64 {
		if op.weights == nil {
			return 1
		}
		return op.weights[c]
	}
	var total, norm float64
	prob := make([]float64, k)
	for b := 0; b < n; b++ {
		img := logits[b*k*plane : (b+1)*k*plane]
		for p := 0; p < plane; p++ {
			y := op.labels[b*plane+p]
			if int(y) >= k {
				return 0, fmt.Errorf("%v: label %d at pixel %d of image %d, want < %d", op, y, p, b, k)
			}
			m := math.Inf(-1)
			for c := 0; c < k; c++ {
				m = max(m, float64(img[c*plane+p]))
			}
			var sum float64
			for c := 0; c < k; c++ {
				prob[c] = math.Exp(float64(img[c*plane+p]) - m)
				sum += prob[c]
			}
			w := weight(y)
			total += w * (m + math.Log(sum) - float64(img[int(y)*plane+p]))
			norm += w
			if grad == nil {
				continue
			}
			g := grad[b*k*plane : (b+1)*k*plane]
			for c := 0; c < k; c++ {
				g[c*plane+p] = T(w * prob[c] / sum)
			}
			g[int(y)*plane+p] -= T(w)
		}
	}
	if norm == 0 {
		return 0, nil // every pixel has weight 0: the loss and its gradient are 0
	}
	if grad != nil {
		f := scale / T(norm)
		for i := range grad {
			grad[i] *= f
		}
	}
	return total / norm, nil
}

// scalarOf returns the value of a scalar, or of a tensor holding one value.
func scalarOf(v G.Value) (float64, error) {
	switch x := v.Data().(type) {
	case float32:
		return float64(x), nil
	case float64:
		return x, nil
	case []float32:
		if len(x) == 1 {
			return float64(x[0]), nil
		}
	case []float64:
		if len(x) == 1 {
			return x[0], nil
		}
	}
	return 0, fmt.Errorf("want a scalar gradient, got %v of shape %v", v.Dtype(), v.Shape())
}

// writeXentHash writes everything that distinguishes two losses: the label buffer (by address: the
// labels change between runs) and the class weights.
func writeXentHash(h hash.Hash, name string, op *xentOp) {
	var addr *uint8
	if len(op.labels) > 0 {
		addr = &op.labels[0]
	}
	fmt.Fprintf(h, "%s{K=%d, labels=%p/%d, weights=%v}", name, op.classes, addr, len(op.labels), op.weights)
}

// hashOf is the Hashcode of an op: FNV-1a of what its WriteHash writes.
func hashOf(op G.Op) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}
