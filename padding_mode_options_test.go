package convtranspose_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// TestPaddingModeErrors checks the rules of the padding modes, for the
// builders and for OutputShape and ConvOutputShape, which must agree.
func TestPaddingModeErrors(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float64, 4, G.WithShape(1, 2, 5, 4), G.WithName("x"))
	w := G.NewTensor(g, tensor.Float64, 4, G.WithShape(2, 2, 3, 3), G.WithName("w"))
	w1 := G.NewTensor(g, tensor.Float64, 4, G.WithShape(2, 2, 1, 1), G.WithName("w1"))
	cases := []struct {
		name       string
		transposed bool
		w          *G.Node
		opts       []ct.Option
		want       string
	}{
		{"unknown mode", false, w, []ct.Option{ct.WithPaddingMode(ct.PaddingMode(9)), ct.WithPadding(1, 1)},
			"Conv2d: padding mode must be one of zeros, circular, reflect, replicate, got PaddingMode(9)"},
		{"unknown mode, no padding", true, w, []ct.Option{ct.WithPaddingMode(ct.PaddingMode(-1))},
			"ConvTranspose2d: padding mode must be one of zeros, circular, reflect, replicate, got PaddingMode(-1)"},
		{"reflect as big as the width", false, w, []ct.Option{ct.WithPaddingMode(ct.PaddingReflect), ct.WithPads(0, 0, 1, 4)},
			"Conv2d: reflect padding must be smaller than the padded image's width 4, got 1 and 4"},
		{"circular past the height", false, w, []ct.Option{ct.WithPaddingMode(ct.PaddingCircular), ct.WithPads(6, 0, 0, 0)},
			"Conv2d: circular padding must be at most the padded image's height 5, got 6 and 0"},
		// The transposed convolution's rules apply to its output, the padded
		// image of the convolution: 5x4 → 7x2 here, 4 columns.
		{"transposed reflect on the output", true, w, []ct.Option{ct.WithPaddingMode(ct.PaddingReflect), ct.WithPads(0, 0, 2, 2)},
			"ConvTranspose2d: reflect padding must be smaller than the padded image's width 2, got 2 and 2"},
		{"transposed circular on the output", true, w, []ct.Option{ct.WithPaddingMode(ct.PaddingCircular), ct.WithStride(2, 1), ct.WithPads(5, 2, 0, 0)},
			"ConvTranspose2d: circular padding must be at most the padded image's height 4, got 5 and 2"},
		{"negative padding from SAME", true, w1, []ct.Option{ct.WithPaddingMode(ct.PaddingReplicate), ct.WithStride(2, 2), ct.WithAutoPad(ct.AutoPadSameUpper)},
			"ConvTranspose2d: padding mode replicate needs padding that is not negative, got 0 and -1 along the height"},
		{"output padding past the stride", true, w, []ct.Option{ct.WithPaddingMode(ct.PaddingCircular), ct.WithPadding(1, 1), ct.WithDilation(2, 1), ct.WithOutputPadding(1, 0)},
			"ConvTranspose2d: padding mode circular needs an output height that the convolution maps back to the input height 5, got 8, which it maps to 6: the output padding must be smaller than the stride 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var n *G.Node
			var err, shapeErr error
			if c.transposed {
				n, err = ct.ConvTranspose2d(x, c.w, c.opts...)
				_, shapeErr = ct.OutputShape(x.Shape(), c.w.Shape(), c.opts...)
			} else {
				n, err = ct.Conv2d(x, c.w, c.opts...)
				_, shapeErr = ct.ConvOutputShape(x.Shape(), c.w.Shape(), c.opts...)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
			if n != nil {
				t.Errorf("a node was built despite the error")
			}
			if shapeErr == nil || err == nil || shapeErr.Error() != err.Error() {
				t.Errorf("the shape function reports %v, the builder %v", shapeErr, err)
			}
		})
	}
}

