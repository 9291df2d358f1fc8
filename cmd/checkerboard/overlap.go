package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gorgonia-ext/convtranspose/nnops"
)

// overlapPairs are the kernel sizes and strides whose overlap maps are
// drawn: kernels that the stride divides beside ones it does not.
var overlapPairs = []struct{ kernel, stride int }{
	{2, 2}, {3, 2}, {4, 2}, {5, 2}, {6, 2}, {3, 3}, {4, 3}, {6, 3},
}

// overlapInput is the side of the input whose transposed convolution's
// overlap map is drawn, and overlapCell the side of one output pixel in
// the picture.
const overlapInput, overlapCell = 6, 10

func overlapFile(kernel, stride int) string {
	return fmt.Sprintf("overlap-k%d-s%d.png", kernel, stride)
}

// writeOverlaps draws the overlap map of every pair into dir.
func writeOverlaps(dir string) error {
	for _, p := range overlapPairs {
		o, err := nnops.OverlapMap(nnops.OverlapSpec{Kernel: [2]int{p.kernel, p.kernel}, Stride: [2]int{p.stride, p.stride}},
			overlapInput, overlapInput)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := o.WritePNG(&buf, overlapCell); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, overlapFile(p.kernel, p.stride)), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
