package conv

import (
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/gorgonia-ext/convtranspose/fastblas"
)

// BenchmarkOverhead measures what the passes add to their GEMMs: in every
// iteration it times the forward pass, the forward GEMM folded over the
// whole batch, the backward passes (Convolve and FilterGrad) and their two
// GEMMs, back to back, and reports the ratios fwd/GEMM and bwd/GEMMs —
// ratios of times taken under the same conditions. It runs on gonum's GEMM
// and on fastblas (which is gonum's too unless built with GOEXPERIMENT=simd),
// in both element types.
func BenchmarkOverhead(b *testing.B) {
	engines := []struct {
		name string
		impl BLAS
	}{{"gonum", gonum.Implementation{}}, {"fastblas-" + fastblas.Engine(), fastblas.Implementation{}}}
	for _, e := range engines {
		for _, s := range benchShapes {
			b.Run("float32/"+e.name+"/"+s.name, func(b *testing.B) { overhead[float32](b, e.impl, s.g) })
			b.Run("float64/"+e.name+"/"+s.name, func(b *testing.B) { overhead[float64](b, e.impl, s.g) })
		}
	}
}

func overhead[T Float](b *testing.B, impl BLAS, g Geometry) {
	small32, big32, filter32 := benchData(g)
	small, big, filter := widen[T](small32), widen[T](big32), widen[T](filter32)
	m, n, k := g.colRows(), g.Batch*g.smallPlane(), g.SmallChannels
	a := make([]T, k*n) // x folded: (C_s × N·plane)
	c := make([]T, m*n) // columns of the whole batch
	dw := make([]T, k*m)
	var fwd, gemmF, bwd, gemmB time.Duration
	for b.Loop() {
		fwd += timed(func() { Transposed(impl, g, small, filter, nil, big) })
		gemmF += timed(func() { gemm(impl, blas.NoTrans, blas.NoTrans, m, n, k, 1, filter, k, a, n, 0, c, n) }) // filter as Wᵀ
		bwd += timed(func() {
			Convolve(impl, g, big, filter, nil, small)
			FilterGrad(impl, g, small, big, dw)
		})
		gemmB += timed(func() {
			gemm(impl, blas.NoTrans, blas.NoTrans, k, n, m, 1, filter, m, c, n, 0, a, n)
			gemm(impl, blas.NoTrans, blas.Trans, k, m, n, 1, a, n, c, n, 0, dw, m)
		})
	}
	size := 4
	if _, f64 := any(*new(T)).(float64); f64 {
		size = 8
	}
	b.ReportMetric(fwd.Seconds()/gemmF.Seconds(), "fwd/GEMM")
	b.ReportMetric(bwd.Seconds()/gemmB.Seconds(), "bwd/GEMMs")
	b.ReportMetric(float64(WorkspaceBytes(g, size))/(1<<20), "workspace-MiB")
}

// widen returns x as a new slice of T.
func widen[T Float](x []float32) []T {
	y := make([]T, len(x))
	for i, v := range x {
		y[i] = T(v)
	}
	return y
}

func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}
