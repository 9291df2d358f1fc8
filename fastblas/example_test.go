package fastblas_test

import (
	"fmt"
	"log"

	"gonum.org/v1/gonum/blas"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gorgonia-ext/convtranspose/fastblas"
)

// Sgemm computes C = alpha·op(A)·op(B) + beta·C on row-major slices.
func ExampleImplementation_Sgemm() {
	a := []float32{ // 2×3
		1, 2, 3,
		4, 5, 6,
	}
	b := []float32{ // 3×2
		7, 8,
		9, 10,
		11, 12,
	}
	c := make([]float32, 2*2)
	fastblas.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	fmt.Println(c)
	// Output: [58 64 139 154]
}

// One call makes every matrix product of a Gorgonia graph use fastblas.
func Example_gorgonia() {
	previous := gorgonia.WhichBLAS()
	gorgonia.Use(fastblas.Implementation{})
	defer gorgonia.Use(previous)

	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float64{1, 2, 3, 4}))))
	y := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithName("y"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float64{5, 6, 7, 8}))))
	xy := gorgonia.Must(gorgonia.Mul(x, y))
	vm := gorgonia.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(xy.Value().Data())
	// Output: [19 22 43 50]
}
