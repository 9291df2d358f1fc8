package nnops_test

import (
	"bytes"
	"fmt"
	"image/png"
	"log"

	"github.com/gorgonia-ext/convtranspose/nnops"
)

// Kernel 3 with stride 2 writes 1, 2 or 4 taps to neighbouring pixels: a
// checkerboard. Kernel 4 with stride 2 writes 4 taps everywhere inside.
func ExampleOverlapPeriod() {
	for _, k := range []int{3, 4} {
		per, err := nnops.OverlapPeriod(nnops.OverlapSpec{Kernel: [2]int{k, k}, Stride: [2]int{2, 2}})
		if err != nil {
			log.Fatal(err)
		}
		st := per.Stats()
		fmt.Printf("kernel %d stride 2: period %v, even %v, max/min %v, CV %.3f\n", k, per.Counts, st.Even(), st.Ratio, st.CV)
	}
	// Output:
	// kernel 3 stride 2: period [4 2 2 1], even false, max/min 4, CV 0.484
	// kernel 4 stride 2: period [4 4 4 4], even true, max/min 1, CV 0.000
}

func ExampleOverlapMap() {
	o, err := nnops.OverlapMap(nnops.OverlapSpec{Kernel: [2]int{1, 3}, Stride: [2]int{1, 2}}, 1, 4)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.H, o.W, o.Counts)
	// Output:
	// 1 9 [1 1 2 1 2 1 2 1 1]
}

func ExampleOverlap_WritePNG() {
	o, err := nnops.OverlapMap(nnops.OverlapSpec{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}}, 8, 8)
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer // an *os.File to save it
	if err := o.WritePNG(&buf, 12); err != nil {
		log.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(img.Bounds().Size())
	// Output:
	// (204,204)
}
