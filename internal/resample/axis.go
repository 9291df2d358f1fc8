package resample

import (
	"fmt"
	"math"
)

// Float is the element type of every kernel.
type Float interface{ ~float32 | ~float64 }

// Mode selects the interpolation.
type Mode int

const (
	// Nearest copies the source pixel at floor(dst·in/out) (PyTorch's "nearest").
	Nearest Mode = iota
	// Bilinear interpolates linearly along each axis (PyTorch's "bilinear").
	Bilinear
)

// String returns PyTorch's name of the mode.
func (m Mode) String() string {
	switch m {
	case Nearest:
		return "nearest"
	case Bilinear:
		return "bilinear"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// AxisSpec describes the resampling of one axis.
type AxisSpec struct {
	In, Out      int     // input and output lengths, both positive
	Mode         Mode    // Nearest or Bilinear
	AlignCorners bool    // Bilinear only: map the corner pixel centres onto each other
	Scale        float64 // the scale factor the caller gave, or 0 when it gave a size
}

// Validate reports whether s describes a resampling.
func (s AxisSpec) Validate() error {
	if s.In <= 0 || s.Out <= 0 {
		return fmt.Errorf("resample: sizes must be positive, got input %d and output %d", s.In, s.Out)
	}
	if s.Mode != Nearest && s.Mode != Bilinear {
		return fmt.Errorf("resample: unknown mode %v", s.Mode)
	}
	if s.Scale < 0 || math.IsNaN(s.Scale) || math.IsInf(s.Scale, 0) {
		return fmt.Errorf("resample: scale must be finite and non-negative, got %v", s.Scale)
	}
	return nil
}

// Axis is the resolved index map of one axis: output position o reads input
// positions I0[o] and I1[o] with weights W0[o] and W1[o]. For Nearest,
// I1 = I0, W0 = 1 and W1 = 0.
type Axis[T Float] struct {
	I0, I1 []int
	W0, W1 []T
}

// NewAxis resolves s with PyTorch 1.13's rules:
//
//   - nearest: o ↦ o when Out = In, o ↦ o>>1 when Out = 2·In, otherwise
//     min(floorf(o·scale), In−1) in float32, where scale is float32(1/Scale)
//     when a scale factor was given and float32(In)/float32(Out) otherwise;
//   - bilinear: o ↦ o when Out = In; otherwise the source coordinate is
//     scale·o with align corners (scale = (In−1)/(Out−1), 0 when Out = 1) or
//     max(scale·(o+½)−½, 0) without (scale = 1/Scale or In/Out), all in the
//     element type T; I0 is its integer part, I1 the next index clamped to
//     the axis, and W1 the fractional part.
func NewAxis[T Float](s AxisSpec) (Axis[T], error) {
	if err := s.Validate(); err != nil {
		return Axis[T]{}, err
	}
	a := Axis[T]{
		I0: make([]int, s.Out), I1: make([]int, s.Out),
		W0: make([]T, s.Out), W1: make([]T, s.Out),
	}
	if s.Mode == Nearest {
		for o := range s.Out {
			i := nearestIndex(o, s.In, s.Out, s.Scale)
			a.I0[o], a.I1[o], a.W0[o] = i, i, 1
		}
		return a, nil
	}
	scale := linearScale[T](s)
	for o := range s.Out {
		if s.Out == s.In {
			a.I0[o], a.I1[o], a.W0[o] = o, o, 1
			continue
		}
		src := linearSource(scale, o, s.AlignCorners)
		i0 := int(src) // src ≥ 0: truncation is floor
		i1 := i0
		if i0 < s.In-1 {
			i1 = i0 + 1
		}
		w1 := src - T(i0)
		a.I0[o], a.I1[o], a.W0[o], a.W1[o] = i0, i1, 1-w1, w1
	}
	return a, nil
}

// nearestIndex is PyTorch's nearest_idx, float32 arithmetic included.
func nearestIndex(o, in, out int, scale float64) int {
	switch {
	case out == in:
		return o
	case out == 2*in:
		return o >> 1
	}
	var s float32
	if scale > 0 {
		s = float32(1 / scale)
	} else {
		s = float32(in) / float32(out)
	}
	p := float32(float32(o) * s)
	return min(int(math.Floor(float64(p))), in-1)
}

// linearScale is PyTorch's area_pixel_compute_scale in the element type.
func linearScale[T Float](s AxisSpec) T {
	if s.AlignCorners {
		if s.Out > 1 {
			return T(s.In-1) / T(s.Out-1)
		}
		return 0
	}
	if s.Scale > 0 {
		return T(1 / s.Scale)
	}
	return T(s.In) / T(s.Out)
}

// linearSource is PyTorch's area_pixel_compute_source_index (non-cubic).
func linearSource[T Float](scale T, o int, alignCorners bool) T {
	if alignCorners {
		return T(scale * T(o))
	}
	src := T(scale*(T(o)+0.5)) - 0.5
	if src < 0 {
		return 0
	}
	return src
}
