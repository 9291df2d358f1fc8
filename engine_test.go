package convtranspose

import (
	"testing"

	"github.com/gorgonia-ext/convtranspose/fastblas"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"
)

// TestEngine checks which BLAS the kernels run on: fastblas while Gorgonia
// has its default, and whatever gorgonia.Use installed otherwise.
func TestEngine(t *testing.T) {
	if _, ok := engine().(fastblas.Implementation); !ok {
		t.Errorf("default engine is %T, want fastblas.Implementation", engine())
	}
	type other struct{ gonum.Implementation }
	defer gorgonia.Use(gorgonia.WhichBLAS())
	gorgonia.Use(other{})
	if _, ok := engine().(other); !ok {
		t.Errorf("after gorgonia.Use, engine is %T, want the installed BLAS", engine())
	}
}
