package docs_test

import (
	"fmt"
	"log"
	"slices"

	G "gorgonia.org/gorgonia"

	ct "github.com/gorgonia-ext/convtranspose"
)

// With groups 2, the channels split into two halves that never mix: the
// result equals two separate transposed convolutions, one per half, with
// the filter's halves (the filter is (C_in, C_out/groups, kH, kW)).
func Example_groups() {
	x := []float64{
		1, 2, 3, 4, // channel 0
		10, 20, 30, 40, // channel 1
	}
	filter := []float64{
		1, 1, 1, 1, // input channel 0 → output channel 0
		1, 0, 0, -1, // input channel 1 → output channel 1
	}
	g := G.NewGraph()
	both, err := ct.ConvTranspose2d(node(g, "x", x, 1, 2, 2, 2), node(g, "w", filter, 2, 1, 2, 2),
		ct.WithStride(2, 2), ct.WithGroups(2))
	if err != nil {
		log.Fatal(err)
	}
	var halves []*G.Node
	for c := 0; c < 2; c++ {
		half, err := ct.ConvTranspose2d(node(g, fmt.Sprint("x", c), x[4*c:4*c+4], 1, 1, 2, 2),
			node(g, fmt.Sprint("w", c), filter[4*c:4*c+4], 1, 1, 2, 2), ct.WithStride(2, 2))
		if err != nil {
			log.Fatal(err)
		}
		halves = append(halves, half)
	}
	if err := run(g); err != nil {
		log.Fatal(err)
	}
	out := both.Value().Data().([]float64)
	fmt.Println("groups 2, shape", both.Shape())
	printMatrix("%3g", out, 8, 4)
	separate := append(slices.Clone(halves[0].Value().Data().([]float64)), halves[1].Value().Data().([]float64)...)
	fmt.Println("equals the two halves done separately:", slices.Equal(out, separate))
	// Output:
	// groups 2, shape (1, 2, 4, 4)
	//   1   1   2   2
	//   1   1   2   2
	//   3   3   4   4
	//   3   3   4   4
	//  10   0  20   0
	//   0 -10   0 -20
	//  30   0  40   0
	//   0 -30   0 -40
	// equals the two halves done separately: true
}

// Dilation spaces the kernel's taps: a 3x3 kernel with dilation 2 spreads
// one input pixel over a 5x5 block, every other row and column.
func Example_dilation() {
	kernel := []float64{
		1, 2, 3,
		4, 5, 6,
		7, 8, 9,
	}
	g := G.NewGraph()
	out, err := ct.ConvTranspose2d(node(g, "x", []float64{1}, 1, 1, 1, 1), node(g, "w", kernel, 1, 1, 3, 3),
		ct.WithDilation(2, 2))
	if err != nil {
		log.Fatal(err)
	}
	if err := run(g); err != nil {
		log.Fatal(err)
	}
	fmt.Println("shape", out.Shape())
	printMatrix("%g", out.Value().Data().([]float64), 5, 5)
	// Output:
	// shape (1, 1, 5, 5)
	// 1 0 2 0 3
	// 0 0 0 0 0
	// 4 0 5 0 6
	// 0 0 0 0 0
	// 7 0 8 0 9
}
