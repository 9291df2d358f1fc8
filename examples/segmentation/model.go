package main

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"

	"github.com/gorgonia-ext/convtranspose"
	"github.com/gorgonia-ext/convtranspose/nnops"
)

// Upsampling is how the decoder doubles the resolution.
type Upsampling int

const (
	// Transposed is a learned transposed convolution, convtranspose.ConvTranspose2d with stride 2.
	Transposed Upsampling = iota
	// Nearest repeats each pixel 2x2 (nnops.Upsample2d), then a 3x3 convolution.
	Nearest
	// Bilinear interpolates (nnops.Upsample2d), then a 3x3 convolution.
	Bilinear
	// PixelShuffle moves groups of 4 channels into 2x2 blocks (nnops.PixelShuffle), then a 3x3 convolution.
	PixelShuffle
)

// Upsamplings lists every mode, in the order of the comparison table.
var Upsamplings = []Upsampling{Transposed, Nearest, Bilinear, PixelShuffle}

// String returns the mode's name for the -upsample flag.
func (u Upsampling) String() string {
	switch u {
	case Transposed:
		return "transposed"
	case Nearest:
		return "nearest"
	case Bilinear:
		return "bilinear"
	case PixelShuffle:
		return "pixelshuffle"
	}
	return fmt.Sprintf("Upsampling(%d)", int(u))
}

// Set parses a mode name; it makes Upsampling a flag.Value.
func (u *Upsampling) Set(s string) error {
	for _, m := range Upsamplings {
		if m.String() == s {
			*u = m
			return nil
		}
	}
	return fmt.Errorf("unknown up-sampling %q: want transposed, nearest, bilinear or pixelshuffle", s)
}

// Arch sizes the network.
type Arch struct {
	Width    int        // channels at full resolution; twice as many at 1/2, four times at 1/4
	Upsample Upsampling // the decoder's up-sampling
	Kernel   int        // kernel size of the transposed convolutions (Transposed only)
	Norm     bool       // batch normalisation after every layer but the head, instead of biases
}

func (a Arch) check() error {
	if a.Width < 2 || a.Width%2 != 0 {
		return fmt.Errorf("architecture %+v: width must be even and at least 2", a)
	}
	if a.Upsample < Transposed || a.Upsample > PixelShuffle {
		return fmt.Errorf("architecture %+v: unknown up-sampling %v", a, a.Upsample)
	}
	if a.Upsample == Transposed && (a.Kernel < 2 || a.Kernel > 4) {
		return fmt.Errorf("architecture %+v: transposed kernel must be 2, 3 or 4", a)
	}
	return nil
}

// layer is one convolution's learnables: its filter and bias names, the filter's shape and its fan-in.
type layer struct {
	name  string
	shape [4]int
	fanIn int
}

// layers lists the learnable layers of a. Convolution filters are (C_out, C_in, k, k); transposed
// convolution filters (C_in, C_out, k, k), PyTorch's layouts.
func (a Arch) layers() []layer {
	w := a.Width
	conv := func(name string, out, in, k int) layer {
		return layer{name, [4]int{out, in, k, k}, in * k * k}
	}
	up := func(name string, in, out int) layer {
		switch a.Upsample {
		case Transposed:
			// Each output pixel receives about k²/4 taps of each input channel.
			return layer{name, [4]int{in, out, a.Kernel, a.Kernel}, max(1, in*a.Kernel*a.Kernel/4)}
		case PixelShuffle:
			return conv(name, out, in/4, 3)
		}
		return conv(name, out, in, 3)
	}
	return []layer{
		conv("enc1", w, 1, 3),
		conv("down1", 2*w, w, 3),
		conv("enc2", 2*w, 2*w, 3),
		conv("down2", 4*w, 2*w, 3),
		conv("mid1", 4*w, 4*w, 3),
		conv("mid2", 4*w, 4*w, 3),
		up("up2", 4*w, 2*w),
		conv("dec2", 2*w, 2*w, 3),
		up("up1", 2*w, w),
		conv("dec1", w, w, 3),
		{"head", [4]int{Classes, w, 1, 1}, w},
	}
}

