//go:build goexperiment.simd && amd64

package fastblas

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkPackB packs one kc×nc block of op(B) as the GEMM does, from the
// filter-gradient product of the first DCGAN layer (B is 3136×1024 and read
// transposed, k = 3136) and from its input-gradient product (B is
// 1024×3136, not transposed).
func BenchmarkPackB(b *testing.B) {
	for _, trans := range []bool{false, true} {
		b.Run(fmt.Sprintf("float32/trans=%v/kc%d_nc%d_nr32", trans, kc, nc32), func(b *testing.B) {
			benchPackB[float32](b, trans, nc32, 32)
		})
		b.Run(fmt.Sprintf("float64/trans=%v/kc%d_nc%d_nr16", trans, kc, nc64), func(b *testing.B) {
			benchPackB[float64](b, trans, nc64, 16)
		})
	}
}

func benchPackB[T float32 | float64](b *testing.B, trans bool, nc, nr int) {
	const rows, cols = 1024, 3136
	src := randSlice[T](rand.New(rand.NewPCG(1, 2)), rows*cols)
	ld := cols
	if trans {
		ld = rows
	}
	dst := make([]T, kc*nc)
	for b.Loop() {
		packB(trans, src, ld, 256, 512, kc, nc, nr, dst)
	}
	b.ReportMetric(float64(kc*nc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
}
