package nnops

import (
	"fmt"
	"hash/fnv"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

type shuffleGolden struct {
	Dtype  string    `json:"dtype"`
	Kind   string    `json:"kind"`
	R      int       `json:"factor"`
	XShape []int     `json:"x_shape"`
	X      []float64 `json:"x"`
	YShape []int     `json:"y_shape"`
	Y      []float64 `json:"y"`
	R1     []float64 `json:"r"`
	Grad   []float64 `json:"grad"`
	R2     []float64 `json:"r2"`
	V      []float64 `json:"v"`
	Grad2  []float64 `json:"grad2"`
}

// TestPixelShuffleGolden compares PixelShuffle and PixelUnshuffle, their
// gradients and second derivatives with PyTorch's on both machines.
func TestPixelShuffleGolden(t *testing.T) {
	var cases []shuffleGolden
	loadGolden(t, "pixelshuffle.json", &cases)
	if len(cases) < 10 {
		t.Fatalf("only %d golden cases", len(cases))
	}
	for _, s := range cases {
		fn := PixelShuffle
		if s.Kind == "unshuffle" {
			fn = PixelUnshuffle
		}
		c := gradCase{
			name: fmt.Sprintf("%s/%s/r=%d/%v", s.Dtype, s.Kind, s.R, s.XShape),
			dt:   dtypeOf(s.Dtype), xShape: s.XShape, x: s.X,
			build:  func(x *gorgonia.Node) (*gorgonia.Node, error) { return fn(x, s.R) },
			yShape: s.YShape, y: s.Y, r: s.R1, grad: s.Grad, r2: s.R2, v: s.V, grad2: s.Grad2,
		}
		t.Run(c.name, c.checkAll)
	}
}

func TestPixelShuffleErrors(t *testing.T) {
	g := gorgonia.NewGraph()
	x4 := gorgonia.NewTensor(g, tensor.Float64, 4, gorgonia.WithShape(1, 8, 3, 4), gorgonia.WithName("x4"))
	x3 := gorgonia.NewTensor(g, tensor.Float64, 3, gorgonia.WithShape(8, 3, 4), gorgonia.WithName("x3"))
	xi := gorgonia.NewTensor(g, tensor.Int, 4, gorgonia.WithShape(1, 4, 2, 2), gorgonia.WithName("xi"))
	tests := []struct {
		name string
		fn   func() (*gorgonia.Node, error)
		want string
	}{
		{"nil", func() (*gorgonia.Node, error) { return PixelShuffle(nil, 2) }, "nnops: PixelShuffle: x is nil"},
		{"3-D", func() (*gorgonia.Node, error) { return PixelShuffle(x3, 2) }, "must have 4 dimensions (N, C, H, W), got shape (8, 3, 4)"},
		{"int", func() (*gorgonia.Node, error) { return PixelUnshuffle(xi, 2) }, "must be float32 or float64, got int"},
		{"r=0", func() (*gorgonia.Node, error) { return PixelShuffle(x4, 0) }, "factor r must be at least 1, got 0"},
		{"r=-2", func() (*gorgonia.Node, error) { return PixelUnshuffle(x4, -2) }, "factor r must be at least 1, got -2"},
		{"channels", func() (*gorgonia.Node, error) { return PixelShuffle(x4, 3) }, "channels must be a multiple of r²=9, got shape (1, 8, 3, 4)"},
		{"height", func() (*gorgonia.Node, error) { return PixelUnshuffle(x4, 2) }, "PixelUnshuffle: height and width must be multiples of r=2, got shape (1, 8, 3, 4)"},
	}
	for _, tt := range tests {
		y, err := tt.fn()
		if err == nil || !strings.Contains(err.Error(), tt.want) || y != nil {
			t.Errorf("%s: got (%v, %v), want an error containing %q", tt.name, y, err, tt.want)
		}
	}
}

// PixelShuffle and PixelUnshuffle with the same or different factors are
// different ops: their hashes differ.
func TestPixelShuffleHash(t *testing.T) {
	ops := []*pixelShuffleOp{{r: 1}, {r: 2}, {r: 3}, {r: 1, unshuffle: true}, {r: 2, unshuffle: true}}
	seen := map[string]*pixelShuffleOp{}
	for _, op := range ops {
		h := fnv.New64a()
		op.WriteHash(h)
		key := fmt.Sprint(h.Sum64())
		if prev, ok := seen[key]; ok {
			t.Errorf("%v and %v hash alike", prev, op)
		}
		seen[key] = op
		if op.Hashcode() != hashOf(op) {
			t.Errorf("%v: Hashcode is not the hash of WriteHash", op)
		}
	}
	if inv := (&pixelShuffleOp{r: 2}).inverse(); inv.r != 2 || !inv.unshuffle {
		t.Errorf("inverse of PixelShuffle{r=2} is %v", inv)
	}
}
