package convtranspose_test

import (
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// TestConvTranspose2dErrors checks that every bad argument gives an error
// naming it and its value, and no node.
func TestConvTranspose2dErrors(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float64, 4, G.WithShape(2, 4, 5, 5), G.WithName("x"))
	w := G.NewTensor(g, tensor.Float64, 4, G.WithShape(4, 3, 3, 3), G.WithName("w"))
	x32 := G.NewTensor(g, tensor.Float32, 4, G.WithShape(2, 4, 5, 5), G.WithName("x32"))
	xInt := G.NewTensor(g, tensor.Int, 4, G.WithShape(2, 4, 5, 5), G.WithName("xi"))
	x3d := G.NewTensor(g, tensor.Float64, 3, G.WithShape(4, 5, 5), G.WithName("x3"))
	w3d := G.NewTensor(g, tensor.Float64, 3, G.WithShape(4, 3, 3), G.WithName("w3"))
	w5 := G.NewTensor(g, tensor.Float64, 4, G.WithShape(5, 3, 3, 3), G.WithName("w5"))
	b := G.NewVector(g, tensor.Float64, G.WithShape(3), G.WithName("b"))
	b4 := G.NewVector(g, tensor.Float64, G.WithShape(4), G.WithName("b4"))
	b32 := G.NewVector(g, tensor.Float32, G.WithShape(3), G.WithName("b32"))
	bm := G.NewMatrix(g, tensor.Float64, G.WithShape(3, 1), G.WithName("bm"))

	cases := []struct {
		name string
		x, w *G.Node
		opts []ct.Option
		want string
	}{
		{"nil x", nil, w, nil, "x is nil"},
		{"nil filter", x, nil, nil, "filter is nil"},
		{"x not 4-D", x3d, w, nil, "x must be 4-D (N, C_in, H, W), got shape (4, 5, 5)"},
		{"filter not 4-D", x, w3d, nil, "filter must be 4-D (C_in, C_out/groups, kH, kW), got shape (4, 3, 3)"},
		{"non-float", xInt, w, nil, "x must be float32 or float64, got int"},
		{"mixed dtypes", x32, w, nil, "filter's dtype float64 differs from x's float32"},
		{"channel mismatch", x, w5, nil, "filter's first dimension must equal x's channels 4, got filter shape (5, 3, 3, 3)"},
		{"zero groups", x, w, []ct.Option{ct.WithGroups(0)}, "groups must be positive, got 0"},
		{"groups not dividing", x, w, []ct.Option{ct.WithGroups(3)}, "groups 3 must divide x's channels 4"},
		{"zero stride", x, w, []ct.Option{ct.WithStride(0, 1)}, "stride must be positive, got (0, 1)"},
		{"negative dilation", x, w, []ct.Option{ct.WithDilation(1, -2)}, "dilation must be positive, got (1, -2)"},
		{"negative padding", x, w, []ct.Option{ct.WithPadding(-1, 0)}, "padding must not be negative, got top -1, bottom -1, left 0, right 0"},
		{"negative pads", x, w, []ct.Option{ct.WithPads(0, 0, 0, -3)}, "right -3"},
		{"negative output padding", x, w, []ct.Option{ct.WithOutputPadding(-1, 0)}, "output padding must be at least 0 and smaller than the stride or the dilation, got -1 along the height"},
		{"output padding too big", x, w, []ct.Option{ct.WithStride(2, 2), ct.WithOutputPadding(0, 2)}, "got 2 along the width (stride 2, dilation 1; reachable output sizes 11 to 12)"},
		{"output size zero", x, w, []ct.Option{ct.WithOutputSize(0, 7)}, "output size must be positive, got (0, 7)"},
		{"output size above range", x, w, []ct.Option{ct.WithStride(2, 2), ct.WithOutputSize(11, 13)},
			"requested output width 13 is not reachable from input width 5: valid sizes range from 11 to 12"},
		{"output size below range", x, w, []ct.Option{ct.WithStride(2, 2), ct.WithOutputSize(10, 11)},
			"requested output height 10 is not reachable from input height 5: valid sizes range from 11 to 12"},
		{"output size and padding", x, w, []ct.Option{ct.WithOutputSize(7, 7), ct.WithOutputPadding(0, 0)}, "output size [7 7] and output padding [0 0] cannot both be set"},
		{"output shape zero", x, w, []ct.Option{ct.WithOutputShape(7, -1)}, "output shape must be positive, got (7, -1)"},
		{"auto pad and pads", x, w, []ct.Option{ct.WithAutoPad(ct.AutoPadSameUpper), ct.WithPadding(1, 1)}, "auto pad SAME_UPPER cannot be combined with explicit padding"},
		{"unknown auto pad", x, w, []ct.Option{ct.WithAutoPad(ct.AutoPad(9))}, "auto pad must be one of NOTSET, SAME_UPPER, SAME_LOWER, VALID, got AutoPad(9)"},
		{"padding eats the output", x, w, []ct.Option{ct.WithPadding(4, 0)}, "output height would be -1"},
		{"bias shape", x, w, []ct.Option{ct.WithBias(b4)}, "bias must have shape (3), the output channels, got (4)"},
		{"bias rank", x, w, []ct.Option{ct.WithBias(bm)}, "bias must have shape (3), the output channels, got (3, 1)"},
		{"bias dtype", x, w, []ct.Option{ct.WithBias(b32)}, "bias's dtype float32 differs from x's float64"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(g.AllNodes())
			n, err := ct.ConvTranspose2d(c.x, c.w, c.opts...)
			if err == nil {
				t.Fatalf("no error, got node of shape %v", n.Shape())
			}
			if n != nil {
				t.Errorf("got a node with the error")
			}
			if !strings.HasPrefix(err.Error(), "ConvTranspose2d: ") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
			if after := len(g.AllNodes()); after != before {
				t.Errorf("the graph grew from %d to %d nodes", before, after)
			}
		})
	}
	if _, err := ct.ConvTranspose2d(x, w, ct.WithBias(b)); err != nil {
		t.Errorf("the valid call failed: %v", err)
	}
}

