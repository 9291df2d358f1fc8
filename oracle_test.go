package convtranspose_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// These tests check ConvTranspose2d against first principles that no code
// of this module takes part in: the explicit convolution matrix, built from
// gorgonia.Conv2d's own answers, and the adjoint identity.

// run evaluates the nodes of g on a TapeMachine.
func run(t *testing.T, g *G.ExprGraph) {
	t.Helper()
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
}

func constant(g *G.ExprGraph, shape []int, data []float64, name string) *G.Node {
	d := tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float64(nil), data...)))
	return G.NewTensor(g, tensor.Float64, len(shape), G.WithShape(shape...), G.WithValue(d), G.WithName(name))
}

func randoms(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rng.NormFloat64()
	}
	return s
}

func prod(s []int) int {
	p := 1
	for _, d := range s {
		p *= d
	}
	return p
}

// convolutionMatrix returns the matrix C of gorgonia.Conv2d with filter w
// over inputs of shape in: column j is the convolution of the j-th unit
// image, computed in one batched call.
func convolutionMatrix(t *testing.T, in, wShape []int, w []float64, pad, stride, dilation []int) *mat.Dense {
	t.Helper()
	n := prod(in)
	g := G.NewGraph()
	eye := make([]float64, n*n)
	for j := 0; j < n; j++ {
		eye[j*n+j] = 1
	}
	units := constant(g, append([]int{n}, in[1:]...), eye, "units")
	filter := constant(g, wShape, w, "w")
	out, err := G.Conv2d(units, filter, tensor.Shape{wShape[2], wShape[3]}, pad, stride, dilation)
	if err != nil {
		t.Fatal(err)
	}
	run(t, g)
	cols := out.Value().Data().([]float64)
	rows := len(cols) / n
	c := mat.NewDense(rows, n, nil)
	for j := 0; j < n; j++ {
		for i := 0; i < rows; i++ {
			c.Set(i, j, cols[j*rows+i])
		}
	}
	return c
}

// TestSeedExample is the example the module's documentation starts from: a
// 3x3 kernel over a 4x4 input is a 4x16 matrix C, and the transposed
// convolution is Cᵀ, which takes a 2x2 image to 4x4.
func TestSeedExample(t *testing.T) {
	kernel := []float64{1, 4, 1, 1, 4, 3, 3, 3, 1}
	c := convolutionMatrix(t, []int{1, 1, 4, 4}, []int{1, 1, 3, 3}, kernel, []int{0, 0}, []int{1, 1}, []int{1, 1})
	if r, k := c.Dims(); r != 4 || k != 16 {
		t.Fatalf("C is %dx%d, want 4x16", r, k)
	}
	// Row 0 of C is the kernel laid over the top-left corner of the input.
	want := []float64{1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0, 0, 0, 0, 0}
	for j, v := range want {
		if c.At(0, j) != v {
			t.Fatalf("C[0] = %v, want %v", mat.Row(nil, 0, c), want)
		}
	}
	y := []float64{2, 1, 4, 4}
	g := G.NewGraph()
	up, err := ct.ConvTranspose2d(constant(g, []int{1, 1, 2, 2}, y, "y"), constant(g, []int{1, 1, 3, 3}, kernel, "w"))
	if err != nil {
		t.Fatal(err)
	}
	run(t, g)
	if !up.Shape().Eq(tensor.Shape{1, 1, 4, 4}) {
		t.Fatalf("shape %v, want (1, 1, 4, 4)", up.Shape())
	}
	var expect mat.VecDense
	expect.MulVec(c.T(), mat.NewVecDense(4, y))
	got := up.Value().Data().([]float64)
	for i := range got {
		if got[i] != expect.AtVec(i) {
			t.Fatalf("ConvTranspose2d = %v, want Cᵀy = %v", got, mat.Col(nil, 0, &expect))
		}
	}
}

// oracleCase is a configuration that gorgonia.Conv2d supports too:
// symmetric padding and one group.
type oracleCase struct {
	n, cin, cout, h, w, kh, kw int
	stride, pad, dilation      []int
	outputPadding              []int
}

func (c oracleCase) String() string {
	return fmt.Sprintf("n%d_c%dto%d_%dx%d_k%dx%d_s%v_p%v_d%v_op%v", c.n, c.cin, c.cout, c.h, c.w, c.kh, c.kw,
		c.stride, c.pad, c.dilation, c.outputPadding)
}

