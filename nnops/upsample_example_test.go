package nnops_test

import (
	"fmt"
	"log"

	"github.com/gorgonia-ext/convtranspose/nnops"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// printRows prints a (1, 1, H, W) float64 value row by row.
func printRows(v gorgonia.Value) {
	s := v.Shape()
	data := v.Data().([]float64)
	for h := range s[2] {
		fmt.Println(data[h*s[3] : (h+1)*s[3]])
	}
}

// run evaluates the nodes of g on the TapeMachine.
func run(g *gorgonia.ExprGraph) {
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		log.Fatal(err)
	}
}

func ExampleUpsample2d() {
	g := gorgonia.NewGraph()
	x := gorgonia.NewTensor(g, tensor.Float64, 4, gorgonia.WithShape(1, 1, 2, 2), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(1, 1, 2, 2), tensor.WithBacking([]float64{1, 2, 3, 4}))))

	// nearest with the default scale of 2 per axis
	y, err := nnops.Upsample2d(x)
	if err != nil {
		log.Fatal(err)
	}
	run(g)
	printRows(y.Value())
	// Output:
	// [1 1 2 2]
	// [1 1 2 2]
	// [3 3 4 4]
	// [3 3 4 4]
}

func ExampleUpsample2d_bilinear() {
	g := gorgonia.NewGraph()
	x := gorgonia.NewTensor(g, tensor.Float64, 4, gorgonia.WithShape(1, 1, 2, 2), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(1, 1, 2, 2), tensor.WithBacking([]float64{1, 2, 3, 4}))))

	// PyTorch's default: pixels are unit squares, borders repeat
	half := gorgonia.Must(nnops.Upsample2d(x, nnops.WithMode(nnops.Bilinear), nnops.WithScale(2, 2)))
	// align_corners=True: the corner pixels keep their values
	corners := gorgonia.Must(nnops.Upsample2d(x, nnops.WithMode(nnops.Bilinear), nnops.WithAlignCorners(true), nnops.WithSize(3, 3)))
	run(g)
	printRows(half.Value())
	fmt.Println()
	printRows(corners.Value())
	// Output:
	// [1 1.25 1.75 2]
	// [1.5 1.75 2.25 2.5]
	// [2.5 2.75 3.25 3.5]
	// [3 3.25 3.75 4]
	//
	// [1 1.5 2]
	// [2 2.5 3]
	// [3 3.5 4]
}

// The gradient of an up-sampling adds the output gradient back onto the
// pixels each output value was read from.
func ExampleUpsample2d_gradient() {
	g := gorgonia.NewGraph()
	x := gorgonia.NewTensor(g, tensor.Float64, 4, gorgonia.WithShape(1, 1, 2, 2), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(1, 1, 2, 2), tensor.WithBacking([]float64{1, 2, 3, 4}))))
	y := gorgonia.Must(nnops.Upsample2d(x, nnops.WithScale(3, 2)))
	cost := gorgonia.Must(gorgonia.Sum(y))
	grads, err := gorgonia.Grad(cost, x)
	if err != nil {
		log.Fatal(err)
	}
	run(g)
	printRows(grads[0].Value()) // each input pixel was copied 3·2 times
	// Output:
	// [6 6]
	// [6 6]
}
