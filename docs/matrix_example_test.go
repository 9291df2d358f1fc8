package docs_test

import (
	"fmt"
	"log"
	"strings"

	"gonum.org/v1/gonum/mat"
	G "gorgonia.org/gorgonia"

	ct "github.com/gorgonia-ext/convtranspose"
)

// convolutionMatrix returns the matrix C of the convolution of an n×n image
// with a k×k kernel, stride 1 and no padding: row r is the kernel laid over
// the r-th output position, zeros elsewhere, so that C·vec(x) is the
// convolution of x, read row by row.
func convolutionMatrix(kernel []float64, n, k int) *mat.Dense {
	m := n - k + 1 // output side
	c := mat.NewDense(m*m, n*n, nil)
	for oi := 0; oi < m; oi++ {
		for oj := 0; oj < m; oj++ {
			for ki := 0; ki < k; ki++ {
				for kj := 0; kj < k; kj++ {
					c.Set(oi*m+oj, (oi+ki)*n+oj+kj, kernel[ki*k+kj])
				}
			}
		}
	}
	return c
}

// The 4x16 convolution matrix of a 3x3 kernel over a 4x4 input: C·vec(x)
// equals the convolution that Conv2d computes.
func Example_convolutionMatrix() {
	kernel := []float64{
		1, 4, 1,
		1, 4, 3,
		3, 3, 1,
	}
	x := []float64{
		4, 5, 8, 7,
		1, 8, 8, 8,
		3, 6, 6, 4,
		6, 5, 7, 8,
	}
	c := convolutionMatrix(kernel, 4, 3)
	fmt.Println("C, 4x16:")
	printMatrix("%g", c.RawMatrix().Data, 4, 16)

	var cx mat.VecDense
	cx.MulVec(c, mat.NewVecDense(16, x))
	fmt.Println("C·vec(x) as 2x2:")
	printMatrix("%3g", cx.RawVector().Data, 2, 2)

	g := G.NewGraph()
	y, err := ct.Conv2d(node(g, "x", x, 1, 1, 4, 4), node(g, "w", kernel, 1, 1, 3, 3))
	if err != nil {
		log.Fatal(err)
	}
	if err := run(g); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Conv2d(x, w):")
	printMatrix("%3g", y.Value().Data().([]float64), 2, 2)
	// Output:
	// C, 4x16:
	// 1 4 1 0 1 4 3 0 3 3 1 0 0 0 0 0
	// 0 1 4 1 0 1 4 3 0 3 3 1 0 0 0 0
	// 0 0 0 0 1 4 1 0 1 4 3 0 3 3 1 0
	// 0 0 0 0 0 1 4 1 0 1 4 3 0 3 3 1
	// C·vec(x) as 2x2:
	// 122 148
	// 126 134
	// Conv2d(x, w):
	// 122 148
	// 126 134
}

// Cᵀ, 16x4, takes a 2x2 image to 4x4; ConvTranspose2d with the same kernel
// computes exactly that.
func Example_transposedMatrix() {
	kernel := []float64{
		1, 4, 1,
		1, 4, 3,
		3, 3, 1,
	}
	y := []float64{
		2, 1,
		4, 4,
	}
	ct16x4 := convolutionMatrix(kernel, 4, 3).T()
	fmt.Println("Cᵀ, 16x4:")
	printMatrix("%g", mat.DenseCopyOf(ct16x4).RawMatrix().Data, 16, 4)

	var up mat.VecDense
	up.MulVec(ct16x4, mat.NewVecDense(4, y))
	fmt.Println("Cᵀ·vec(y) as 4x4:")
	printMatrix("%2g", up.RawVector().Data, 4, 4)

	g := G.NewGraph()
	out, err := ct.ConvTranspose2d(node(g, "y", y, 1, 1, 2, 2), node(g, "w", kernel, 1, 1, 3, 3))
	if err != nil {
		log.Fatal(err)
	}
	if err := run(g); err != nil {
		log.Fatal(err)
	}
	fmt.Println("ConvTranspose2d(y, w):")
	printMatrix("%2g", out.Value().Data().([]float64), 4, 4)
	// Output:
	// Cᵀ, 16x4:
	// 1 0 0 0
	// 4 1 0 0
	// 1 4 0 0
	// 0 1 0 0
	// 1 0 1 0
	// 4 1 4 1
	// 3 4 1 4
	// 0 3 0 1
	// 3 0 1 0
	// 3 3 4 1
	// 1 3 3 4
	// 0 1 0 3
	// 0 0 3 0
	// 0 0 3 3
	// 0 0 1 3
	// 0 0 0 1
	// Cᵀ·vec(y) as 4x4:
	//  2  9  6  1
	//  6 29 30  7
	// 10 29 33 13
	// 12 24 16  4
	// ConvTranspose2d(y, w):
	//  2  9  6  1
	//  6 29 30  7
	// 10 29 33 13
	// 12 24 16  4
}

// Each input pixel of a transposed convolution reaches a 3x3 block of the
// output: the one-to-nine connectivity of the convolution, backwards.
func Example_oneToNine() {
	kernel := []float64{
		1, 4, 1,
		1, 4, 3,
		3, 3, 1,
	}
	blocks := make([][]float64, 4)
	for i := range blocks {
		unit := make([]float64, 4)
		unit[i] = 1
		g := G.NewGraph()
		out, err := ct.ConvTranspose2d(node(g, "y", unit, 1, 1, 2, 2), node(g, "w", kernel, 1, 1, 3, 3))
		if err != nil {
			log.Fatal(err)
		}
		if err := run(g); err != nil {
			log.Fatal(err)
		}
		blocks[i] = out.Value().Data().([]float64)
	}
	fmt.Println("input pixel 0   input pixel 1   input pixel 2   input pixel 3")
	for r := 0; r < 4; r++ {
		cells := make([]string, len(blocks))
		for i, b := range blocks {
			cells[i] = fmt.Sprintf("%g %g %g %g", b[4*r], b[4*r+1], b[4*r+2], b[4*r+3])
		}
		fmt.Println(strings.Join(cells, "         "))
	}
	// Output:
	// input pixel 0   input pixel 1   input pixel 2   input pixel 3
	// 1 4 1 0         0 1 4 1         0 0 0 0         0 0 0 0
	// 1 4 3 0         0 1 4 3         1 4 1 0         0 1 4 1
	// 3 3 1 0         0 3 3 1         1 4 3 0         0 1 4 3
	// 0 0 0 0         0 0 0 0         3 3 1 0         0 3 3 1
}