func oracleCases() []oracleCase {
	one, two := []int{1, 1}, []int{2, 2}
	zero := []int{0, 0}
	return []oracleCase{
		{1, 1, 1, 2, 2, 3, 3, one, zero, one, zero},
		{2, 3, 2, 3, 4, 3, 3, two, []int{1, 1}, one, []int{1, 1}},
		{1, 2, 3, 4, 3, 4, 4, two, []int{1, 1}, one, zero},
		{2, 2, 2, 3, 3, 3, 2, []int{3, 2}, []int{1, 0}, []int{1, 2}, []int{2, 1}},
		{1, 4, 1, 2, 5, 2, 3, one, zero, []int{2, 3}, zero},
		{3, 1, 2, 5, 5, 5, 5, two, []int{2, 2}, one, []int{1, 0}},
		{1, 3, 3, 1, 1, 1, 1, []int{3, 3}, zero, one, []int{2, 2}},
	}
}

// TestMatrixOracle checks ConvTranspose2d(y) = Cᵀ·y with C the matrix of
// gorgonia.Conv2d over the transposed convolution's output shape.
func TestMatrixOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range oracleCases() {
		t.Run(c.String(), func(t *testing.T) {
			wShape := []int{c.cin, c.cout, c.kh, c.kw}
			w := randoms(rng, prod(wShape))
			y := randoms(rng, c.cin*c.h*c.w)
			g := G.NewGraph()
			up, err := ct.ConvTranspose2d(constant(g, []int{1, c.cin, c.h, c.w}, y, "y"), constant(g, wShape, w, "w"),
				ct.WithStride(c.stride[0], c.stride[1]), ct.WithPadding(c.pad[0], c.pad[1]),
				ct.WithDilation(c.dilation[0], c.dilation[1]), ct.WithOutputPadding(c.outputPadding[0], c.outputPadding[1]))
			if err != nil {
				t.Fatal(err)
			}
			run(t, g)
			m := convolutionMatrix(t, up.Shape(), wShape, w, c.pad, c.stride, c.dilation)
			if r, _ := m.Dims(); r != len(y) {
				t.Fatalf("gorgonia.Conv2d maps %v to %d values, want %d", up.Shape(), r, len(y))
			}
			var expect mat.VecDense
			expect.MulVec(m.T(), mat.NewVecDense(len(y), y))
			for i, v := range up.Value().Data().([]float64) {
				if math.Abs(v-expect.AtVec(i)) > 1e-12*(1+math.Abs(v)) {
					t.Fatalf("element %d: ConvTranspose2d gives %v, Cᵀy gives %v", i, v, expect.AtVec(i))
				}
			}
		})
	}
}

// TestAdjointIdentity checks ⟨Conv2d(x, W), y⟩ = ⟨x, ConvTranspose2d(y, W)⟩
// with gorgonia.Conv2d, on random batches.
func TestAdjointIdentity(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, c := range oracleCases() {
		t.Run(c.String(), func(t *testing.T) {
			wShape := []int{c.cin, c.cout, c.kh, c.kw}
			g := G.NewGraph()
			w := constant(g, wShape, randoms(rng, prod(wShape)), "w")
			yShape := []int{c.n + 1, c.cin, c.h, c.w}
			y := constant(g, yShape, randoms(rng, prod(yShape)), "y")
			up, err := ct.ConvTranspose2d(y, w, ct.WithStride(c.stride[0], c.stride[1]), ct.WithPadding(c.pad[0], c.pad[1]),
				ct.WithDilation(c.dilation[0], c.dilation[1]), ct.WithOutputPadding(c.outputPadding[0], c.outputPadding[1]))
			if err != nil {
				t.Fatal(err)
			}
			x := constant(g, up.Shape(), randoms(rng, up.Shape().TotalSize()), "x")
			down, err := G.Conv2d(x, w, tensor.Shape{c.kh, c.kw}, c.pad, c.stride, c.dilation)
			if err != nil {
				t.Fatal(err)
			}
			lhs := G.Must(G.Sum(G.Must(G.HadamardProd(down, y))))
			rhs := G.Must(G.Sum(G.Must(G.HadamardProd(x, up))))
			run(t, g)
			l, r := lhs.Value().Data().(float64), rhs.Value().Data().(float64)
			if math.Abs(l-r) > 1e-10*(1+math.Abs(l)) {
				t.Errorf("<Conv2d(x), y> = %v, <x, ConvTranspose2d(y)> = %v", l, r)
			}
		})
	}
}
