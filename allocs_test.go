package convtranspose

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// noArithmeticBLAS does no arithmetic: with it installed, a test counts the
// allocations of the ops themselves, not those of a GEMM (gonum's starts
// goroutines for its blocks, which allocates).
type noArithmeticBLAS struct{ gonum.Implementation }

func (noArithmeticBLAS) Sgemm(blas.Transpose, blas.Transpose, int, int, int, float32, []float32, int, []float32, int, float32, []float32, int) {
}

func (noArithmeticBLAS) Dgemm(blas.Transpose, blas.Transpose, int, int, int, float64, []float64, int, []float64, int, float64, []float64, int) {
}

// TestUsePreallocDoAllocatesNothing runs UsePreallocDo of every op of the
// family that a training step uses (the transposed convolution with a bias,
// the convolution and filter gradient of its backward pass, and the pad and
// fold of a padding mode), in both dtypes, on narrow and wide images, and
// checks that in steady state it allocates nothing: its workspace, tap
// tables and workers are reused.
func TestUsePreallocDoAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	prev := G.WhichBLAS()
	G.Use(noArithmeticBLAS{})
	defer G.Use(prev)
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		for _, side := range []int{5, 20} { // below and above the width where im2col switches to an offset table
			for _, mode := range []PaddingMode{PaddingZeros, PaddingReflect} {
				name := fmt.Sprintf("%v/side%d/%v", dt, side, mode)
				g := G.NewGraph()
				x := G.NewTensor(g, dt, 4, G.WithShape(16, 8, side, side), G.WithName("x"), G.WithInit(G.GlorotU(1)))
				w := G.NewTensor(g, dt, 4, G.WithShape(8, 6, 3, 3), G.WithName("w"), G.WithInit(G.GlorotU(1)))
				b := G.NewTensor(g, dt, 1, G.WithShape(6), G.WithName("b"), G.WithInit(G.GlorotU(1)))
				y, err := ConvTranspose2d(x, w, WithStride(2, 2), WithPadding(1, 1), WithBias(b), WithPaddingMode(mode))
				if err != nil {
					t.Fatal(err)
				}
				cost := G.Must(G.Sum(G.Must(G.Square(y))))
				if _, err := G.Grad(cost, x, w, b); err != nil {
					t.Fatal(err)
				}
				m := G.NewTapeMachine(g)
				if err := m.RunAll(); err != nil {
					t.Fatal(err)
				}
				checked := map[string]bool{}
				for _, n := range g.AllNodes() {
					op, ok := n.Op().(G.UsePreallocDoer)
					if !ok || !isFamilyOp(n.Op()) {
						continue
					}
					var inputs []G.Value
					for children := g.From(n.ID()); children.Next(); { // in the order of the op's inputs
						inputs = append(inputs, children.Node().(*G.Node).Value())
					}
					out := n.Value()
					allocs := testing.AllocsPerRun(5, func() {
						if _, err := op.UsePreallocDo(out, inputs...); err != nil {
							t.Fatal(err)
						}
					})
					if allocs != 0 {
						t.Errorf("%s: %v.UsePreallocDo allocates %v objects a run, want 0", name, n.Op(), allocs)
					}
					checked[fmt.Sprintf("%T", n.Op())] = true
				}
				want := []string{"convtranspose.convTransposeOp", "convtranspose.convOp", "convtranspose.filterGradOp"}
				if mode != PaddingZeros {
					want = append(want, "convtranspose.padOp", "convtranspose.foldOp")
				}
				for _, op := range want {
					if !checked[op] {
						t.Errorf("%s: no %s in the graph (checked %v)", name, op, checked)
					}
				}
				m.Close()
			}
		}
	}
}

// isFamilyOp reports whether op is one of this package's ops.
func isFamilyOp(op G.Op) bool {
	switch op.(type) {
	case convTransposeOp, convOp, filterGradOp, padOp, foldOp:
		return true
	}
	return false
}
