package conv

import (
	"testing"

	"gonum.org/v1/gonum/blas"
)

// noArithmeticBLAS does no arithmetic, so that a test counts the passes'
// own allocations, not those of a GEMM.
type noArithmeticBLAS struct{}

func (noArithmeticBLAS) Sgemm(blas.Transpose, blas.Transpose, int, int, int, float32, []float32, int, []float32, int, float32, []float32, int) {
}

func (noArithmeticBLAS) Dgemm(blas.Transpose, blas.Transpose, int, int, int, float64, []float64, int, []float64, int, float64, []float64, int) {
}

// TestPassesAllocateNothing checks that the three passes, Pad and Fold
// allocate nothing in steady state on the benchmark layers (narrow images,
// which use the offset tables, and wide ones; several chunks; parallel
// loops): workspace, tables and workers are reused.
func TestPassesAllocateNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, s := range benchShapes {
		small, big, filter := benchData(s.g)
		pad := Padding{Batch: s.g.Batch, Channels: s.g.BigChannels, H: s.g.BigH, W: s.g.BigW, Top: 1, Bottom: 1, Left: 1, Right: 1, Border: BorderReflect}
		padded := make([]float32, pad.PaddedLen())
		for name, pass := range map[string]func(){
			"Transposed": func() { Transposed(noArithmeticBLAS{}, s.g, small, filter, nil, big) },
			"Convolve":   func() { Convolve(noArithmeticBLAS{}, s.g, big, filter, nil, small) },
			"FilterGrad": func() { FilterGrad(noArithmeticBLAS{}, s.g, small, big, filter) },
			"Pad":        func() { Pad(pad, big, padded) },
			"Fold":       func() { Fold(pad, padded, nil, big) },
		} {
			if n := testing.AllocsPerRun(3, pass); n != 0 {
				t.Errorf("%s: %s allocates %v objects a call, want 0", s.name, name, n)
			}
		}
	}
}
