package convtranspose_test

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// A stride-2 transposed convolution spreads each pixel over three outputs.
// The first pixel's leftmost contribution lands in the padding, left of the
// image: zeros drops it, circular wraps it onto the last pixel, as on a
// ring; reflect adds it onto the mirror pixel (the second), replicate onto
// the edge pixel. Each is the adjoint of Conv2d with the same mode.
func ExampleWithPaddingMode() {
	for _, mode := range []ct.PaddingMode{ct.PaddingZeros, ct.PaddingCircular, ct.PaddingReflect, ct.PaddingReplicate} {
		g := G.NewGraph()
		x := G.NewTensor(g, tensor.Float64, 4, G.WithShape(1, 1, 1, 3), G.WithName("x"),
			G.WithValue(tensor.New(tensor.WithShape(1, 1, 1, 3), tensor.WithBacking([]float64{1, 0, 0}))))
		w := G.NewTensor(g, tensor.Float64, 4, G.WithShape(1, 1, 1, 3), G.WithName("w"),
			G.WithValue(tensor.New(tensor.WithShape(1, 1, 1, 3), tensor.WithBacking([]float64{1, 1, 1}))))
		y, err := ct.ConvTranspose2d(x, w, ct.WithStride(1, 2), ct.WithPadding(0, 1), ct.WithOutputSize(1, 6),
			ct.WithPaddingMode(mode))
		if err != nil {
			fmt.Println(err)
			return
		}
		m := G.NewTapeMachine(g)
		if err := m.RunAll(); err != nil {
			fmt.Println(err)
		}
		m.Close()
		fmt.Printf("%-9v %v\n", mode, y.Value().Data())
	}
	// Output:
	// zeros     [1 1 0 0 0 0]
	// circular  [1 1 0 0 0 1]
	// reflect   [1 2 0 0 0 0]
	// replicate [2 1 0 0 0 0]
}