// initParams draws the weights of a: filters by He's rule, biases and shifts zero, scales one. The
// head's filter is drawn for a linear layer (fan-in w, gain 1).
func initParams(a Arch, rng *rand.Rand) params {
	p := params{}
	for _, l := range a.layers() {
		s := l.shape[:]
		p[l.name+".w"] = heNormal(rng, l.fanIn, s...)
		out := s[0]
		if l.name == "up1" || l.name == "up2" {
			if a.Upsample == Transposed {
				out = s[1]
			}
		}
		if a.Norm && l.name != "head" {
			scale := zeros(out)
			for i := range float32s(scale) {
				float32s(scale)[i] = 1
			}
			p[l.name+".scale"], p[l.name+".shift"] = scale, zeros(out)
			continue
		}
		p[l.name+".b"] = zeros(out)
	}
	h := float32s(p["head.w"])
	for i := range h {
		h[i] /= 1.4142135 // He's √2 gain is for a ReLU; the head is linear
	}
	return p
}

// Model is the encoder–decoder with its learnables bound into one graph. Sizes for a width w and a
// 64x84 input:
//
//	enc1   conv 3x3             1 → w     64x84   ─────────────┐ skip
//	down1  conv 3x3 stride 2    w → 2w    32x42                │
//	enc2   conv 3x3            2w → 2w    32x42   ───────┐ skip│
//	down2  conv 3x3 stride 2   2w → 4w    16x21          │     │
//	mid1   conv 3x3 dilation 2 4w → 4w    16x21          │     │
//	mid2   conv 3x3 dilation 4 4w → 4w    16x21          │     │
//	up2    up-sample ×2        4w → 2w    32x42   + ─────┘     │
//	dec2   conv 3x3            2w → 2w    32x42                │
//	up1    up-sample ×2        2w → w     64x84   + ───────────┘
//	dec1   conv 3x3             w → w     64x84
//	head   conv 1x1             w → 11    64x84   logits
//
// Every layer but the head is followed by a ReLU, and with Arch.Norm by batch normalisation before it;
// skips are added, not concatenated. With the middle layers dilated 2 and 4, the deepest path sees 61x61
// input pixels (37x37 with dilations 1 and 2): a whole digit, from any pixel of it. The up-sampling
// steps are a transposed convolution (kernel k, stride 2, output size that of the skip) or, for the
// other modes, the fixed up-sampling followed by a 3x3 convolution; everything else is the same.
type Model struct {
	arch  Arch
	nodes map[string]*G.Node
	order []string
}

// newModel binds p, the weights of arch a, into g.
func newModel(g *G.ExprGraph, a Arch, p params) (*Model, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	if err := initParams(a, rand.New(rand.NewPCG(0, 0))).sameShapes(p); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	return &Model{arch: a, nodes: p.bind(g), order: p.names()}, nil
}

// learnables returns the model's learnable nodes, sorted by name.
func (m *Model) learnables() G.Nodes {
	out := make(G.Nodes, len(m.order))
	for i, name := range m.order {
		out[i] = m.nodes[name]
	}
	return out
}

// forward returns the logits (N, Classes, H, W) of the images x (N, 1, H, W), and the output of the last
// up-sampling step (N, w, H, W) before its ReLU, where checkerboard patterns would show.
func (m *Model) forward(x *G.Node) (logits, upsampled *G.Node, err error) {
	type step struct {
		name string
		f    func() error
	}
	var e1, e2, h *G.Node
	steps := []step{
		{"enc1", func() (err error) { e1, err = m.conv(x, "enc1", 1, 1, true); return }},
		{"down1", func() (err error) { h, err = m.conv(e1, "down1", 2, 1, true); return }},
		{"enc2", func() (err error) { e2, err = m.conv(h, "enc2", 1, 1, true); return }},
		{"down2", func() (err error) { h, err = m.conv(e2, "down2", 2, 1, true); return }},
		{"mid1", func() (err error) { h, err = m.conv(h, "mid1", 1, 2, true); return }},
		{"mid2", func() (err error) { h, err = m.conv(h, "mid2", 1, 4, true); return }},
		{"up2", func() (err error) { h, _, err = m.up(h, e2, "up2"); return }},
		{"dec2", func() (err error) { h, err = m.conv(h, "dec2", 1, 1, true); return }},
		{"up1", func() (err error) { h, upsampled, err = m.up(h, e1, "up1"); return }},
		{"dec1", func() (err error) { h, err = m.conv(h, "dec1", 1, 1, true); return }},
		{"head", func() (err error) { logits, err = m.conv(h, "head", 1, 1, false); return }},
	}
	for _, s := range steps {
		if err := s.f(); err != nil {
			return nil, nil, fmt.Errorf("model: %s: %w", s.name, err)
		}
	}
	return logits, upsampled, nil
}

