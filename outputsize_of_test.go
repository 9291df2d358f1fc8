package convtranspose_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// layerCase is an encoder convolution and the decoder that undoes its size.
type layerCase struct {
	name       string
	k, s, p, d int
}

var layerCases = []layerCase{
	{"k3_s2_p1", 3, 2, 1, 1},
	{"k4_s2_p1", 4, 2, 1, 1},
	{"k3_s3_p0", 3, 3, 0, 1},
	{"k5_s2_p2_d2", 5, 2, 2, 2},
	{"k2_s4_p1", 2, 4, 1, 1},
}

// TestOutputSizeOfGivesBackTheInput builds, for odd and even sizes, an
// encoder convolution x → h and a decoder ConvTranspose2d(h,
// WithOutputSizeOf(x)), and checks that the decoder's output has x's size,
// that it equals the decoder with the right output padding spelled out, and
// that with the encoder's filter the pair is an exact adjoint pair.
func TestOutputSizeOfGivesBackTheInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	sizes := [][2]int{{15, 15}, {28, 28}, {15, 28}, {14, 9}, {7, 16}, {31, 2}, {1, 5}}
	for _, l := range layerCases {
		for _, hw := range sizes {
			t.Run(fmt.Sprintf("%s_%dx%d", l.name, hw[0], hw[1]), func(t *testing.T) {
				opts := []ct.Option{ct.WithStride(l.s, l.s), ct.WithPadding(l.p, l.p), ct.WithDilation(l.d, l.d)}
				g := G.NewGraph()
				xShape := []int{2, 3, hw[0], hw[1]}
				x := constant(g, xShape, randoms(rng, prod(xShape)), "x")
				wShape := []int{4, 3, l.k, l.k}
				w := constant(g, wShape, randoms(rng, prod(wShape)), "w")
				h, err := ct.Conv2d(x, w, opts...)
				if err != nil {
					if hw[0]+2*l.p < l.d*(l.k-1)+1 || hw[1]+2*l.p < l.d*(l.k-1)+1 {
						return // the kernel does not fit: no encoder, nothing to undo
					}
					t.Fatal(err)
				}
				up, err := ct.ConvTranspose2d(h, w, append(opts, ct.WithOutputSizeOf(x))...)
				if err != nil {
					t.Fatal(err)
				}
				if !up.Shape().Eq(x.Shape()) {
					t.Fatalf("decoder output %v, want the encoder input's %v", up.Shape(), x.Shape())
				}
				shape, err := ct.OutputShape(h.Shape(), w.Shape(), append(opts, ct.WithOutputSizeOf(x))...)
				if err != nil || !shape.Eq(x.Shape()) {
					t.Fatalf("OutputShape = %v, %v; want %v", shape, err, x.Shape())
				}
				// The same with the output padding worked out by hand.
				var op [2]int
				for a := 0; a < 2; a++ {
					lo, _ := ct.OutputSizeRange(h.Shape()[2+a], l.k, l.s, l.p, l.p, l.d)
					op[a] = hw[a] - lo
				}
				byHand, err := ct.ConvTranspose2d(h, w, append(opts, ct.WithOutputPadding(op[0], op[1]))...)
				if err != nil {
					t.Fatalf("output padding %v: %v", op, err)
				}
				y := constant(g, h.Shape(), randoms(rng, h.Shape().TotalSize()), "y")
				back, err := ct.ConvTranspose2d(y, w, append(opts, ct.WithOutputSizeOf(x))...)
				if err != nil {
					t.Fatal(err)
				}
				lhs := G.Must(G.Sum(G.Must(G.HadamardProd(h, y))))
				rhs := G.Must(G.Sum(G.Must(G.HadamardProd(x, back))))
				run(t, g)
				a, b := up.Value().Data().([]float64), byHand.Value().Data().([]float64)
				for i := range a {
					if a[i] != b[i] {
						t.Fatalf("[%d]: %v with WithOutputSizeOf, %v with output padding %v", i, a[i], b[i], op)
					}
				}
				if l, r := lhs.Value().Data().(float64), rhs.Value().Data().(float64); math.Abs(l-r) > 1e-10*(1+math.Abs(l)) {
					t.Errorf("<Conv2d(x), y> = %v, <x, ConvTranspose2d(y)> = %v", l, r)
				}
			})
		}
	}
}

