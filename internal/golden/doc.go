// Package golden reads the golden values that testdata/make_golden.py computes
// with PyTorch for the transposed convolution and the convolution.
//
// # The file
//
// testdata/convtranspose_golden.json holds a list of cases. Each case gives the
// parameters of one operation (see Case), its inputs x, w, b and a random
// cotangent r, and what PyTorch computed from them: the output y, the
// gradients dx, dw, db of L = Σ y·r, and the second-order gradients ggx, ggw,
// ggb of P = Σ dx² + Σ dw² + Σ db² (dx, dw, db taken with create_graph=True).
//
// There are three kinds of case:
//
//   - KindTorch: nn.ConvTranspose2d, with PyTorch's symmetric padding,
//     output_padding and the output_size argument of its forward method.
//   - KindONNX: ONNX ConvTranspose, with asymmetric pads, auto_pad and
//     output_shape; ResolvedPads gives the pads that the spec's rules yield.
//   - KindConv2d: F.conv2d, the forward convolution.
//
// Every value was computed by torch; nothing here was produced by this module.
// The tests of this package check the file against the shape formulas and
// against a naive loop over the connections of each operation.
//
// # Use
//
//	f, err := golden.Load("testdata/convtranspose_golden.json")
//	...
//	for _, c := range f.Cases {
//		dt, _ := c.Dtype()
//		x, _ := c.X.Dense(dt)
//		...
//		if err := golden.Check(c.Y, got, c.Tolerance); err != nil { ... }
//	}
package golden
