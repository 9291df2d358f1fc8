package golden

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// Kinds of case.
const (
	KindTorch  = "torch"  // nn.ConvTranspose2d
	KindONNX   = "onnx"   // ONNX ConvTranspose
	KindConv2d = "conv2d" // F.conv2d
)

// Values of Case.AutoPad. The empty string is ONNX's NOTSET.
const (
	AutoPadNotSet    = ""
	AutoPadSameUpper = "SAME_UPPER"
	AutoPadSameLower = "SAME_LOWER"
	AutoPadValid     = "VALID"
)

// Tensor is a dense row-major tensor as the golden file stores it. Values of a
// float32 case are stored as float64 numbers that round to the exact float32
// value (see Values).
type Tensor struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

// Case is one operation with its inputs and the values PyTorch computed.
// Pairs are (height, width); pads are (top, bottom, left, right). Fields that
// the file writes as null are nil.
type Case struct {
	Name  string `json:"name"`  // unique, ends in _f64 or _f32
	DType string `json:"dtype"` // "float64" or "float32"
	Kind  string `json:"kind"`  // KindTorch, KindONNX or KindConv2d

	Stride        []int `json:"stride"`
	Padding       []int `json:"padding"`        // symmetric; torch and conv2d kinds
	OutputPadding []int `json:"output_padding"` // torch and onnx kinds; [0, 0] when OutputSize is set
	Dilation      []int `json:"dilation"`
	Groups        int   `json:"groups"`
	OutputSize    []int `json:"output_size"` // torch kind: forward(x, output_size=...)

	Pads         []int  `json:"pads"`          // onnx kind, explicit pads, in this order (not ONNX's)
	AutoPad      string `json:"auto_pad"`      // onnx kind
	OutputShape  []int  `json:"output_shape"`  // onnx kind
	ResolvedPads []int  `json:"resolved_pads"` // onnx kind: the pads after the spec's rules

	// X is (N, C_in, H, W). W is (C_in, C_out/groups, kH, kW) for the
	// transposed kinds and (C_out, C_in/groups, kH, kW) for conv2d. B is
	// (C_out) or nil. R has the shape of Y.
	X Tensor  `json:"x"`
	W Tensor  `json:"w"`
	B *Tensor `json:"b"`
	R Tensor  `json:"r"`

	Y Tensor `json:"y"` // the forward result

	// Gradients of L = Σ y·r.
	DX Tensor  `json:"dx"`
	DW Tensor  `json:"dw"`
	DB *Tensor `json:"db"`

	// Gradients of P = Σ dx² + Σ dw² (+ Σ db²) with respect to x, w and b.
	GGX Tensor  `json:"ggx"`
	GGW Tensor  `json:"ggw"`
	GGB *Tensor `json:"ggb"`

	// Tolerance is the one the generator recommends for Check:
	// |got − want| ≤ Tolerance · max(1, |want|).
	Tolerance float64 `json:"tolerance"`

	Note string `json:"note"` // what the case is about, if it needs saying
}

// File is the content of a golden file.
type File struct {
	Generator string `json:"generator"` // the script and the torch version
	Cases     []Case `json:"cases"`
}

// Load reads and checks a golden file. It fails if the file cannot be read or
// decoded, or if a case is malformed: an unknown kind or dtype, a missing
// tensor, a tensor whose data length is not the product of its shape, a
// bias-related tensor present without the others, or a repeated name.
func Load(path string) (*File, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("golden: %w", err)
	}
	var f File
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("golden: decoding %s: %w", path, err)
	}
	if len(f.Cases) == 0 {
		return nil, fmt.Errorf("golden: %s holds no cases", path)
	}
	seen := make(map[string]bool, len(f.Cases))
	for i := range f.Cases {
		c := &f.Cases[i]
		if err := c.validate(); err != nil {
			return nil, fmt.Errorf("golden: %s: case %d (%q): %w", path, i, c.Name, err)
		}
		if seen[c.Name] {
			return nil, fmt.Errorf("golden: %s: case %d: name %q is used twice", path, i, c.Name)
		}
		seen[c.Name] = true
	}
	return &f, nil
}

// validate checks that the case is well formed; whether its values are right
// is for the tests.
func (c *Case) validate() error {
	if c.Name == "" {
		return fmt.Errorf("no name")
	}
	if _, err := c.Dtype(); err != nil {
		return err
	}
	switch c.Kind {
	case KindTorch, KindONNX, KindConv2d:
	default:
		return fmt.Errorf("kind %q is none of %q, %q, %q", c.Kind, KindTorch, KindONNX, KindConv2d)
	}
	switch c.AutoPad {
	case AutoPadNotSet, AutoPadSameUpper, AutoPadSameLower, AutoPadValid:
	default:
		return fmt.Errorf("auto_pad %q is unknown", c.AutoPad)
	}
	for _, p := range []struct {
		name string
		v    []int
		n    int
		need bool
	}{
		{"stride", c.Stride, 2, true},
		{"dilation", c.Dilation, 2, true},
		{"padding", c.Padding, 2, c.Kind != KindONNX},
		{"output_padding", c.OutputPadding, 2, c.Kind != KindConv2d},
		{"output_size", c.OutputSize, 2, false},
		{"output_shape", c.OutputShape, 2, false},
		{"pads", c.Pads, 4, false},
		{"resolved_pads", c.ResolvedPads, 4, c.Kind == KindONNX},
	} {
		if p.v == nil && !p.need {
			continue
		}
		if len(p.v) != p.n {
			return fmt.Errorf("%s = %v, want %d values", p.name, p.v, p.n)
		}
	}
	if c.Groups < 1 {
		return fmt.Errorf("groups = %d, want at least 1", c.Groups)
	}
	if !(c.Tolerance > 0) {
		return fmt.Errorf("tolerance = %v, want a positive number", c.Tolerance)
	}
	for _, t := range []struct {
		name string
		t    *Tensor
		rank int
	}{
		{"x", &c.X, 4}, {"w", &c.W, 4}, {"r", &c.R, 4}, {"y", &c.Y, 4},
		{"dx", &c.DX, 4}, {"dw", &c.DW, 4}, {"ggx", &c.GGX, 4}, {"ggw", &c.GGW, 4},
		{"b", c.B, 1}, {"db", c.DB, 1}, {"ggb", c.GGB, 1},
	} {
		if t.t == nil {
			continue
		}
		if err := t.t.validate(t.rank); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	if (c.B == nil) != (c.DB == nil) || (c.B == nil) != (c.GGB == nil) {
		return fmt.Errorf("b, db and ggb must be all present or all null (b %v, db %v, ggb %v)",
			c.B != nil, c.DB != nil, c.GGB != nil)
	}
	return nil
}

// validate checks the rank and that the data fill the shape exactly.
func (t *Tensor) validate(rank int) error {
	if len(t.Shape) != rank {
		return fmt.Errorf("shape %v has rank %d, want %d", t.Shape, len(t.Shape), rank)
	}
	n := 1
	for _, d := range t.Shape {
		if d < 1 {
			return fmt.Errorf("shape %v has a dimension < 1", t.Shape)
		}
		n *= d
	}
	if len(t.Data) != n {
		return fmt.Errorf("shape %v needs %d values, data has %d", t.Shape, n, len(t.Data))
	}
	return nil
}
