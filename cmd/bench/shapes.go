package main

import (
	"fmt"

	"github.com/gorgonia-ext/convtranspose/internal/conv"
)

// layer is one transposed convolution to measure: x (N, Cin, H, W) and a
// square kernel k with stride s, padding p and output padding op give
// (N, Cout, Hout, Wout).
type layer struct {
	name                        string
	n, cin, cout, h, w, k, s, p int
	op                          int
}

// layers are the shapes the project reports: two DCGAN generator layers, an
// FCN decoder layer, and a 3x3 layer that needs output padding.
var layers = []layer{
	{"dcgan 128x7x7→64x14x14", 64, 128, 64, 7, 7, 4, 2, 1, 0},
	{"dcgan 256x4x4→128x8x8", 64, 256, 128, 4, 4, 4, 2, 1, 0},
	{"fcn 64x32x32→32x64x64", 16, 64, 32, 32, 32, 4, 2, 1, 0},
	{"k3 256x16x16→128x32x32", 8, 256, 128, 16, 16, 3, 2, 1, 1},
}

func (l layer) outH() int { return (l.h-1)*l.s - 2*l.p + l.k + l.op }
func (l layer) outW() int { return (l.w-1)*l.s - 2*l.p + l.k + l.op }

func (l layer) xShape() []int { return []int{l.n, l.cin, l.h, l.w} }
func (l layer) wShape() []int { return []int{l.cin, l.cout, l.k, l.k} }
func (l layer) yShape() []int { return []int{l.n, l.cout, l.outH(), l.outW()} }

// gemmDims is the forward GEMM, folded over the batch: (Cout·k² × Cin) by
// (Cin × N·H·W). The backward pass needs two GEMMs of the same size.
func (l layer) gemmDims() (m, n, k int) { return l.cout * l.k * l.k, l.n * l.h * l.w, l.cin }

// flops is the number of floating-point operations of the forward GEMM.
func (l layer) flops() float64 {
	m, n, k := l.gemmDims()
	return 2 * float64(m) * float64(n) * float64(k)
}

// workspaceMiB is the scratch memory the kernels hold at once for the
// layer, in MiB, for elements of elemSize bytes: bounded by the chunk of
// images processed at a time, not by the batch.
func (l layer) workspaceMiB(elemSize int) float64 {
	g := conv.Geometry{Batch: l.n, Groups: 1, SmallChannels: l.cin, BigChannels: l.cout,
		SmallH: l.h, SmallW: l.w, BigH: l.outH(), BigW: l.outW(), KernelH: l.k, KernelW: l.k,
		StrideH: l.s, StrideW: l.s, DilationH: 1, DilationW: 1, PadTop: l.p, PadLeft: l.p}
	return float64(conv.WorkspaceBytes(g, elemSize)) / (1 << 20)
}

func (l layer) String() string {
	return fmt.Sprintf("%s (N=%d, k%d s%d p%d op%d)", l.name, l.n, l.k, l.s, l.p, l.op)
}
