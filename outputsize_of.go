package convtranspose

import (
	"fmt"

	"gorgonia.org/gorgonia"
)

// WithOutputSizeOf asks ConvTranspose2d for an output whose height and
// width are those of n (dimensions 2 and 3 of its 4-D shape), with the
// semantics of WithOutputSize: the padding stays as set and the output
// padding is chosen to reach the size. An error names both sizes and the
// reachable range (see OutputSizeRange) when no output padding can.
//
// n is the node whose size must come back: the input of the convolution
// that the transposed convolution undoes, or an encoder feature map that a
// U-Net decoder concatenates with. With stride 2, convolutions map inputs
// of 14 and 15 rows alike to 7, and the transposed convolution cannot tell
// which one to give back; WithOutputSizeOf(input) picks the right one for
// every input size, odd or even:
//
//	h, _ := Conv2d(x, wDown, WithStride(2, 2), WithPadding(1, 1))
//	y, _ := ConvTranspose2d(h, wUp, WithStride(2, 2), WithPadding(1, 1), WithOutputSizeOf(x))
//
// Pass the convolution's input, not the convolution's output: a node's own
// size is what is asked for, whatever op made it, because a decoder that
// matches the size of a convolution's output (a skip connection taken after
// the convolution) is as common as one that undoes it.
//
// Only n's shape is read, when the node is built; n gains no edge in the
// graph and may belong to another graph. n must be 4-D. WithOutputSizeOf
// replaces an earlier WithOutputSize, and a later WithOutputSize replaces
// it; it cannot be combined with WithOutputPadding, WithOutputShape or a
// SAME auto pad, and Conv2d rejects it as it rejects WithOutputSize.
func WithOutputSizeOf(n *gorgonia.Node) Option {
	return func(c *config) {
		c.sizeOf, c.hasSizeOf, c.hasOutputSize = n, true, true
		c.outputSize = [2]int{}
		if n != nil && n.Shape().Dims() == 4 {
			s := n.Shape()
			c.outputSize = [2]int{s[2], s[3]}
		}
	}
}

// checkSizeOf validates the node given to WithOutputSizeOf.
func (c *config) checkSizeOf(fn string) error {
	if !c.hasSizeOf {
		return nil
	}
	if c.sizeOf == nil {
		return shapeError(fn, "the node given to WithOutputSizeOf is nil")
	}
	if s := c.sizeOf.Shape(); s.Dims() != 4 {
		return shapeError(fn, "the node %s given to WithOutputSizeOf must be 4-D (N, C, H, W), got shape %v", c.sizeOf.Name(), s)
	}
	return nil
}

// sizeOfNote says, in an error about the output size along axis a, where
// the size came from: empty for WithOutputSize.
func (c *config) sizeOfNote(a int) string {
	if !c.hasSizeOf || c.sizeOf == nil {
		return ""
	}
	return fmt.Sprintf(" (the %s of %s, shape %v, from WithOutputSizeOf)", axes[a], c.sizeOf.Name(), c.sizeOf.Shape())
}
