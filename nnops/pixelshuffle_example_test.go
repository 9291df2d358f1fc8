package nnops_test

import (
	"fmt"

	"github.com/gorgonia-ext/convtranspose/nnops"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func ExamplePixelShuffle() {
	g := gorgonia.NewGraph()
	// four channels of 1×2 become one channel of 2×4
	x := gorgonia.NewTensor(g, tensor.Float64, 4, gorgonia.WithShape(1, 4, 1, 2), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(1, 4, 1, 2), tensor.WithBacking([]float64{
			1, 2, // channel 0: top-left of each 2×2 block
			10, 20, // channel 1: top-right
			100, 200, // channel 2: bottom-left
			1000, 2000, // channel 3: bottom-right
		}))))
	y := gorgonia.Must(nnops.PixelShuffle(x, 2))
	back := gorgonia.Must(nnops.PixelUnshuffle(y, 2))
	run(g)
	fmt.Println(y.Shape())
	printRows(y.Value())
	fmt.Println(back.Value().Data())
	// Output:
	// (1, 1, 2, 4)
	// [1 10 2 20]
	// [100 1000 200 2000]
	// [1 2 10 20 100 200 1000 2000]
}
