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
	_ gorgonia.Op              = &pixelShuffleOp{}
	_ gorgonia.SDOp            = &pixelShuffleOp{}
	_ gorgonia.ADOp            = &pixelShuffleOp{}
	_ gorgonia.UsePreallocDoer = &pixelShuffleOp{}
)

// PixelShuffle rearranges x of shape (N, C·r², H, W) into (N, C, H·r, W·r),
// exactly as PyTorch's pixel_shuffle:
//
//	y[n, c, h·r+i, w·r+j] = x[n, c·r²+i·r+j, h, w]
//
// It is the sub-pixel convolution's up-sampling step (Shi et al., 2016): a
// convolution to C·r² channels followed by PixelShuffle up-samples without
// the uneven overlap of a transposed convolution. Its gradient is
// PixelUnshuffle, and PixelUnshuffle's is PixelShuffle, so the result is
// differentiable any number of times. x must be float32 or float64 with
// positive dimensions, and r at least 1.
func PixelShuffle(x *gorgonia.Node, r int) (*gorgonia.Node, error) {
	return applyShuffle("PixelShuffle", x, r, false)
}

// PixelUnshuffle is the inverse of PixelShuffle, PyTorch's pixel_unshuffle:
// it rearranges x of shape (N, C, H·r, W·r) into (N, C·r², H, W).
func PixelUnshuffle(x *gorgonia.Node, r int) (*gorgonia.Node, error) {
	return applyShuffle("PixelUnshuffle", x, r, true)
}

func applyShuffle(fn string, x *gorgonia.Node, r int, unshuffle bool) (*gorgonia.Node, error) {
	if err := checkNode(fn, x); err != nil {
		return nil, err
	}
	if r < 1 {
		return nil, fmt.Errorf("nnops: %s: factor r must be at least 1, got %d", fn, r)
	}
	op := &pixelShuffleOp{r: r, unshuffle: unshuffle}
	if _, err := op.geometry(x.Shape()); err != nil {
		return nil, fmt.Errorf("nnops: %s: %w", fn, err)
	}
	y, err := gorgonia.ApplyOp(op, x)
	if err != nil {
		return nil, fmt.Errorf("nnops: %s: %w", fn, err)
	}
	return y, nil
}

// pixelShuffleOp is PixelShuffle, or PixelUnshuffle when unshuffle is set.
// The two are permutations, each the other's inverse and transpose.
type pixelShuffleOp struct {
	r         int
	unshuffle bool
}

func (op *pixelShuffleOp) name() string {
	if op.unshuffle {
		return "PixelUnshuffle"
	}
	return "PixelShuffle"
}

// geometry describes the shuffle whose input has shape in.
func (op *pixelShuffleOp) geometry(in tensor.Shape) (resample.Shuffle, error) {
	r := op.r
	if len(in) != 4 {
		return resample.Shuffle{}, fmt.Errorf("want a 4-D input (N, C, H, W), got shape %v", in)
	}
	if r < 1 {
		return resample.Shuffle{}, fmt.Errorf("factor r must be at least 1, got %d", r)
	}
	n, c, h, w := in[0], in[1], in[2], in[3]
	if op.unshuffle {
		if h%r != 0 || w%r != 0 {
			return resample.Shuffle{}, fmt.Errorf("height and width must be multiples of r=%d, got shape %v", r, in)
		}
		return resample.Shuffle{N: n, C: c, H: h / r, W: w / r, R: r}, nil
	}
	if c%(r*r) != 0 {
		return resample.Shuffle{}, fmt.Errorf("channels must be a multiple of r²=%d, got shape %v", r*r, in)
	}
	return resample.Shuffle{N: n, C: c / (r * r), H: h, W: w, R: r}, nil
}

func (op *pixelShuffleOp) Arity() int                { return 1 }
func (op *pixelShuffleOp) Type() hm.Type             { return linearType() }
func (op *pixelShuffleOp) ReturnsPtr() bool          { return false }
func (op *pixelShuffleOp) CallsExtern() bool         { return false }
func (op *pixelShuffleOp) OverwritesInput() int      { return -1 }
func (op *pixelShuffleOp) WriteHash(h hash.Hash)     { fmt.Fprintf(h, "%s{r=%d}", op.name(), op.r) }
func (op *pixelShuffleOp) Hashcode() uint32          { return hashOf(op) }
func (op *pixelShuffleOp) String() string            { return fmt.Sprintf("%s{r=%d}", op.name(), op.r) }
func (op *pixelShuffleOp) DiffWRT(inputs int) []bool { return []bool{true} }
func (op *pixelShuffleOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	return doLinear(op, nil, inputs)
}

func (op *pixelShuffleOp) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	return inferLinearShape(op, inputs)
}

func (op *pixelShuffleOp) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	if prealloc == nil {
		return nil, fmt.Errorf("%v: UsePreallocDo got a nil value", op)
	}
	return doLinear(op, prealloc, inputs)
}

func (op *pixelShuffleOp) outShape(in tensor.Shape) (tensor.Shape, error) {
	s, err := op.geometry(in)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", op, err)
	}
	if op.unshuffle {
		return tensor.Shape{s.N, s.C * s.R * s.R, s.H, s.W}, nil
	}
	return tensor.Shape{s.N, s.C, s.H * s.R, s.W * s.R}, nil
}

func (op *pixelShuffleOp) kernel(in tensor.Shape) (linearKernel, error) {
	s, err := op.geometry(in)
	if err != nil {
		return linearKernel{}, fmt.Errorf("%v: %w", op, err)
	}
	if op.unshuffle {
		return linearKernel{
			f32: func(dst, src []float32) error { return resample.ToDeep(dst, src, s) },
			f64: func(dst, src []float64) error { return resample.ToDeep(dst, src, s) },
		}, nil
	}
	return linearKernel{
		f32: func(dst, src []float32) error { return resample.ToWide(dst, src, s) },
		f64: func(dst, src []float64) error { return resample.ToWide(dst, src, s) },
	}, nil
}

// inverse is the other op of the pair: the derivative of a permutation is
// its transpose, here its inverse.
func (op *pixelShuffleOp) inverse() *pixelShuffleOp {
	return &pixelShuffleOp{r: op.r, unshuffle: !op.unshuffle}
}

// SymDiff returns the inverse shuffle of the output gradient.
func (op *pixelShuffleOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	return symDiff(op, op.inverse(), inputs, grad)
}

// DoDiff adds the inverse shuffle of the output's gradient into the input's
// gradient.
func (op *pixelShuffleOp) DoDiff(ctx gorgonia.ExecutionContext, inputs gorgonia.Nodes, output *gorgonia.Node) error {
	return addDiff(op, op.inverse(), inputs, output)
}
