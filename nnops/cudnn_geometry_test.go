package nnops

import (
	"math/rand/v2"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// cudnnCase is one convolution of the family, with the options of package
// convtranspose, and whether cuDNN can express it.
type cudnnCase struct {
	name       string
	transposed bool
	dt         tensor.Dtype
	x, w       tensor.Shape
	stride     [2]int
	dilation   [2]int
	pads       [4]int // top, bottom, left, right; with autoPad, the top and left that it resolves to
	autoPad    ct.AutoPad
	outPad     [2]int
	groups     int
	wantErr    string // "" when cuDNN can express it
}

func (c cudnnCase) options() []ct.Option {
	opts := []ct.Option{ct.WithStride(c.stride[0], c.stride[1]), ct.WithDilation(c.dilation[0], c.dilation[1]),
		ct.WithGroups(c.groups)}
	if c.autoPad != ct.AutoPadNotSet {
		opts = append(opts, ct.WithAutoPad(c.autoPad))
	} else {
		opts = append(opts, ct.WithPads(c.pads[0], c.pads[1], c.pads[2], c.pads[3]))
	}
	if c.transposed {
		opts = append(opts, ct.WithOutputPadding(c.outPad[0], c.outPad[1]))
	}
	return opts
}

// resolve returns the case's resolvedConv, with the sizes package
// convtranspose computes for its options.
func (c cudnnCase) resolve(t *testing.T) resolvedConv {
	t.Helper()
	r := resolvedConv{Batch: c.x[0], Kernel: [2]int{c.w[2], c.w[3]}, Stride: c.stride, Dilation: c.dilation,
		Pad: [2]int{c.pads[0], c.pads[2]}, Groups: c.groups}
	if c.transposed {
		out, err := ct.OutputShape(c.x, c.w, c.options()...)
		if err != nil {
			t.Fatal(err)
		}
		r.SmallChannels, r.Small = c.x[1], [2]int{c.x[2], c.x[3]}
		r.BigChannels, r.Big = out[1], [2]int{out[2], out[3]}
		return r
	}
	out, err := ct.ConvOutputShape(c.x, c.w, c.options()...)
	if err != nil {
		t.Fatal(err)
	}
	r.BigChannels, r.Big = c.x[1], [2]int{c.x[2], c.x[3]}
	r.SmallChannels, r.Small = out[1], [2]int{out[2], out[3]}
	return r
}

// run evaluates the case's op on x and w, with opts.
func (c cudnnCase) run(t *testing.T, x, w []float64, opts []ct.Option) []float64 {
	t.Helper()
	g := gorgonia.NewGraph()
	xn := gorgonia.NewTensor(g, c.dt, 4, gorgonia.WithShape(c.x...), gorgonia.WithName("x"), gorgonia.WithValue(newTensor(c.dt, c.x, x)))
	wn := gorgonia.NewTensor(g, c.dt, 4, gorgonia.WithShape(c.w...), gorgonia.WithName("w"), gorgonia.WithValue(newTensor(c.dt, c.w, w)))
	build := ct.Conv2d
	if c.transposed {
		build = ct.ConvTranspose2d
	}
	y, err := build(xn, wn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	return floats(t, y.Value())
}

// TestCUDNNConv checks the translation to cuDNN's descriptors on the CPU,
// where cuDNN's semantics can be reproduced: backward-data with padding p
// at both ends and an output of size Big is ConvTranspose2d with padding
// p and output size Big (the adjoint of the forward convolution), and
// forward is Conv2d with padding p. Where newCUDNNConv accepts a case,
// that reproduction must give the values of the case's own options; where
// it refuses one, convtranspose's own size rule must confirm that the
// symmetric padding maps Big to another size.
func TestCUDNNConv(t *testing.T) {
	f64, f32 := tensor.Float64, tensor.Float32
	tests := []cudnnCase{
		{"transposed/DCGAN k4 s2 p1", true, f32, tensor.Shape{2, 6, 5, 4}, tensor.Shape{6, 3, 4, 4}, [2]int{2, 2}, [2]int{1, 1}, [4]int{1, 1, 1, 1}, ct.AutoPadNotSet, [2]int{0, 0}, 1, ""},
		{"transposed/k3 s2 p1 output padding 1", true, f64, tensor.Shape{1, 3, 4, 5}, tensor.Shape{3, 2, 3, 3}, [2]int{2, 2}, [2]int{1, 1}, [4]int{1, 1, 1, 1}, ct.AutoPadNotSet, [2]int{1, 1}, 1, ""},
		{"transposed/groups dilation stride 3 output padding 2", true, f64, tensor.Shape{2, 4, 3, 4}, tensor.Shape{4, 3, 3, 2}, [2]int{3, 3}, [2]int{2, 1}, [4]int{2, 2, 0, 0}, ct.AutoPadNotSet, [2]int{2, 1}, 2, ""},
		{"transposed/extra padding at the start", true, f64, tensor.Shape{1, 2, 4, 5}, tensor.Shape{2, 2, 3, 3}, [2]int{2, 2}, [2]int{1, 1}, [4]int{1, 0, 2, 1}, ct.AutoPadNotSet, [2]int{0, 0}, 1, ""},
		{"transposed/extra padding at the end", true, f64, tensor.Shape{1, 2, 4, 5}, tensor.Shape{2, 2, 3, 3}, [2]int{2, 2}, [2]int{1, 1}, [4]int{0, 1, 0, 0}, ct.AutoPadNotSet, [2]int{0, 0}, 1, "with padding 0 at both ends of the height, size 8 maps to 3, not 4"},
		{"transposed/stride 1 extra padding at the start", true, f64, tensor.Shape{1, 2, 4, 5}, tensor.Shape{2, 2, 3, 3}, [2]int{1, 1}, [2]int{1, 1}, [4]int{0, 0, 1, 0}, ct.AutoPadNotSet, [2]int{0, 0}, 1, "size 6 maps to 6, not 5"},
		{"transposed/output padding not below the stride", true, f64, tensor.Shape{1, 2, 4, 5}, tensor.Shape{2, 2, 3, 3}, [2]int{1, 1}, [2]int{2, 2}, [4]int{0, 0, 0, 0}, ct.AutoPadNotSet, [2]int{1, 0}, 1, "size 9 maps to 5, not 4"},
		{"conv/k3 s2 p1", false, f32, tensor.Shape{2, 3, 7, 6}, tensor.Shape{4, 3, 3, 3}, [2]int{2, 2}, [2]int{1, 1}, [4]int{1, 1, 1, 1}, ct.AutoPadNotSet, [2]int{}, 1, ""},
		{"conv/unused padding at the end", false, f64, tensor.Shape{1, 2, 6, 6}, tensor.Shape{2, 2, 3, 3}, [2]int{2, 2}, [2]int{1, 1}, [4]int{1, 0, 1, 0}, ct.AutoPadNotSet, [2]int{}, 1, ""},
		{"conv/groups 3 dilation 2", false, f64, tensor.Shape{2, 6, 9, 8}, tensor.Shape{3, 2, 3, 2}, [2]int{1, 2}, [2]int{2, 2}, [4]int{2, 2, 1, 1}, ct.AutoPadNotSet, [2]int{}, 3, ""},
		{"conv/extra padding at the end", false, f64, tensor.Shape{1, 2, 6, 6}, tensor.Shape{2, 2, 3, 3}, [2]int{1, 1}, [2]int{1, 1}, [4]int{0, 1, 1, 1}, ct.AutoPadNotSet, [2]int{}, 1, "size 6 maps to 4, not 5"},
		// ONNX's SAME_UPPER with kernel 1, stride 2: pads 0 and −1, the last row has no tap
		{"transposed/SAME_UPPER crops the end", true, f64, tensor.Shape{1, 2, 3, 4}, tensor.Shape{2, 2, 1, 1}, [2]int{2, 2}, [2]int{1, 1}, [4]int{0, -1, 0, -1}, ct.AutoPadSameUpper, [2]int{0, 0}, 1, ""},
		// SAME_LOWER puts the −1 first: the windows start one row late
		{"transposed/SAME_LOWER crops the start", true, f64, tensor.Shape{1, 2, 3, 4}, tensor.Shape{2, 2, 1, 1}, [2]int{2, 2}, [2]int{1, 1}, [4]int{-1, 0, -1, 0}, ct.AutoPadSameLower, [2]int{0, 0}, 1, "cuDNN cannot crop: padding before the height is -1"},
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			r := c.resolve(t)
			d, err := newCUDNNConv("test", r)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				// convtranspose's rule agrees that the symmetric padding misses
				filter := tensor.Shape{r.SmallChannels, r.BigChannels / r.Groups, r.Kernel[0], r.Kernel[1]}
				got, err := ct.ConvOutputShape(tensor.Shape{r.Batch, r.BigChannels, r.Big[0], r.Big[1]}, filter,
					ct.WithPadding(r.Pad[0], r.Pad[1]), ct.WithStride(c.stride[0], c.stride[1]),
					ct.WithDilation(c.dilation[0], c.dilation[1]), ct.WithGroups(c.groups))
				if err == nil && got[2] == r.Small[0] && got[3] == r.Small[1] {
					t.Errorf("refused, but the symmetric padding maps %v to %v", r.Big, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !d.Filter.Eq(c.w) {
				t.Errorf("filter descriptor %v, want the filter's shape %v", d.Filter, c.w)
			}
			x := make([]float64, c.x.TotalSize())
			w := make([]float64, c.w.TotalSize())
			Normal(0, 1)(rng, 0, x)
			Normal(0, 1)(rng, 0, w)
			want := c.run(t, x, w, c.options())
			emulated := []ct.Option{ct.WithPadding(d.Pad[0], d.Pad[1]), ct.WithStride(d.Stride[0], d.Stride[1]),
				ct.WithDilation(d.Dilation[0], d.Dilation[1]), ct.WithGroups(d.Groups)}
			if c.transposed {
				emulated = append(emulated, ct.WithOutputSize(d.Big[2], d.Big[3]))
			}
			compare(t, "cuDNN's call reproduced on the CPU", c.run(t, x, w, emulated), want, tolerance(c.dt))
		})
	}
}

// TestCUDNNConvErrors checks what newCUDNNConv refuses before any size rule.
func TestCUDNNConvErrors(t *testing.T) {
	ok := resolvedConv{Batch: 1, BigChannels: 2, SmallChannels: 2, Kernel: [2]int{1, 1}, Stride: [2]int{2, 2},
		Dilation: [2]int{1, 1}, Big: [2]int{8, 8}, Small: [2]int{4, 4}, Groups: 1}
	if _, err := newCUDNNConv("test", ok); err != nil {
		t.Fatalf("the base case fails: %v", err)
	}
	tests := []struct {
		name string
		edit func(*resolvedConv)
		want string
	}{
		// ONNX's SAME_LOWER with kernel 1 and stride 2 crops the start of the output
		{"negative padding", func(r *resolvedConv) { r.Pad = [2]int{-1, -1} }, "cuDNN cannot crop: padding before the height is -1"},
		{"groups", func(r *resolvedConv) { r.Groups = 3 }, "groups 3 must divide both channel counts 2 and 2"},
		{"zero groups", func(r *resolvedConv) { r.Groups = 0 }, "groups 0 must divide"},
		{"stride", func(r *resolvedConv) { r.Stride = [2]int{0, 2} }, "stride [0 2]"},
	}
	for _, tt := range tests {
		r := ok
		tt.edit(&r)
		if _, err := newCUDNNConv("test", r); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}
