package nnops_test

import (
	"fmt"
	"log"

	"github.com/gorgonia-ext/convtranspose/nnops"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func ExampleICNR() {
	// a 1×1 filter from one input channel to one output channel, expanded
	// for a sub-pixel convolution with factor 2: four copies of the kernel
	w, err := nnops.ICNR([]float64{10}, tensor.Shape{1, 1, 1, 1}, 2)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("filter (4, 1, 1, 1):", w)

	g := gorgonia.NewGraph()
	x := gorgonia.NewTensor(g, tensor.Float64, 4, gorgonia.WithShape(1, 1, 2, 2), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(1, 1, 2, 2), tensor.WithBacking([]float64{1, 2, 3, 4}))))
	wn := gorgonia.NewTensor(g, tensor.Float64, 4, gorgonia.WithShape(4, 1, 1, 1), gorgonia.WithName("w"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(4, 1, 1, 1), tensor.WithBacking(w))))
	conv, err := nnops.Conv2d(x, wn)
	if err != nil {
		log.Fatal(err)
	}
	y, err := nnops.PixelShuffle(conv, 2)
	if err != nil {
		log.Fatal(err)
	}
	run(g)
	// every 2×2 block is constant: nearest-neighbour up-sampling of 10·x
	printRows(y.Value())
	// Output:
	// filter (4, 1, 1, 1): [10 10 10 10]
	// [10 10 20 20]
	// [10 10 20 20]
	// [30 30 40 40]
	// [30 30 40 40]
}
