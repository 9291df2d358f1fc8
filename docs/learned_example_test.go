package docs_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	G "gorgonia.org/gorgonia"

	ct "github.com/gorgonia-ext/convtranspose"
	"github.com/gorgonia-ext/convtranspose/nnops"
)

// Fixed interpolation has nothing to learn: the same input always gives
// the same up-sampled output.
func Example_fixedInterpolation() {
	x := []float64{
		1, 2,
		3, 4,
	}
	for _, mode := range []nnops.UpsampleMode{nnops.Nearest, nnops.Bilinear} {
		g := G.NewGraph()
		up, err := nnops.Upsample2d(node(g, "x", x, 1, 1, 2, 2), nnops.WithMode(mode), nnops.WithScale(2, 2))
		if err != nil {
			log.Fatal(err)
		}
		if err := run(g); err != nil {
			log.Fatal(err)
		}
		fmt.Println(mode)
		printMatrix("%4g", up.Value().Data().([]float64), 4, 4)
	}
	// Output:
	// nearest
	//    1    1    2    2
	//    1    1    2    2
	//    3    3    4    4
	//    3    3    4    4
	// bilinear
	//    1 1.25 1.75    2
	//  1.5 1.75 2.25  2.5
	//  2.5 2.75 3.25  3.5
	//    3 3.25 3.75    4
}

// A transposed convolution is not the inverse of the convolution whose
// matrix it transposes: C·Cᵀ is not the identity, and going down and back
// up does not return the input.
func Example_notAnInverse() {
	kernel := []float64{
		1, 4, 1,
		1, 4, 3,
		3, 3, 1,
	}
	c := convolutionMatrix(kernel, 4, 3)
	var cct mat.Dense
	cct.Mul(c, c.T())
	fmt.Println("C·Cᵀ:")
	printMatrix("%3g", cct.RawMatrix().Data, 4, 4)

	x := []float64{
		4, 5, 8, 7,
		1, 8, 8, 8,
		3, 6, 6, 4,
		6, 5, 7, 8,
	}
	g := G.NewGraph()
	w := node(g, "w", kernel, 1, 1, 3, 3)
	down, err := ct.Conv2d(node(g, "x", x, 1, 1, 4, 4), w)
	if err != nil {
		log.Fatal(err)
	}
	back, err := ct.ConvTranspose2d(down, w)
	if err != nil {
		log.Fatal(err)
	}
	if err := run(g); err != nil {
		log.Fatal(err)
	}
	fmt.Println("ConvTranspose2d(Conv2d(x, w), w):")
	printMatrix("%4g", back.Value().Data().([]float64), 4, 4)
	// Output:
	// C·Cᵀ:
	//  63  36  38  23
	//  36  63  29  38
	//  38  29  63  36
	//  23  38  36  63
	// ConvTranspose2d(Conv2d(x, w), w):
	//  122  636  714  148
	//  248 1274 1620  578
	//  492 1448 1480  550
	//  378  780  528  134
}

// The weights of a transposed convolution are learned. Here gradient
// descent fits a 4x4, stride-2 kernel to reproduce bilinear up-sampling on
// random images (away from the border, where bilinear interpolation clamps):
// it finds the outer product of (1/4, 3/4, 3/4, 1/4) with itself, the
// kernel that bilinear up-sampling by 2 is.
func Example_learnedWeights() {
	rng := rand.New(rand.NewPCG(1, 2))
	images := make([]float64, 8*8*8)
	for i := range images {
		images[i] = rng.Float64()
	}
	g := G.NewGraph()
	x := node(g, "x", images, 8, 1, 8, 8)
	target, err := nnops.Upsample2d(x, nnops.WithMode(nnops.Bilinear), nnops.WithScale(2, 2))
	if err != nil {
		log.Fatal(err)
	}
	w := node(g, "w", make([]float64, 16), 1, 1, 4, 4) // starts at zero
	up, err := ct.ConvTranspose2d(x, w, ct.WithStride(2, 2), ct.WithPadding(1, 1))
	if err != nil {
		log.Fatal(err)
	}
	inner := func(n *G.Node) *G.Node { return G.Must(G.Slice(n, nil, nil, G.S(1, 15), G.S(1, 15))) }
	loss := G.Must(G.Mean(G.Must(G.Square(G.Must(G.Sub(inner(up), inner(target)))))))
	if _, err := ct.Grad(loss, w); err != nil {
		log.Fatal(err)
	}
	m := G.NewTapeMachine(g, G.BindDualValues(w))
	defer m.Close()
	solver := G.NewVanillaSolver(G.WithLearnRate(0.5))
	for step := 0; step <= 300; step++ {
		if err := m.RunAll(); err != nil {
			log.Fatal(err)
		}
		if step%100 == 0 {
			fmt.Printf("step %3d: loss %.1e\n", step, loss.Value().Data())
		}
		if err := solver.Step(G.NodesToValueGrads(G.Nodes{w})); err != nil {
			log.Fatal(err)
		}
		m.Reset()
	}
	fmt.Println("learned kernel:")
	printMatrix("%.2f", w.Value().Data().([]float64), 4, 4)
	bilinear := []float64{0.25, 0.75, 0.75, 0.25}
	worst := 0.0
	for i, v := range w.Value().Data().([]float64) {
		worst = max(worst, math.Abs(v-bilinear[i/4]*bilinear[i%4]))
	}
	fmt.Println("largest difference from bilinear's kernel below 0.001:", worst < 0.001)
	// Output:
	// step   0: loss 3.0e-01
	// step 100: loss 1.6e-04
	// step 200: loss 2.1e-06
	// step 300: loss 3.0e-08
	// learned kernel:
	// 0.06 0.19 0.19 0.06
	// 0.19 0.56 0.56 0.19
	// 0.19 0.56 0.56 0.19
	// 0.06 0.19 0.19 0.06
	// largest difference from bilinear's kernel below 0.001: true
}