// TestConv2dErrors checks Conv2d's own rules.
func TestConv2dErrors(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float64, 4, G.WithShape(1, 4, 5, 5), G.WithName("x"))
	w := G.NewTensor(g, tensor.Float64, 4, G.WithShape(6, 2, 3, 3), G.WithName("w"))
	cases := []struct {
		name string
		opts []ct.Option
		want string
	}{
		{"channels", nil, "filter's second dimension times groups must equal x's channels 4, got filter shape (6, 2, 3, 3) and groups 1"},
		{"groups", []ct.Option{ct.WithGroups(4)}, "groups 4 must divide x's channels 4 and the filter's output channels 6"},
		{"output padding", []ct.Option{ct.WithGroups(2), ct.WithOutputPadding(1, 1)}, "apply to ConvTranspose2d only"},
		{"kernel too big", []ct.Option{ct.WithGroups(2), ct.WithDilation(3, 1)}, "x's height 5 with padding 0+0 is smaller than the dilated kernel 7"},
	}
	for _, c := range cases {
		if _, err := ct.Conv2d(x, w, c.opts...); err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "Conv2d: ") {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

// TestOutputSizeRange checks the reachable sizes against PyTorch's rule
// (min + stride − 1) and the dilation allowance.
func TestOutputSizeRange(t *testing.T) {
	cases := []struct{ in, k, s, pb, pe, d, lo, hi int }{
		{7, 4, 2, 1, 1, 1, 14, 15},
		{16, 3, 2, 1, 1, 1, 31, 32},
		{5, 3, 1, 0, 0, 2, 9, 10}, // dilation 2 lets output padding 1 through at stride 1
		{4, 3, 3, 2, 1, 1, 9, 11}, // asymmetric padding
		{1, 1, 1, 0, 0, 1, 1, 1},
	}
	for _, c := range cases {
		lo, hi := ct.OutputSizeRange(c.in, c.k, c.s, c.pb, c.pe, c.d)
		if lo != c.lo || hi != c.hi {
			t.Errorf("OutputSizeRange%v = %d, %d, want %d, %d", []int{c.in, c.k, c.s, c.pb, c.pe, c.d}, lo, hi, c.lo, c.hi)
		}
		// Every size in the range is mapped back to the input size by the
		// convolution with the same parameters, with no output padding needed.
		for out := lo; out <= hi; out++ {
			if back := ct.ConvOutputSize(out, c.k, c.s, c.pb, c.pe, c.d); back < c.in {
				t.Errorf("size %d maps back to %d, want at least %d", out, back, c.in)
			}
		}
	}
}
