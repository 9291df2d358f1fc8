package convtranspose_test

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// A transposed convolution with stride 2 doubles the size of an image: with
// a 3x3 kernel of ones, padding 1 and output padding 1, a 2x2 image becomes
// exactly 4x4. Each input pixel adds itself to the 3x3 block it reaches;
// where blocks overlap (the second row and column), the sums show it.
func ExampleConvTranspose2d() {
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float64, 4, G.WithShape(1, 1, 2, 2), G.WithName("x"),
		G.WithValue(tensor.New(tensor.WithShape(1, 1, 2, 2), tensor.WithBacking([]float64{1, 2, 3, 4}))))
	w := G.NewTensor(g, tensor.Float64, 4, G.WithShape(1, 1, 3, 3), G.WithName("w"),
		G.WithValue(tensor.New(tensor.WithShape(1, 1, 3, 3), tensor.WithBacking([]float64{1, 1, 1, 1, 1, 1, 1, 1, 1}))))
	y := G.Must(ct.ConvTranspose2d(x, w, ct.WithStride(2, 2), ct.WithPadding(1, 1), ct.WithOutputPadding(1, 1)))

	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Shape())
	fmt.Printf("%v", y.Value().Data())
	// Output:
	// (1, 1, 4, 4)
	// [1 3 2 2 4 10 6 6 3 7 4 4 3 7 4 4]
}

// OutputSizeRange tells which output sizes a stride-2 layer can produce from
// a 7-pixel input; WithOutputSize picks one of them.
func ExampleOutputSizeRange() {
	lo, hi := ct.OutputSizeRange(7, 4, 2, 1, 1, 1)
	fmt.Println(lo, hi)
	shape, err := ct.OutputShape(tensor.Shape{64, 128, 7, 7}, tensor.Shape{128, 64, 4, 4},
		ct.WithStride(2, 2), ct.WithPadding(1, 1), ct.WithOutputSize(15, 14))
	fmt.Println(shape, err)
	_, err = ct.OutputShape(tensor.Shape{64, 128, 7, 7}, tensor.Shape{128, 64, 4, 4},
		ct.WithStride(2, 2), ct.WithPadding(1, 1), ct.WithOutputSize(16, 14))
	fmt.Println(err)
	// Output:
	// 14 15
	// (64, 64, 15, 14) <nil>
	// ConvTranspose2d: requested output height 16 is not reachable from input height 7: valid sizes range from 14 to 15
}

// ONNX's auto_pad SAME_UPPER makes the output exactly stride times the
// input, whatever the kernel size.
func ExampleWithAutoPad() {
	for _, k := range []int{2, 3, 4, 5} {
		shape, _ := ct.OutputShape(tensor.Shape{1, 8, 5, 5}, tensor.Shape{8, 4, k, k},
			ct.WithStride(2, 2), ct.WithAutoPad(ct.AutoPadSameUpper))
		fmt.Println(k, shape)
	}
	// Output:
	// 2 (1, 4, 10, 10)
	// 3 (1, 4, 10, 10)
	// 4 (1, 4, 10, 10)
	// 5 (1, 4, 10, 10)
}
