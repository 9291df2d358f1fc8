package conv

import (
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/gorgonia-ext/convtranspose/fastblas"
)

// BenchmarkOverheadFloat32 measures what the passes add to their GEMMs: in
// every iteration it times the forward pass, the forward GEMM folded over
// the whole batch, the backward passes (Convolve and FilterGrad) and their
// two GEMMs, back to back, and reports the ratios fwd/GEMM and bwd/GEMMs —
// ratios of times taken under the same conditions. It runs on gonum's GEMM
// and on fastblas (which is gonum's too unless built with GOEXPERIMENT=simd).
func BenchmarkOverheadFloat32(b *testing.B) {
	engines := []struct {
		name string
		impl BLAS
	}{{"gonum", gonum.Implementation{}}, {"fastblas-" + fastblas.Engine(), fastblas.Implementation{}}}
	for _, e := range engines {
		for _, s := range benchShapes {
			g := s.g
			small, big, filter := benchData(g)
			m, n, k := g.colRows(), g.Batch*g.smallPlane(), g.SmallChannels
			a := make([]float32, k*n) // x folded: (C_s × N·plane)
			c := make([]float32, m*n) // columns of the whole batch
			dw := make([]float32, k*m)
			b.Run(e.name+"/"+s.name, func(b *testing.B) {
				var fwd, gemmF, bwd, gemmB time.Duration
				for b.Loop() {
					fwd += timed(func() { Transposed(e.impl, g, small, filter, nil, big) })
					gemmF += timed(func() { gemm(e.impl, blas.Trans, blas.NoTrans, m, n, k, 1, filter, m, a, n, 0, c, n) })
					bwd += timed(func() {
						Convolve(e.impl, g, big, filter, nil, small)
						FilterGrad(e.impl, g, small, big, dw)
					})
					gemmB += timed(func() {
						gemm(e.impl, blas.NoTrans, blas.NoTrans, k, n, m, 1, filter, m, c, n, 0, a, n)
						gemm(e.impl, blas.NoTrans, blas.Trans, k, m, n, 1, a, n, c, n, 0, dw, m)
					})
				}
				b.ReportMetric(fwd.Seconds()/gemmF.Seconds(), "fwd/GEMM")
				b.ReportMetric(bwd.Seconds()/gemmB.Seconds(), "bwd/GEMMs")
				b.ReportMetric(float64(WorkspaceBytes(g, 4))/(1<<20), "workspace-MiB")
			})
		}
	}
}

func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}
