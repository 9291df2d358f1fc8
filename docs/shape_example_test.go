package docs_test

import (
	"fmt"
	"log"

	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// The generator of examples/dcgan grows a noise vector into a 28x28 image
// with three transposed convolutions; a segmentation decoder brings a
// feature map back to the input's resolution the same way.
func Example_whereItIsUsed() {
	layers := []struct {
		name   string
		filter tensor.Shape
		opts   []ct.Option
	}{
		{"k7", tensor.Shape{100, 128, 7, 7}, nil},
		{"k4 s2 p1", tensor.Shape{128, 64, 4, 4}, []ct.Option{ct.WithStride(2, 2), ct.WithPadding(1, 1)}},
		{"k4 s2 p1", tensor.Shape{64, 1, 4, 4}, []ct.Option{ct.WithStride(2, 2), ct.WithPadding(1, 1)}},
	}
	shape := tensor.Shape{64, 100, 1, 1}
	fmt.Println("generator input", shape)
	for _, l := range layers {
		var err error
		if shape, err = ct.OutputShape(shape, l.filter, l.opts...); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("  %-8s → %v\n", l.name, shape)
	}
	// A decoder step: 21 class scores at 1/8 of a 256x256 image, up 8x.
	decoded, err := ct.OutputShape(tensor.Shape{1, 21, 32, 32}, tensor.Shape{21, 21, 16, 16},
		ct.WithStride(8, 8), ct.WithPadding(4, 4))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("decoder (1, 21, 32, 32) k16 s8 p4 →", decoded)
	// Output:
	// generator input (64, 100, 1, 1)
	//   k7       → (64, 128, 7, 7)
	//   k4 s2 p1 → (64, 64, 14, 14)
	//   k4 s2 p1 → (64, 1, 28, 28)
	// decoder (1, 21, 32, 32) k16 s8 p4 → (1, 21, 256, 256)
}

// With stride 2, a convolution maps inputs of two sizes to the same output
// size, so the transposed convolution, going back, must be told which one
// to produce: output padding or an explicit output size chooses.
func Example_outputSize() {
	const k, s, p = 4, 2, 1
	for in := 13; in <= 16; in++ {
		fmt.Printf("Conv2d k%d s%d p%d: %d → %d\n", k, s, p, in, ct.ConvOutputSize(in, k, s, p, p, 1))
	}
	lo, hi := ct.OutputSizeRange(7, k, s, p, p, 1)
	fmt.Printf("ConvTranspose2d from 7 can give %d to %d\n", lo, hi)

	x, w := tensor.Shape{1, 8, 7, 7}, tensor.Shape{8, 4, k, k}
	for _, opts := range [][]ct.Option{
		{},
		{ct.WithOutputPadding(1, 1)},
		{ct.WithOutputSize(15, 14)},
		{ct.WithOutputSize(16, 16)},
	} {
		shape, err := ct.OutputShape(x, w, append(opts, ct.WithStride(s, s), ct.WithPadding(p, p))...)
		fmt.Println(shape, err)
	}
	// Output:
	// Conv2d k4 s2 p1: 13 → 6
	// Conv2d k4 s2 p1: 14 → 7
	// Conv2d k4 s2 p1: 15 → 7
	// Conv2d k4 s2 p1: 16 → 8
	// ConvTranspose2d from 7 can give 14 to 15
	// (1, 4, 14, 14) <nil>
	// (1, 4, 15, 15) <nil>
	// (1, 4, 15, 14) <nil>
	// () ConvTranspose2d: requested output height 16 is not reachable from input height 7: valid sizes range from 14 to 15
}
