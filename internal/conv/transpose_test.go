package conv

import (
	"fmt"
	"testing"
)

func TestTranspose(t *testing.T) {
	for _, s := range [][2]int{{0, 0}, {0, 5}, {1, 1}, {1, 7}, {7, 1}, {31, 33}, {32, 32}, {65, 3}, {100, 257}} {
		rows, cols := s[0], s[1]
		src := make([]float64, rows*cols)
		for i := range src {
			src[i] = float64(i + 1)
		}
		dst := make([]float64, rows*cols)
		transpose(src, rows, cols, dst)
		for i := range rows {
			for j := range cols {
				if got, want := dst[j*rows+i], src[i*cols+j]; got != want {
					t.Fatalf("%dx%d: dst[%d, %d] = %v, want src[%d, %d] = %v", rows, cols, j, i, got, i, j, want)
				}
			}
		}
	}
}

// BenchmarkTranspose moves the filters the forward pass transposes: the
// (C_in × C_out·k²) filters of the benchmark layers.
func BenchmarkTranspose(b *testing.B) {
	for _, s := range benchShapes {
		rows, cols := s.g.SmallChannels, s.g.colRows()
		src, dst := make([]float64, rows*cols), make([]float64, rows*cols)
		b.Run(fmt.Sprintf("float64/%dx%d", rows, cols), func(b *testing.B) {
			b.SetBytes(int64(16 * rows * cols))
			for b.Loop() {
				transpose(src, rows, cols, dst)
			}
		})
	}
}
