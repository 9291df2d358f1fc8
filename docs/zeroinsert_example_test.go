package docs_test

import (
	"fmt"
	"log"
	"slices"

	G "gorgonia.org/gorgonia"

	ct "github.com/gorgonia-ext/convtranspose"
)

// insertZeros writes into dst the input of the convolution that computes a
// transposed convolution the slow way: each of the images h×w images of y
// is spread out with stride−1 zeros between neighbouring pixels and
// surrounded by edge rows and columns of zeros, plus extra more at the
// bottom and the right (the output padding). For kernel k and padding p,
// edge is k−1−p. dst holds images·hd·wd values, with
// hd = (h−1)·stride + 1 + 2·edge + extra and wd likewise.
func insertZeros[T float32 | float64](dst, y []T, images, h, w, stride, edge, extra int) {
	hd, wd := (h-1)*stride+1+2*edge+extra, (w-1)*stride+1+2*edge+extra
	clear(dst)
	for c := 0; c < images; c++ {
		for i := 0; i < h; i++ {
			for j := 0; j < w; j++ {
				dst[(c*hd+edge+i*stride)*wd+edge+j*stride] = y[(c*h+i)*w+j]
			}
		}
	}
}

// flipKernel turns a transposed convolution's filter (cin, cout, k, k) into
// the filter (cout, cin, k, k) of the equivalent convolution: channel axes
// swapped, each k×k kernel rotated by 180°.
func flipKernel[T float32 | float64](w []T, cin, cout, k int) []T {
	kk := k * k
	flipped := make([]T, len(w))
	for ci := 0; ci < cin; ci++ {
		for co := 0; co < cout; co++ {
			for t := 0; t < kk; t++ {
				flipped[(co*cin+ci)*kk+kk-1-t] = w[(ci*cout+co)*kk+t]
			}
		}
	}
	return flipped
}

// The same transposed convolution by zero insertion: spread the 2x2 input
// with zeros, convolve with the flipped kernel, and get ConvTranspose2d's
// result, having multiplied mostly zeros.
func Example_zeroInsertion() {
	kernel := []float64{
		1, 4, 1,
		1, 4, 3,
		3, 3, 1,
	}
	y := []float64{
		2, 1,
		4, 4,
	}
	const k, stride = 3, 2
	edge := k - 1 // no padding
	side := (2-1)*stride + 1 + 2*edge
	spread := make([]float64, side*side)
	insertZeros(spread, y, 1, 2, 2, stride, edge, 0)
	fmt.Printf("zero-inserted input, %dx%d:\n", side, side)
	printMatrix("%g", spread, side, side)

	g := G.NewGraph()
	slow, err := ct.Conv2d(node(g, "spread", spread, 1, 1, side, side), node(g, "flipped", flipKernel(kernel, 1, 1, k), 1, 1, k, k))
	if err != nil {
		log.Fatal(err)
	}
	fast, err := ct.ConvTranspose2d(node(g, "y", y, 1, 1, 2, 2), node(g, "w", kernel, 1, 1, k, k), ct.WithStride(stride, stride))
	if err != nil {
		log.Fatal(err)
	}
	if err := run(g); err != nil {
		log.Fatal(err)
	}
	out := side - k + 1
	fmt.Println("Conv2d(zero-inserted, flipped kernel):")
	printMatrix("%2g", slow.Value().Data().([]float64), out, out)
	fmt.Println("equals ConvTranspose2d(y, w, stride 2):", slices.Equal(slow.Value().Data().([]float64), fast.Value().Data().([]float64)))

	products, byZero := 0, 0
	for i := 0; i < out; i++ {
		for j := 0; j < out; j++ {
			for t := 0; t < k*k; t++ {
				products++
				if spread[(i+t/k)*side+j+t%k] == 0 {
					byZero++
				}
			}
		}
	}
	fmt.Printf("zero insertion: %d products, %d of them by an inserted zero\n", products, byZero)
	fmt.Printf("ConvTranspose2d: %d products (4 input pixels × %d taps)\n", 4*k*k, k*k)
	// Output:
	// zero-inserted input, 7x7:
	// 0 0 0 0 0 0 0
	// 0 0 0 0 0 0 0
	// 0 0 2 0 1 0 0
	// 0 0 0 0 0 0 0
	// 0 0 4 0 4 0 0
	// 0 0 0 0 0 0 0
	// 0 0 0 0 0 0 0
	// Conv2d(zero-inserted, flipped kernel):
	//  2  8  3  4  1
	//  2  8  7  4  3
	// 10 22 13 19  5
	//  4 16 16 16 12
	// 12 12 16 12  4
	// equals ConvTranspose2d(y, w, stride 2): true
	// zero insertion: 225 products, 189 of them by an inserted zero
	// ConvTranspose2d: 36 products (4 input pixels × 9 taps)
}

// For the middle layer of the DCGAN generator, (64, 128, 7, 7) to
// (64, 64, 14, 14) with a 4x4 kernel, stride 2 and padding 1, zero insertion
// multiplies four times as often as ConvTranspose2d.
func Example_zeroInsertionCost() {
	const n, cin, cout, h, k, stride, pad = 64, 128, 64, 7, 4, 2, 1
	out := (h-1)*stride - 2*pad + k
	direct := n * cin * h * h * cout * k * k // every input pixel times every tap
	spread := n * cout * out * out * cin * k * k
	fmt.Printf("ConvTranspose2d: %.3g multiply-adds\n", float64(direct))
	fmt.Printf("zero insertion:  %.3g multiply-adds (%.0fx)\n", float64(spread), float64(spread)/float64(direct))
	side := (h-1)*stride + 1 + 2*(k-1-pad)
	fmt.Printf("zero-inserted input: %dx%d per channel, for %dx%d real values\n", side, side, h, h)
	// Output:
	// ConvTranspose2d: 4.11e+08 multiply-adds
	// zero insertion:  1.64e+09 multiply-adds (4x)
	// zero-inserted input: 17x17 per channel, for 7x7 real values
}
