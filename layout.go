package convtranspose

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/gorgonia-ext/convtranspose/internal/conv"
)

// Weight layouts of a transposed convolution in other frameworks, and how to
// bring them to this package's (C_in, C_out/groups, kH, kW), PyTorch's:
//
//   - PyTorch's ConvTranspose2d.weight: the same layout; use it as is.
//   - ONNX's ConvTranspose input W is (C × M/group × kH × kW), C the input
//     channels and M the output feature maps: the same layout; use it as is.
//   - Keras' and TensorFlow's Conv2DTranspose kernel is (kH, kW, filters,
//     input channels), the filter of tf.nn.conv2d_transpose, [height, width,
//     output_channels, in_channels]: FilterFromKeras and FilterToKeras
//     convert it. No flip is involved: both are the transpose of the same
//     cross-correlation.
//
// FlippedFilter gives the filter of the ordinary convolution that, applied
// to the input with zeros inserted, computes the transposed convolution.

// FilterFromKeras returns the filter (C_in, C_out, kH, kW) of the
// transposed convolution whose Keras Conv2DTranspose kernel (or
// tf.nn.conv2d_transpose filter) is k, of shape (kH, kW, C_out, C_in):
// w[ci, co, i, j] = k[i, j, co, ci]. Keras' layer has no groups. k is not
// modified; the result is a new float32 or float64 tensor like k.
func FilterFromKeras(k *tensor.Dense) (*tensor.Dense, error) {
	src, s, err := layoutInput("FilterFromKeras", "k", "(kH, kW, C_out, C_in)", k)
	if err != nil {
		return nil, err
	}
	kh, kw, cout, cin := s[0], s[1], s[2], s[3]
	return permuted(src, tensor.Shape{cin, cout, kh, kw}, func(ci, co, i, j int) int {
		return ((i*kw+j)*cout+co)*cin + ci
	}), nil
}

// FilterToKeras returns the Keras Conv2DTranspose kernel (kH, kW, C_out,
// C_in) of the transposed convolution with filter w (C_in, C_out, kH, kW)
// and one group: k[i, j, co, ci] = w[ci, co, i, j]. It undoes
// FilterFromKeras. w is not modified.
func FilterToKeras(w *tensor.Dense) (*tensor.Dense, error) {
	src, s, err := layoutInput("FilterToKeras", "w", "(C_in, C_out, kH, kW)", w)
	if err != nil {
		return nil, err
	}
	cin, cout, kh, kw := s[0], s[1], s[2], s[3]
	return permuted(src, tensor.Shape{kh, kw, cout, cin}, func(i, j, co, ci int) int {
		return ((ci*cout+co)*kh+i)*kw + j
	}), nil
}

// FlippedFilter returns the filter (C_out, C_in/groups, kH, kW) of the
// ordinary convolution that computes ConvTranspose2d(x, w) with the same
// groups from x with zeros inserted: stride − 1 zeros between neighbouring
// pixels, dilation·(k − 1) − padding zeros around the image, the output
// padding added at the bottom and the right, then a convolution with stride
// 1, no padding, the same dilation and groups. Within each group g, with
// c_in = C_in/groups and c_out = C_out/groups input and output channels,
//
//	flipped[g·c_out + co, ci, i, j] = w[g·c_in + ci, co, kH−1−i, kW−1−j]
//
// It is its own inverse: FlippedFilter of the result, with the same groups,
// gives back w. w, of shape (C_in, C_out/groups, kH, kW), is not modified.
func FlippedFilter(w *tensor.Dense, groups int) (*tensor.Dense, error) {
	const fn = "FlippedFilter"
	src, s, err := layoutInput(fn, "w", "(C_in, C_out/groups, kH, kW)", w)
	if err != nil {
		return nil, err
	}
	if groups <= 0 || s[0]%groups != 0 {
		return nil, fmt.Errorf("%s: groups must be positive and divide w's first dimension %d, got %d", fn, s[0], groups)
	}
	cinG, coutG, kh, kw := s[0]/groups, s[1], s[2], s[3]
	return permuted(src, tensor.Shape{coutG * groups, cinG, kh, kw}, func(o, ci, i, j int) int {
		g, co := o/coutG, o%coutG
		return (((g*cinG+ci)*coutG+co)*kh+(kh-1-i))*kw + (kw - 1 - j)
	}), nil
}

// layoutInput checks a filter given to a converter and returns its data
// (a contiguous copy when t is a view) and shape.
func layoutInput(fn, name, layout string, t *tensor.Dense) (any, tensor.Shape, error) {
	if t == nil {
		return nil, nil, fmt.Errorf("%s: %s is nil", fn, name)
	}
	s := t.Shape()
	if s.Dims() != 4 {
		return nil, nil, fmt.Errorf("%s: %s must be 4-D %s, got shape %v", fn, name, layout, s)
	}
	if t.Dtype() != tensor.Float32 && t.Dtype() != tensor.Float64 {
		return nil, nil, fmt.Errorf("%s: %s must be float32 or float64, got %v", fn, name, t.Dtype())
	}
	c, ok := contiguous(t)
	if !ok {
		return nil, nil, fmt.Errorf("%s: %s is a view that cannot be materialised", fn, name)
	}
	return c.Data(), s, nil
}

// permuted returns a new tensor of the given shape whose element (a, b, c,
// d) is src[from(a, b, c, d)].
func permuted(src any, shape tensor.Shape, from func(a, b, c, d int) int) *tensor.Dense {
	switch s := src.(type) {
	case []float32:
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(gather(s, shape, from)))
	default:
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(gather(s.([]float64), shape, from)))
	}
}

func gather[T conv.Float](src []T, shape tensor.Shape, from func(a, b, c, d int) int) []T {
	dst := make([]T, 0, shape.TotalSize())
	for a := 0; a < shape[0]; a++ {
		for b := 0; b < shape[1]; b++ {
			for c := 0; c < shape[2]; c++ {
				for d := 0; d < shape[3]; d++ {
					dst = append(dst, src[from(a, b, c, d)])
				}
			}
		}
	}
	return dst
}
