// Command port runs, in Gorgonia, a DCGAN-style generator that PyTorch
// trained, and checks that it computes what PyTorch computed.
//
// testdata/make_generator.py trains the generator in PyTorch, saves its
// state_dict as safetensors, a batch of latent vectors and PyTorch's output
// for them. This program loads the state_dict with package weights, folds
// each BatchNorm2d into the ConvTranspose2d before it, rebuilds the network
// with convtranspose.ConvTranspose2d, runs it on the same latent vectors and
// reports the largest difference from PyTorch's output:
//
//	go run ./examples/port
//	go run ./examples/port -weights my.safetensors -z z.npy -want out.npy
package main

import (
	"flag"
	"fmt"
	"log"
	"math"
	"os"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gorgonia-ext/convtranspose/weights"
)

// tolerance is the largest absolute difference accepted between Go's and
// PyTorch's float32 outputs: both sum the same products in different orders.
const tolerance = 1e-5

func main() {
	dir := "examples/port/testdata/"
	if _, err := os.Stat(dir); err != nil {
		dir = "testdata/" // run from the example's own folder
	}
	weightsPath := flag.String("weights", dir+"generator.safetensors", "PyTorch state_dict in safetensors format")
	zPath := flag.String("z", dir+"z.npy", "latent vectors (N, 8, 1, 1), .npy")
	wantPath := flag.String("want", dir+"want.npy", "PyTorch's output for z (N, 1, 16, 16), .npy")
	flag.Parse()

	got, want, err := run(*weightsPath, *zPath, *wantPath)
	if err != nil {
		log.Fatal(err)
	}
	diff := maxAbsDiff(got, want)
	fmt.Printf("output %v, max |Go − PyTorch| = %.3g (tolerance %g)\n", got.Shape(), diff, tolerance)
	fmt.Println("first image, Go:")
	fmt.Print(render(got))
	if !(diff <= tolerance) {
		os.Exit(1)
	}
}

// run loads the generator and z, runs the generator, and returns its output
// and PyTorch's.
func run(weightsPath, zPath, wantPath string) (got, want *tensor.Dense, err error) {
	state, err := weights.LoadSafetensors(weightsPath)
	if err != nil {
		return nil, nil, err
	}
	z, err := weights.LoadNpy(zPath)
	if err != nil {
		return nil, nil, err
	}
	if want, err = weights.LoadNpy(wantPath); err != nil {
		return nil, nil, err
	}
	g := G.NewGraph()
	m, err := NewGenerator(g, state)
	if err != nil {
		return nil, nil, err
	}
	zn := G.NewTensor(g, tensor.Float32, 4, G.WithShape(z.Shape()...), G.WithName("z"), G.WithValue(z))
	out, err := m.Forward(zn)
	if err != nil {
		return nil, nil, err
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return nil, nil, err
	}
	if !out.Shape().Eq(want.Shape()) {
		return nil, nil, fmt.Errorf("output shape %v, PyTorch's is %v", out.Shape(), want.Shape())
	}
	return out.Value().(*tensor.Dense).Clone().(*tensor.Dense), want, nil
}

// maxAbsDiff returns the largest |a − b| over two float32 tensors of one
// size; NaN anywhere makes it NaN.
func maxAbsDiff(a, b *tensor.Dense) float64 {
	x, y := a.Data().([]float32), b.Data().([]float32)
	var m float64
	for i := range x {
		d := math.Abs(float64(x[i]) - float64(y[i]))
		if d > m || math.IsNaN(d) {
			m = d
		}
	}
	return m
}

// render draws the first image of a batch (values in [−1, 1]) as text.
func render(t *tensor.Dense) string {
	s := t.Shape()
	h, w := s[2], s[3]
	ramp := " .:-=+*#%@"
	d := t.Data().([]float32)
	var out []byte
	for i := range h {
		for j := range w {
			v := (float64(d[i*w+j]) + 1) / 2
			k := int(math.Round(v * float64(len(ramp)-1)))
			k = min(max(k, 0), len(ramp)-1)
			out = append(out, ramp[k], ramp[k])
		}
		out = append(out, '\n')
	}
	return string(out)
}
