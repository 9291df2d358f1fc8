package golden

import (
	"fmt"

	"gorgonia.org/tensor"
)

// Dtype returns the tensor dtype of the case: tensor.Float64 or tensor.Float32.
func (c *Case) Dtype() (tensor.Dtype, error) {
	switch c.DType {
	case "float64":
		return tensor.Float64, nil
	case "float32":
		return tensor.Float32, nil
	}
	return tensor.Dtype{}, fmt.Errorf("dtype %q is neither \"float64\" nor \"float32\"", c.DType)
}

// Values returns a copy of the data of t converted to T. For a float32 case,
// Values[float32] gives the exact float32 values that torch used.
func Values[T ~float32 | ~float64](t Tensor) []T {
	out := make([]T, len(t.Data))
	for i, v := range t.Data {
		out[i] = T(v)
	}
	return out
}

// Dense returns a new *tensor.Dense of dtype dt (tensor.Float64 or
// tensor.Float32) with the shape of t and a copy of its data.
func (t Tensor) Dense(dt tensor.Dtype) (*tensor.Dense, error) {
	if err := t.validate(len(t.Shape)); err != nil {
		return nil, fmt.Errorf("golden: Dense: %w", err)
	}
	shape := append([]int(nil), t.Shape...)
	switch dt {
	case tensor.Float64:
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(Values[float64](t))), nil
	case tensor.Float32:
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(Values[float32](t))), nil
	}
	return nil, fmt.Errorf("golden: Dense: dtype %v is neither float64 nor float32", dt)
}
