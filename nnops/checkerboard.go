package nnops

import (
	"fmt"
	"math"
)

// OverlapSpec is the geometry of a transposed convolution as the
// checkerboard diagnostic sees it, per axis (height, width). Zero strides
// and dilations mean 1, PyTorch's defaults.
type OverlapSpec struct {
	Kernel   [2]int // kernel size, positive
	Stride   [2]int // stride; 0 means 1
	Dilation [2]int // dilation; 0 means 1
	Padding  [2]int // rows and columns cropped from each border of the output
}

// resolved returns s with its defaults filled in, or an error naming the
// first bad field.
func (s OverlapSpec) resolved() (OverlapSpec, error) {
	for i, ax := range [2]string{"height", "width"} {
		if s.Stride[i] == 0 {
			s.Stride[i] = 1
		}
		if s.Dilation[i] == 0 {
			s.Dilation[i] = 1
		}
		switch {
		case s.Kernel[i] <= 0:
			return s, fmt.Errorf("nnops: overlap: kernel %s must be positive, got %d", ax, s.Kernel[i])
		case s.Stride[i] < 0:
			return s, fmt.Errorf("nnops: overlap: stride %s must be positive, got %d", ax, s.Stride[i])
		case s.Dilation[i] < 0:
			return s, fmt.Errorf("nnops: overlap: dilation %s must be positive, got %d", ax, s.Dilation[i])
		case s.Padding[i] < 0:
			return s, fmt.Errorf("nnops: overlap: padding %s must be non-negative, got %d", ax, s.Padding[i])
		}
	}
	return s, nil
}

// Overlap is a map of counts over an H × W grid, row-major.
type Overlap struct {
	H, W   int
	Counts []int
}

// At returns the count at row h and column w.
func (o *Overlap) At(h, w int) int { return o.Counts[h*o.W+w] }

// OverlapMap returns, for every output pixel of a transposed convolution
// with geometry spec applied to an inH × inW input, the number of (input
// pixel, kernel tap) pairs that write to it: the output of the transposed
// convolution of an all-ones input with an all-ones kernel. Along one axis,
// input i and tap t write to output i·stride + t·dilation − padding, and
// the 2-D count is the product of the two axes' counts.
//
// Uneven counts are the checkerboard artifacts of Odena, Dumoulin and Olah
// ("Deconvolution and Checkerboard Artifacts", Distill, 2016): with kernel 3
// and stride 2 the interior alternates 1 and 2 taps per axis (1, 2 and 4 in
// 2-D); with kernel 4 and stride 2 every interior pixel gets 2 (4 in 2-D).
// The output size is PyTorch's (in−1)·stride − 2·padding + dilation·(k−1) + 1.
func OverlapMap(spec OverlapSpec, inH, inW int) (*Overlap, error) {
	s, err := spec.resolved()
	if err != nil {
		return nil, err
	}
	in := [2]int{inH, inW}
	var counts [2][]int
	for i, ax := range [2]string{"height", "width"} {
		if in[i] <= 0 {
			return nil, fmt.Errorf("nnops: overlap: input %s must be positive, got %d", ax, in[i])
		}
		out := (in[i]-1)*s.Stride[i] - 2*s.Padding[i] + s.Dilation[i]*(s.Kernel[i]-1) + 1
		if out <= 0 {
			return nil, fmt.Errorf("nnops: overlap: padding %d leaves no output %s (input %d, kernel %d, stride %d, dilation %d)",
				s.Padding[i], ax, in[i], s.Kernel[i], s.Stride[i], s.Dilation[i])
		}
		c := make([]int, out)
		for p := range in[i] {
			for t := range s.Kernel[i] {
				if o := p*s.Stride[i] + t*s.Dilation[i] - s.Padding[i]; o >= 0 && o < out {
					c[o]++
				}
			}
		}
		counts[i] = c
	}
	return outer(counts[0], counts[1]), nil
}

// OverlapPeriod returns the interior of the overlap map, away from the
// borders, where it repeats with period stride along each axis: a
// stride_h × stride_w tile whose entry (a, b) is the count of every output
// pixel (h, w) with h + padding_h ≡ a (mod stride_h) and w + padding_w ≡ b
// (mod stride_w). Along one axis that count is the number of taps t in
// [0, k) with t·dilation ≡ a (mod stride), so a kernel size that the stride
// divides (with dilation 1) gives an even tile, and a dilation sharing a
// factor with the stride leaves pixels that no tap reaches.
func OverlapPeriod(spec OverlapSpec) (*Overlap, error) {
	s, err := spec.resolved()
	if err != nil {
		return nil, err
	}
	var counts [2][]int
	for i := range 2 {
		c := make([]int, s.Stride[i])
		for t := range s.Kernel[i] {
			c[t*s.Dilation[i]%s.Stride[i]]++
		}
		counts[i] = c
	}
	return outer(counts[0], counts[1]), nil
}

func outer(h, w []int) *Overlap {
	o := &Overlap{H: len(h), W: len(w), Counts: make([]int, len(h)*len(w))}
	for i, a := range h {
		for j, b := range w {
			o.Counts[i*o.W+j] = a * b
		}
	}
	return o
}

// OverlapStats measures how uneven an overlap map is.
type OverlapStats struct {
	Min, Max int
	Mean     float64
	// CV is the coefficient of variation, the population standard
	// deviation over the mean: 0 for an even map (0 when the mean is 0).
	CV float64
	// Ratio is Max/Min: 1 for an even map, +Inf when some pixel gets no tap.
	Ratio float64
}

// Even reports whether every pixel got the same count.
func (s OverlapStats) Even() bool { return s.Min == s.Max }

// Stats returns the statistics of the counts of o. Apply it to
// OverlapPeriod for the unevenness of the interior, to OverlapMap to include
// the borders.
func (o *Overlap) Stats() OverlapStats {
	if len(o.Counts) == 0 {
		return OverlapStats{}
	}
	s := OverlapStats{Min: o.Counts[0], Max: o.Counts[0]}
	var sum float64
	for _, c := range o.Counts {
		s.Min, s.Max = min(s.Min, c), max(s.Max, c)
		sum += float64(c)
	}
	s.Mean = sum / float64(len(o.Counts))
	var ss float64
	for _, c := range o.Counts {
		d := float64(c) - s.Mean
		ss += d * d
	}
	if s.Mean > 0 {
		s.CV = math.Sqrt(ss/float64(len(o.Counts))) / s.Mean
	}
	switch {
	case s.Min > 0:
		s.Ratio = float64(s.Max) / float64(s.Min)
	case s.Max > 0:
		s.Ratio = math.Inf(1)
	default:
		s.Ratio = 1
	}
	return s
}