// TestOutputSizeOfGorgoniaEncoder undoes gorgonia.Conv2d's own size: an
// encoder this module does not build.
func TestOutputSizeOfGorgoniaEncoder(t *testing.T) {
	for _, side := range []int{15, 16, 27, 28} {
		g := G.NewGraph()
		x := G.NewTensor(g, tensor.Float64, 4, G.WithShape(1, 2, side, side+1), G.WithName("x"))
		w := G.NewTensor(g, tensor.Float64, 4, G.WithShape(3, 2, 3, 3), G.WithName("w"))
		h, err := G.Conv2d(x, w, tensor.Shape{3, 3}, []int{1, 1}, []int{2, 2}, []int{1, 1})
		if err != nil {
			t.Fatal(err)
		}
		wu := G.NewTensor(g, tensor.Float64, 4, G.WithShape(3, 2, 3, 3), G.WithName("wu"))
		up, err := ct.ConvTranspose2d(h, wu, ct.WithStride(2, 2), ct.WithPadding(1, 1), ct.WithOutputSizeOf(x))
		if err != nil {
			t.Fatalf("side %d: %v", side, err)
		}
		if !up.Shape().Eq(x.Shape()) {
			t.Errorf("side %d: decoder output %v, want %v", side, up.Shape(), x.Shape())
		}
	}
}

func TestOutputSizeOfErrors(t *testing.T) {
	g := G.NewGraph()
	h := G.NewTensor(g, tensor.Float64, 4, G.WithShape(1, 4, 7, 7), G.WithName("h"))
	w := G.NewTensor(g, tensor.Float64, 4, G.WithShape(4, 3, 3, 3), G.WithName("w"))
	enc := G.NewTensor(g, tensor.Float64, 4, G.WithShape(1, 3, 14, 15), G.WithName("enc"))
	flat := G.NewTensor(g, tensor.Float64, 3, G.WithShape(3, 14, 15), G.WithName("flat"))
	s2 := []ct.Option{ct.WithStride(2, 2), ct.WithPadding(1, 1)}
	cases := []struct {
		name string
		opts []ct.Option
		want string
	}{
		{"unreachable width", append(s2, ct.WithOutputSizeOf(enc)),
			"ConvTranspose2d: requested output width 15 (the width of enc, shape (1, 3, 14, 15), from WithOutputSizeOf) is not reachable from input width 7: valid sizes range from 13 to 14"},
		{"unreachable height", []ct.Option{ct.WithStride(1, 2), ct.WithPadding(1, 1), ct.WithOutputSizeOf(enc)},
			"ConvTranspose2d: requested output height 14 (the height of enc, shape (1, 3, 14, 15), from WithOutputSizeOf) is not reachable from input height 7: valid sizes range from 7 to 7"},
		{"nil node", append(s2, ct.WithOutputSizeOf(nil)), "ConvTranspose2d: the node given to WithOutputSizeOf is nil"},
		{"3-D node", append(s2, ct.WithOutputSizeOf(flat)), "ConvTranspose2d: the node flat given to WithOutputSizeOf must be 4-D (N, C, H, W), got shape (3, 14, 15)"},
		{"with output padding", append(s2, ct.WithOutputSizeOf(enc), ct.WithOutputPadding(1, 1)), "output size [14 15] and output padding [1 1] cannot both be set"},
		{"with SAME", []ct.Option{ct.WithStride(2, 2), ct.WithAutoPad(ct.AutoPadSameUpper), ct.WithOutputSizeOf(enc)}, "cannot be combined with auto pad SAME_UPPER"},
		// A later WithOutputSize replaces WithOutputSizeOf, and the error no
		// longer names the node.
		{"replaced", append(s2, ct.WithOutputSizeOf(enc), ct.WithOutputSize(20, 13)),
			"ConvTranspose2d: requested output height 20 is not reachable from input height 7: valid sizes range from 13 to 14"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := ct.ConvTranspose2d(h, w, c.opts...)
			if err == nil || !strings.Contains(err.Error(), c.want) || n != nil {
				t.Errorf("error %v, want one containing %q and no node", err, c.want)
			}
			if _, shapeErr := ct.OutputShape(h.Shape(), w.Shape(), c.opts...); shapeErr == nil || shapeErr.Error() != err.Error() {
				t.Errorf("OutputShape reports %v, ConvTranspose2d %v", shapeErr, err)
			}
		})
	}
	// WithOutputSizeOf replaces an earlier WithOutputSize.
	enc13 := G.NewTensor(g, tensor.Float64, 4, G.WithShape(1, 3, 14, 13), G.WithName("enc13"))
	n, err := ct.ConvTranspose2d(h, w, append(s2, ct.WithOutputSize(99, 99), ct.WithOutputSizeOf(enc13))...)
	if err != nil || !n.Shape().Eq(tensor.Shape{1, 3, 14, 13}) {
		t.Errorf("WithOutputSizeOf after WithOutputSize: %v, %v; want shape (1, 3, 14, 13)", n, err)
	}
	// Conv2d has no output size to choose.
	x := G.NewTensor(g, tensor.Float64, 4, G.WithShape(1, 3, 14, 15), G.WithName("x"))
	wc := G.NewTensor(g, tensor.Float64, 4, G.WithShape(4, 3, 3, 3), G.WithName("wc"))
	if _, err := ct.Conv2d(x, wc, ct.WithOutputSizeOf(enc)); err == nil || !strings.Contains(err.Error(), "apply to ConvTranspose2d only") {
		t.Errorf("Conv2d with WithOutputSizeOf: error %v", err)
	}
}

