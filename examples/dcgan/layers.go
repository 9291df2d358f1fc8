package main

import (
	G "gorgonia.org/gorgonia"

	"github.com/gorgonia-ext/convtranspose/nnops"
)

// batchNorm normalises x (N, C, H, W) per channel with the statistics of the batch, then scales and shifts
// it by scale and shift (both (C)), as PyTorch's BatchNorm2d does in training mode:
//
//	y = (x − mean) / sqrt(var + 1e-5) · scale + shift
//
// It is nnops.BatchNorm2d: one node, whose gradients are one node each. Gorgonia's own BatchNorm (v0.9.18)
// is a stateful op that keeps its statistics inside the op, so it cannot be shared by the two graphs of the
// training loop (each would keep its own running averages). Built from Gorgonia's reductions and
// broadcasts instead, batch norm took about a fifth of a training step, every broadcast copying the
// per-channel statistics to full size; and the reciprocal of the standard deviation must then be a Sqrt
// and a division, not gorgonia.InverseSqrt: in v0.9.18 the symbolic derivative of InverseSqrt divides the
// incoming gradient by 2y³ where it should multiply by y³/2, so gradients through it are wrong (the test
// against PyTorch catches it). Like PyTorch's DCGAN, the generator also uses batch statistics when it
// draws samples.
func batchNorm(x, scale, shift *G.Node) (*G.Node, error) {
	return nnops.BatchNorm2d(x, scale, shift)
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
