package docs_test

import (
	"fmt"
	"log"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// One layer, (1, 8, 5, 5) → 16 channels with a 3x3 kernel and stride 2,
// written as PyTorch, ONNX and Keras would write it.
func Example_portingOptions() {
	x, w := tensor.Shape{1, 8, 5, 5}, tensor.Shape{8, 16, 3, 3}
	layers := []struct {
		source string
		opts   []ct.Option
	}{
		// nn.ConvTranspose2d(8, 16, 3, stride=2, padding=1, output_padding=1)
		{"PyTorch padding=1 output_padding=1", []ct.Option{ct.WithStride(2, 2), ct.WithPadding(1, 1), ct.WithOutputPadding(1, 1)}},
		// ConvTranspose(strides=[2,2], pads=[0,1,1,0]): top, left, bottom, right
		{"ONNX pads=[0,1,1,0]", []ct.Option{ct.WithStride(2, 2), ct.WithPads(0, 1, 1, 0)}},
		// ConvTranspose(strides=[2,2], auto_pad="SAME_UPPER")
		{"ONNX auto_pad=SAME_UPPER", []ct.Option{ct.WithStride(2, 2), ct.WithAutoPad(ct.AutoPadSameUpper)}},
		// Conv2DTranspose(16, 3, strides=2, padding="same")
		{`Keras padding="same"`, []ct.Option{ct.WithStride(2, 2), ct.WithAutoPad(ct.AutoPadSameUpper)}},
		// Conv2DTranspose(16, 3, strides=2, padding="valid"): in·stride + max(k − stride, 0)
		{`Keras padding="valid"`, []ct.Option{ct.WithStride(2, 2), ct.WithAutoPad(ct.AutoPadValid)}},
	}
	for _, l := range layers {
		s, err := ct.OutputShape(x, w, l.opts...)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-36s %v\n", l.source, s)
	}
	// Output:
	// PyTorch padding=1 output_padding=1   (1, 16, 10, 10)
	// ONNX pads=[0,1,1,0]                  (1, 16, 10, 10)
	// ONNX auto_pad=SAME_UPPER             (1, 16, 10, 10)
	// Keras padding="same"                 (1, 16, 10, 10)
	// Keras padding="valid"                (1, 16, 11, 11)
}

// A gradient penalty differentiates a gradient. Gorgonia v0.9.18's Grad
// reuses the derivatives its first call left on shared nodes and returns the
// first gradient again; convtranspose.Grad (and the patched Backpropagate)
// return ∂P/∂x = 8·x⊙w⁴.
func Example_secondGrad() {
	for _, grad := range []struct {
		name string
		fn   func(*G.Node, ...*G.Node) (G.Nodes, error)
	}{{"gorgonia.Grad", G.Grad}, {"convtranspose.Grad", ct.Grad}} {
		g := G.NewGraph()
		x := G.NewVector(g, G.Float64, G.WithShape(3), G.WithName("x"), G.WithInit(G.RangedFrom(1)))
		w := G.NewVector(g, G.Float64, G.WithShape(3), G.WithName("w"), G.WithInit(G.RangedFrom(1)))
		y := G.Must(G.HadamardProd(x, w))
		dx, err := G.Grad(G.Must(G.Sum(G.Must(G.Square(y)))), x) // 2·x⊙w²
		if err != nil {
			log.Fatal(err)
		}
		second, err := grad.fn(G.Must(G.Sum(G.Must(G.Square(dx[0])))), x)
		if err != nil {
			log.Fatal(err)
		}
		m := G.NewTapeMachine(g)
		if err := m.RunAll(); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-18s ∂P/∂x = %v\n", grad.name, second[0].Value().Data())
		m.Close()
	}
	// Output:
	// gorgonia.Grad      ∂P/∂x = [2 16 54]
	// convtranspose.Grad ∂P/∂x = [8 256 1944]
}
