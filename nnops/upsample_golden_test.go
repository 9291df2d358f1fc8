package nnops

import (
	"fmt"
	"testing"

	"gorgonia.org/gorgonia"
)

type upsampleGolden struct {
	Dtype        string    `json:"dtype"`
	Mode         string    `json:"mode"`
	AlignCorners *bool     `json:"align_corners"`
	Scale        []int     `json:"scale"`
	ScaleFactor  []float64 `json:"scale_factor"`
	Size         []int     `json:"size"`
	XShape       []int     `json:"x_shape"`
	X            []float64 `json:"x"`
	YShape       []int     `json:"y_shape"`
	Y            []float64 `json:"y"`
	R            []float64 `json:"r"`
	Grad         []float64 `json:"grad"`
	R2           []float64 `json:"r2"`
	V            []float64 `json:"v"`
	Grad2        []float64 `json:"grad2"`
}

func (u upsampleGolden) options() ([]UpsampleOption, string) {
	var opts []UpsampleOption
	name := fmt.Sprintf("%s/%v", u.Dtype, u.XShape)
	switch u.Mode {
	case "nearest":
		opts = append(opts, WithMode(Nearest))
		name += "/nearest"
	case "bilinear":
		opts = append(opts, WithMode(Bilinear))
		name += "/bilinear"
	}
	if u.AlignCorners != nil {
		opts = append(opts, WithAlignCorners(*u.AlignCorners))
		name += fmt.Sprintf("/ac=%v", *u.AlignCorners)
	}
	switch {
	case u.Scale != nil:
		opts = append(opts, WithScale(u.Scale[0], u.Scale[1]))
		name += fmt.Sprintf("/scale=%v", u.Scale)
	case u.ScaleFactor != nil:
		opts = append(opts, WithScaleFactor(u.ScaleFactor[0], u.ScaleFactor[1]))
		name += fmt.Sprintf("/factor=%v", u.ScaleFactor)
	case u.Size != nil:
		opts = append(opts, WithSize(u.Size[0], u.Size[1]))
		name += fmt.Sprintf("/size=%v", u.Size)
	}
	return opts, name
}

// TestUpsample2dGolden compares values, gradients and second derivatives
// with PyTorch's interpolate on both machines, for every mode,
// align_corners, scale and size in testdata/upsample.json.
func TestUpsample2dGolden(t *testing.T) {
	var cases []upsampleGolden
	loadGolden(t, "upsample.json", &cases)
	if len(cases) < 100 {
		t.Fatalf("only %d golden cases", len(cases))
	}
	for _, u := range cases {
		opts, name := u.options()
		c := gradCase{
			name: name, dt: dtypeOf(u.Dtype), xShape: u.XShape, x: u.X,
			build:  func(x *gorgonia.Node) (*gorgonia.Node, error) { return Upsample2d(x, opts...) },
			yShape: u.YShape, y: u.Y, r: u.R, grad: u.Grad, r2: u.R2, v: u.V, grad2: u.Grad2,
		}
		t.Run(name, c.checkAll)
	}
}
