package nnops_test

import (
	"fmt"

	"github.com/gorgonia-ext/convtranspose/nnops"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func ExampleBatchNorm2d() {
	g := gorgonia.NewGraph()
	// two images of two channels of 1×2 pixels: channel 0 holds 1, 2, 3, 4
	// (mean 2.5, variance 1.25), channel 1 the constant 10
	x := gorgonia.NewTensor(g, tensor.Float64, 4, gorgonia.WithShape(2, 2, 1, 2), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(2, 2, 1, 2), tensor.WithBacking([]float64{
			1, 2, 10, 10, // image 0: channel 0, channel 1
			3, 4, 10, 10, // image 1
		}))))
	scale := gorgonia.NewVector(g, tensor.Float64, gorgonia.WithShape(2), gorgonia.WithName("scale"),
		gorgonia.WithValue(tensor.New(tensor.WithBacking([]float64{2, 1}))))
	shift := gorgonia.NewVector(g, tensor.Float64, gorgonia.WithShape(2), gorgonia.WithName("shift"),
		gorgonia.WithValue(tensor.New(tensor.WithBacking([]float64{0, 5}))))
	y := gorgonia.Must(nnops.BatchNorm2d(x, scale, shift))

	// the gradients of Σ y with respect to scale and shift
	cost := gorgonia.Must(gorgonia.Sum(y))
	grads, err := gorgonia.Grad(cost, scale, shift)
	if err != nil {
		fmt.Println(err)
		return
	}
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("y      %.4f\n", y.Value().Data())
	fmt.Printf("dscale %.4f\n", grads[0].Value().Data())
	fmt.Printf("dshift %.4f\n", grads[1].Value().Data())
	// Output:
	// y      [-2.6833 -0.8944 5.0000 5.0000 0.8944 2.6833 5.0000 5.0000]
	// dscale [0.0000 0.0000]
	// dshift [4.0000 4.0000]
}
