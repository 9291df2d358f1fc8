package golden_test

import (
	"fmt"

	"github.com/gorgonia-ext/convtranspose/internal/golden"
)

func ExampleLoad() {
	f, err := golden.Load("../../testdata/convtranspose_golden.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	c := f.Cases[0]
	fmt.Println(c.Name, c.Kind, c.DType, "stride", c.Stride, "padding", c.Padding)
	fmt.Println("x", c.X.Shape, "w", c.W.Shape, "y", c.Y.Shape)

	dt, err := c.Dtype()
	if err != nil {
		fmt.Println(err)
		return
	}
	y, err := c.Y.Dense(dt)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Shape(), y.Dtype())
	fmt.Println(golden.Check(c.Y, y.Data().([]float64), c.Tolerance))
	// Output:
	// doc_2x2_to_4x4_k3_f64 torch float64 stride [1 1] padding [0 0]
	// x [1 1 2 2] w [1 1 3 3] y [1 1 4 4]
	// (1, 1, 4, 4) float64
	// <nil>
}
