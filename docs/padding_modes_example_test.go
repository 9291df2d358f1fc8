package docs_test

import (
	"fmt"
	"slices"

	G "gorgonia.org/gorgonia"

	ct "github.com/gorgonia-ext/convtranspose"
)

// Example_periodicDomain runs a signal on a ring of eight pixels through a
// stride-2 encoder and decoder, and again after turning the ring by two
// pixels (the stride). On a ring, turning the input must turn the output:
// circular padding keeps that, zero padding breaks it at the seam.
func Example_periodicDomain() {
	ring := []float64{0, 1, 2, 3, 4, 5, 6, 7}
	turned := append(slices.Clone(ring[6:]), ring[:6]...) // turned by two: 6 7 0 1 ...
	codec := func(mode ct.PaddingMode, signal []float64) []float64 {
		g := G.NewGraph()
		x := node(g, "x", signal, 1, 1, 1, 8)
		down := node(g, "down", []float64{1, 2, 1}, 1, 1, 1, 3)
		up := node(g, "up", []float64{1, 1, 1, 1}, 1, 1, 1, 4)
		h := G.Must(ct.Conv2d(x, down, ct.WithStride(1, 2), ct.WithPadding(0, 1), ct.WithPaddingMode(mode)))
		y := G.Must(ct.ConvTranspose2d(h, up, ct.WithStride(1, 2), ct.WithPadding(0, 1),
			ct.WithPaddingMode(mode), ct.WithOutputSizeOf(x)))
		if err := run(g); err != nil {
			panic(err)
		}
		return y.Value().Data().([]float64)
	}
	for _, mode := range []ct.PaddingMode{ct.PaddingZeros, ct.PaddingCircular} {
		y, yt := codec(mode, ring), codec(mode, turned)
		fmt.Printf("%-8v ring   %v\n", mode, y)
		fmt.Printf("%-8v turned %v\n", mode, yt)
		fmt.Printf("%-8v turning commutes: %t\n", mode, slices.Equal(append(slices.Clone(y[6:]), y[:6]...), yt))
	}
	// Output:
	// zeros    ring   [1 9 9 24 24 40 40 24]
	// zeros    turned [19 27 27 16 16 24 24 16]
	// zeros    turning commutes: false
	// circular ring   [32 16 16 24 24 40 40 32]
	// circular turned [40 32 32 16 16 24 24 40]
	// circular turning commutes: true
}