// conv applies the named convolution with the given stride and dilation, padded to keep the size (at
// stride 1), and when act is set its activation: batch norm (with Arch.Norm) and a ReLU.
func (m *Model) conv(x *G.Node, name string, stride, dilation int, act bool) (*G.Node, error) {
	w := m.nodes[name+".w"]
	pad := dilation * (w.Shape()[2] - 1) / 2
	opts := []convtranspose.Option{convtranspose.WithStride(stride, stride), convtranspose.WithPadding(pad, pad),
		convtranspose.WithDilation(dilation, dilation)}
	if b, ok := m.nodes[name+".b"]; ok {
		opts = append(opts, convtranspose.WithBias(b))
	}
	y, err := convtranspose.Conv2d(x, w, opts...)
	if err != nil || !act {
		return y, err
	}
	return m.activate(y, name)
}

// activate applies the named layer's batch norm, when the model has one, and a ReLU.
func (m *Model) activate(y *G.Node, name string) (*G.Node, error) {
	if m.arch.Norm {
		var err error
		if y, err = nnops.BatchNorm2d(y, m.nodes[name+".scale"], m.nodes[name+".shift"]); err != nil {
			return nil, err
		}
	}
	return G.Rectify(y)
}

// up doubles the resolution of x to that of skip with the named layer, applies its activation and adds
// skip. It also returns the layer's output before the activation.
func (m *Model) up(x, skip *G.Node, name string) (out, pre *G.Node, err error) {
	w := m.nodes[name+".w"]
	sh, sw := skip.Shape()[2], skip.Shape()[3]
	switch m.arch.Upsample {
	case Transposed:
		k := m.arch.Kernel
		pad := (k - 1) / 2 // k = 2: 0, k = 3: 1 (output padding 1), k = 4: 1
		opts := []convtranspose.Option{convtranspose.WithStride(2, 2), convtranspose.WithPadding(pad, pad),
			convtranspose.WithOutputSize(sh, sw)}
		if b, ok := m.nodes[name+".b"]; ok {
			opts = append(opts, convtranspose.WithBias(b))
		}
		pre, err = convtranspose.ConvTranspose2d(x, w, opts...)
	case Nearest, Bilinear:
		mode := nnops.Nearest
		if m.arch.Upsample == Bilinear {
			mode = nnops.Bilinear
		}
		var r *G.Node
		if r, err = nnops.Upsample2d(x, nnops.WithMode(mode), nnops.WithSize(sh, sw)); err == nil {
			pre, err = m.conv(r, name, 1, 1, false)
		}
	case PixelShuffle:
		var r *G.Node
		if r, err = nnops.PixelShuffle(x, 2); err == nil {
			if r, err = cropTo(r, sh, sw); err == nil {
				pre, err = m.conv(r, name, 1, 1, false)
			}
		}
	}
	if err != nil {
		return nil, nil, err
	}
	if out, err = m.activate(pre, name); err != nil {
		return nil, nil, err
	}
	out, err = G.Add(out, skip)
	return out, pre, err
}

// cropTo keeps the top-left h×w pixels of x (N, C, H, W), H ≥ h and W ≥ w.
func cropTo(x *G.Node, h, w int) (*G.Node, error) {
	s := x.Shape()
	if s[2] == h && s[3] == w {
		return x, nil
	}
	if s[2] < h || s[3] < w {
		return nil, fmt.Errorf("cannot crop %v to %dx%d", s, h, w)
	}
	return G.Slice(x, nil, nil, G.S(0, h), G.S(0, w))
}
