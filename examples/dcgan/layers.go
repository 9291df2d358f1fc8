package main

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// batchNorm normalises x (N, C, H, W) per channel with the statistics of the batch, then scales and shifts
// it by scale and shift (both (1, C, 1, 1)):
//
//	y = (x − mean) / sqrt(var + eps) · scale + shift
//
// It is built from basic, differentiable operations. Gorgonia's own BatchNorm (v0.9.18) is a stateful op
// that keeps its statistics inside the op, so it cannot be shared by the two graphs of the training loop
// (each would keep its own running averages). Like PyTorch's DCGAN, the generator also uses batch
// statistics when it draws samples.
//
// The reciprocal of the standard deviation is a Sqrt and a division, not gorgonia.InverseSqrt: in
// v0.9.18 the symbolic derivative of InverseSqrt divides the incoming gradient by 2y³ where it should
// multiply by y³/2, so gradients through it are wrong (the test against PyTorch catches it).
func batchNorm(x, scale, shift *G.Node, eps float32) (*G.Node, error) {
	s := x.Shape()
	if s.Dims() != 4 {
		return nil, fmt.Errorf("batchNorm: x has shape %v, want (N, C, H, W)", s)
	}
	perChannel := tensor.Shape{1, s[1], 1, 1}
	bc := []byte{0, 2, 3} // broadcast the per-channel statistics along batch, height and width
	mean, err := G.Mean(x, 0, 2, 3)
	if err != nil {
		return nil, err
	}
	if mean, err = G.Reshape(mean, perChannel); err != nil {
		return nil, err
	}
	xc, err := G.BroadcastSub(x, mean, nil, bc)
	if err != nil {
		return nil, err
	}
	sq, err := G.Square(xc)
	if err != nil {
		return nil, err
	}
	variance, err := G.Mean(sq, 0, 2, 3)
	if err != nil {
		return nil, err
	}
	sd, err := G.Add(variance, G.NewConstant(eps))
	if err != nil {
		return nil, err
	}
	if sd, err = G.Sqrt(sd); err != nil {
		return nil, err
	}
	if sd, err = G.Reshape(sd, perChannel); err != nil {
		return nil, err
	}
	gain, err := G.HadamardDiv(scale, sd) // (1, C, 1, 1): one multiplication of x instead of two
	if err != nil {
		return nil, err
	}
	y, err := G.BroadcastHadamardProd(xc, gain, nil, bc)
	if err != nil {
		return nil, err
	}
	return G.BroadcastAdd(y, shift, nil, bc)
}

// leakyReLU returns max(x, alpha·x) for 0 < alpha < 1.
//
// Gorgonia's LeakyRelu builds it from two comparisons, three products and a sum over the whole tensor;
// max(x, alpha·x) needs one product and one MaxBetween, whose gradient goes to the larger argument.
func leakyReLU(x *G.Node, alpha float32) (*G.Node, error) {
	ax, err := G.HadamardProd(x, G.NewConstant(alpha))
	if err != nil {
		return nil, err
	}
	return G.MaxBetween(x, ax)
}

// meanSoftplus returns mean(softplus(sign·logits)): the binary cross-entropy of sigmoid(logits) with
// target 1 when sign is −1 and target 0 when sign is +1, computed without forming the sigmoid
// (log(1 + e^l) is stable for large |l|, log(sigmoid(l)) is not).
func meanSoftplus(logits *G.Node, sign float32) (*G.Node, error) {
	x := logits
	if sign < 0 {
		var err error
		if x, err = G.Neg(logits); err != nil {
			return nil, err
		}
	}
	sp, err := G.Softplus(x)
	if err != nil {
		return nil, err
	}
	return G.Mean(sp)
}