// TestPaddingModeResolvedPads checks that the paddings a mode applies are
// the ones the options resolve to: SAME auto pad and ONNX's output shape
// must give what explicit pads with the same values give.
func TestPaddingModeResolvedPads(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	cases := []struct {
		name       string
		transposed bool
		x, w       []int
		opts, pads []ct.Option
	}{
		// ConvTranspose2d, k3 s2 on 3x3: full 7, output 6, total 1.
		{"transposed SAME_UPPER", true, []int{1, 2, 3, 3}, []int{2, 2, 3, 3},
			[]ct.Option{ct.WithStride(2, 2), ct.WithAutoPad(ct.AutoPadSameUpper)}, []ct.Option{ct.WithStride(2, 2), ct.WithPads(0, 1, 0, 1)}},
		{"transposed SAME_LOWER", true, []int{1, 2, 3, 3}, []int{2, 2, 3, 3},
			[]ct.Option{ct.WithStride(2, 2), ct.WithAutoPad(ct.AutoPadSameLower)}, []ct.Option{ct.WithStride(2, 2), ct.WithPads(1, 0, 1, 0)}},
		{"transposed output shape", true, []int{1, 2, 3, 3}, []int{2, 2, 3, 3},
			[]ct.Option{ct.WithStride(2, 2), ct.WithOutputShape(5, 6)}, []ct.Option{ct.WithStride(2, 2), ct.WithPads(1, 1, 1, 0)}},
		// Conv2d, k4 s1 on 5x5: total 3.
		{"SAME_UPPER", false, []int{1, 2, 5, 5}, []int{2, 2, 4, 4},
			[]ct.Option{ct.WithAutoPad(ct.AutoPadSameUpper)}, []ct.Option{ct.WithPads(1, 2, 1, 2)}},
		{"SAME_LOWER s2", false, []int{1, 2, 5, 6}, []int{2, 2, 4, 4},
			[]ct.Option{ct.WithStride(2, 2), ct.WithAutoPad(ct.AutoPadSameLower)}, []ct.Option{ct.WithStride(2, 2), ct.WithPads(2, 1, 1, 1)}},
		{"VALID", false, []int{1, 2, 5, 5}, []int{2, 2, 3, 3},
			[]ct.Option{ct.WithAutoPad(ct.AutoPadValid)}, nil},
	}
	for _, c := range cases {
		for _, mode := range allModes[1:] {
			t.Run(c.name+"_"+mode.String(), func(t *testing.T) {
				g := G.NewGraph()
				x := constant(g, c.x, randoms(rng, prod(c.x)), "x")
				w := constant(g, c.w, randoms(rng, prod(c.w)), "w")
				build := ct.Conv2d
				if c.transposed {
					build = ct.ConvTranspose2d
				}
				auto, err := build(x, w, append(c.opts, ct.WithPaddingMode(mode))...)
				if err != nil {
					t.Fatal(err)
				}
				explicit, err := build(x, w, append(c.pads, ct.WithPaddingMode(mode))...)
				if err != nil {
					t.Fatal(err)
				}
				zeros, err := build(x, w, c.pads...)
				if err != nil {
					t.Fatal(err)
				}
				run(t, g)
				a, e, z := auto.Value().Data().([]float64), explicit.Value().Data().([]float64), zeros.Value().Data().([]float64)
				if !auto.Shape().Eq(explicit.Shape()) {
					t.Fatalf("shapes %v and %v", auto.Shape(), explicit.Shape())
				}
				differs := false
				for i := range a {
					if math.Abs(a[i]-e[i]) > 1e-12*(1+math.Abs(e[i])) {
						t.Fatalf("[%d]: %v with the option, %v with explicit pads", i, a[i], e[i])
					}
					differs = differs || a[i] != z[i]
				}
				if !differs && c.pads != nil {
					t.Errorf("the mode changed nothing: the test would not see a wrong padding")
				}
			})
		}
	}
}

// TestPaddingModeMachinesAgree runs an encoder–decoder with padding modes
// on the TapeMachine and the LispMachine and compares the gradients.
func TestPaddingModeMachinesAgree(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			build := func() (*G.ExprGraph, G.Nodes, *G.Node) {
				rng := rand.New(rand.NewPCG(43, 44))
				g := G.NewGraph()
				mk := func(shape []int, name string) *G.Node {
					v := randoms(rng, prod(shape))
					var d *tensor.Dense
					if dt == tensor.Float32 {
						f := make([]float32, len(v))
						for i := range v {
							f[i] = float32(v[i])
						}
						d = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(f))
					} else {
						d = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v))
					}
					return G.NewTensor(g, dt, len(shape), G.WithShape(shape...), G.WithValue(d), G.WithName(name))
				}
				x, wd, bd, wu, bu := mk([]int{2, 2, 7, 6}, "x"), mk([]int{4, 2, 3, 3}, "wd"), mk([]int{4}, "bd"),
					mk([]int{4, 2, 3, 3}, "wu"), mk([]int{2}, "bu")
				wz := mk([]int{3, 2, 3, 3}, "wz")
				h := G.Must(ct.Conv2d(x, wd, ct.WithStride(2, 2), ct.WithPadding(1, 1), ct.WithPaddingMode(ct.PaddingCircular), ct.WithBias(bd)))
				h = G.Must(G.Tanh(h))
				y := G.Must(ct.ConvTranspose2d(h, wu, ct.WithStride(2, 2), ct.WithPadding(1, 1), ct.WithPaddingMode(ct.PaddingReflect),
					ct.WithBias(bu), ct.WithOutputSizeOf(x)))
				z := G.Must(ct.Conv2d(y, wz, ct.WithPadding(2, 1), ct.WithPaddingMode(ct.PaddingReplicate)))
				loss := G.Must(G.Add(G.Must(G.Sum(G.Must(G.Square(y)))), G.Must(G.Sum(G.Must(G.Square(z))))))
				return g, G.Nodes{x, wd, bd, wu, bu, wz}, loss
			}
			machinesAgree(t, dt, build)
		})
	}
}