// TestOutputSizeErrorsUseRange checks that every way of setting the padding
// reports, for an unreachable output size, the range OutputSizeRange gives.
func TestOutputSizeErrorsUseRange(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float64, 4, G.WithShape(1, 2, 6, 5), G.WithName("x"))
	w := G.NewTensor(g, tensor.Float64, 4, G.WithShape(2, 2, 3, 4), G.WithName("w"))
	cases := []struct {
		name                   string
		opts                   []ct.Option
		s, d, top, bottom, out int
	}{
		{"symmetric", []ct.Option{ct.WithStride(3, 1), ct.WithPadding(1, 0)}, 3, 1, 1, 1, 20},
		{"asymmetric", []ct.Option{ct.WithStride(2, 1), ct.WithPads(0, 2, 0, 0)}, 2, 1, 0, 2, 9},
		{"dilation", []ct.Option{ct.WithStride(2, 1), ct.WithDilation(3, 1)}, 2, 3, 0, 0, 20},
		{"VALID", []ct.Option{ct.WithStride(2, 1), ct.WithAutoPad(ct.AutoPadValid)}, 2, 1, 0, 0, 10},
	}
	for _, c := range cases {
		for _, mode := range allModes {
			lo, hi := ct.OutputSizeRange(6, 3, c.s, c.top, c.bottom, c.d)
			want := fmt.Sprintf("requested output height %d is not reachable from input height 6: valid sizes range from %d to %d", c.out, lo, hi)
			opts := append(c.opts, ct.WithOutputSize(c.out, 8), ct.WithPaddingMode(mode))
			if _, err := ct.ConvTranspose2d(x, w, opts...); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s, %v: error %v, want one containing %q", c.name, mode, err, want)
			}
		}
	}
}

// A U-Net decoder must give back the size of the encoder feature map it is
// concatenated with. With stride 2, inputs of 15 and 14 rows both shrink to
// 8 and 7; WithOutputSizeOf(x) undoes each exactly, where a fixed output
// padding would be right for only one of them.
func ExampleWithOutputSizeOf() {
	for _, side := range []int{15, 14, 28} {
		g := G.NewGraph()
		x := G.NewTensor(g, tensor.Float32, 4, G.WithShape(1, 3, side, side), G.WithName("x"))
		down := G.NewTensor(g, tensor.Float32, 4, G.WithShape(8, 3, 3, 3), G.WithName("down"))
		up := G.NewTensor(g, tensor.Float32, 4, G.WithShape(8, 3, 3, 3), G.WithName("up"))

		h := G.Must(ct.Conv2d(x, down, ct.WithStride(2, 2), ct.WithPadding(1, 1)))
		y := G.Must(ct.ConvTranspose2d(h, up, ct.WithStride(2, 2), ct.WithPadding(1, 1), ct.WithOutputSizeOf(x)))
		fmt.Println(x.Shape(), "→", h.Shape(), "→", y.Shape())
	}
	// Output:
	// (1, 3, 15, 15) → (1, 8, 8, 8) → (1, 3, 15, 15)
	// (1, 3, 14, 14) → (1, 8, 7, 7) → (1, 3, 14, 14)
	// (1, 3, 28, 28) → (1, 8, 14, 14) → (1, 3, 28, 28)
}
