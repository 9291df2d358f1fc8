package docs_test

import (
	"fmt"
	"log"

	"github.com/gorgonia-ext/convtranspose/nnops"
)

// The diagnostic's measure of the interior of each overlap map: the
// repeating stride×stride tile of tap counts, and how uneven it is.
func Example_overlapUnevenness() {
	fmt.Println("kernel stride  tile, row by row            even  max/min  CV")
	for _, p := range []struct{ kernel, stride int }{
		{2, 2}, {3, 2}, {4, 2}, {5, 2}, {6, 2}, {3, 3}, {4, 3}, {6, 3}, {3, 1},
	} {
		tile, err := nnops.OverlapPeriod(nnops.OverlapSpec{
			Kernel: [2]int{p.kernel, p.kernel},
			Stride: [2]int{p.stride, p.stride},
		})
		if err != nil {
			log.Fatal(err)
		}
		st := tile.Stats()
		fmt.Printf("%6d %6d  %-27s %-5v %7.2f  %.3f\n", p.kernel, p.stride, fmt.Sprint(tile.Counts), st.Even(), st.Ratio, st.CV)
	}
	// Output:
	// kernel stride  tile, row by row            even  max/min  CV
	//      2      2  [1 1 1 1]                   true     1.00  0.000
	//      3      2  [4 2 2 1]                   false    4.00  0.484
	//      4      2  [4 4 4 4]                   true     1.00  0.000
	//      5      2  [9 6 6 4]                   false    2.25  0.286
	//      6      2  [9 9 9 9]                   true     1.00  0.000
	//      3      3  [1 1 1 1 1 1 1 1 1]         true     1.00  0.000
	//      4      3  [4 2 2 2 1 1 2 1 1]         false    4.00  0.515
	//      6      3  [4 4 4 4 4 4 4 4 4]         true     1.00  0.000
	//      3      1  [9]                         true     1.00  0.000
}

// A dilation that shares a factor with the stride leaves output pixels
// that no tap reaches at all.
func Example_overlapDilation() {
	for _, d := range []int{1, 2, 3} {
		tile, err := nnops.OverlapPeriod(nnops.OverlapSpec{
			Kernel:   [2]int{3, 3},
			Stride:   [2]int{2, 2},
			Dilation: [2]int{d, d},
		})
		if err != nil {
			log.Fatal(err)
		}
		st := tile.Stats()
		fmt.Printf("kernel 3, stride 2, dilation %d: tile %v, pixels no tap reaches: %v\n", d, tile.Counts, st.Min == 0)
	}
	// Output:
	// kernel 3, stride 2, dilation 1: tile [4 2 2 1], pixels no tap reaches: false
	// kernel 3, stride 2, dilation 2: tile [9 0 0 0], pixels no tap reaches: true
	// kernel 3, stride 2, dilation 3: tile [4 2 2 1], pixels no tap reaches: false
}
