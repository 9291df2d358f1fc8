package conv

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// benchShapes are the layers the project measures: two DCGAN generator
// layers, an FCN decoder layer and a 3x3 layer with output padding, each
// written as the transposed convolution (N, C_in, H, W) → (N, C_out, 2H, 2W).
var benchShapes = []struct {
	name string
	g    Geometry
}{
	{"dcgan1_64x128x7x7_to_64x14x14_k4s2p1", layer(64, 128, 64, 7, 4, 2, 1, 0)},
	{"dcgan2_64x256x4x4_to_128x8x8_k4s2p1", layer(64, 256, 128, 4, 4, 2, 1, 0)},
	{"decoder_16x64x32x32_to_32x64x64_k4s2p1", layer(16, 64, 32, 32, 4, 2, 1, 0)},
	{"k3_8x256x16x16_to_128x32x32_k3s2p1op1", layer(8, 256, 128, 16, 3, 2, 1, 1)},
}

// layer is the geometry of a square transposed convolution layer.
func layer(n, cin, cout, side, k, s, p, op int) Geometry {
	out := (side-1)*s - 2*p + k + op
	return Geometry{Batch: n, Groups: 1, SmallChannels: cin, BigChannels: cout, SmallH: side, SmallW: side,
		BigH: out, BigW: out, KernelH: k, KernelW: k, StrideH: s, StrideW: s, DilationH: 1, DilationW: 1,
		PadTop: p, PadLeft: p}
}

var sink float32

func benchData(g Geometry) (small, big, filter []float32) {
	rng := rand.New(rand.NewPCG(1, 1))
	fill := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = rng.Float32() - 0.5
		}
		return s
	}
	return fill(g.SmallLen()), fill(g.BigLen()), fill(g.FilterLen())
}

func flops(g Geometry) float64 {
	return 2 * float64(g.Batch) * float64(g.smallPlane()) * float64(g.SmallChannels) * float64(g.colRows()/g.Groups)
}

func BenchmarkTransposedFloat32(b *testing.B) {
	for _, s := range benchShapes {
		small, big, filter := benchData(s.g)
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Transposed(nil, s.g, small, filter, nil, big)
			}
			b.ReportMetric(flops(s.g)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			sink += big[0]
		})
	}
}

func BenchmarkConvolveFloat32(b *testing.B) {
	for _, s := range benchShapes {
		small, big, filter := benchData(s.g)
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Convolve(nil, s.g, big, filter, nil, small)
			}
			b.ReportMetric(flops(s.g)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func BenchmarkFilterGradFloat32(b *testing.B) {
	for _, s := range benchShapes {
		small, big, filter := benchData(s.g)
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				FilterGrad(nil, s.g, small, big, filter)
			}
			b.ReportMetric(flops(s.g)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkGEMMFloat32 is the bare GEMM that the forward pass needs, the
// anchor the passes are measured against: (C_out·kH·kW × C_in) by
// (C_in × N·H·W), in one call.
func BenchmarkGEMMFloat32(b *testing.B) {
	for _, s := range benchShapes {
		g := s.g
		m, n, k := g.colRows(), g.Batch*g.smallPlane(), g.SmallChannels
		// Random operands: gonum skips zero multipliers, so zeros would flatter it.
		a, bb, _ := benchData(Geometry{Batch: 1, Groups: 1, SmallChannels: k * m, SmallH: 1, SmallW: 1, KernelH: 1, KernelW: 1})
		bb, _, _ = benchData(Geometry{Batch: 1, Groups: 1, SmallChannels: k * n, SmallH: 1, SmallW: 1, KernelH: 1, KernelW: 1})
		c := make([]float32, m*n)
		b.Run(fmt.Sprintf("%s_m%dn%dk%d", s.name, m, n, k), func(b *testing.B) {
			for b.Loop() {
				gemm(DefaultBLAS, blas.Trans, blas.NoTrans, m, n, k, 1, a, m, bb, n, 0, c, n)
			}
			b.ReportMetric(flops(g)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkColumnsFloat32 times im2col and col2im alone, on one chunk of
// images as the passes process it: the work the passes add to their GEMMs.
func BenchmarkColumnsFloat32(b *testing.B) {
	for _, s := range benchShapes {
		_, big, _ := benchData(s.g)
		p := newPlan[float32](s.g)
		count, _ := p.span(0)
		bytes := float64(len(p.cols.data)+count*s.g.BigChannels*s.g.bigPlane()) * 4
		b.Run("im2col/"+s.name, func(b *testing.B) {
			for b.Loop() {
				im2col(s.g, big, 0, count, p.cols.data)
			}
			b.ReportMetric(bytes*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
		})
		b.Run("col2im/"+s.name, func(b *testing.B) {
			for b.Loop() {
				col2im(s.g, p.cols.data, nil, 0, count, big)
			}
			b.ReportMetric(bytes*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
		})
		p.release()
	}
}
