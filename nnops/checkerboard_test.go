package nnops

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"slices"
	"strings"
	"testing"
)

type overlapGolden struct {
	Kernel   [2]int `json:"kernel"`
	Stride   [2]int `json:"stride"`
	Dilation [2]int `json:"dilation"`
	Padding  [2]int `json:"padding"`
	Input    [2]int `json:"input"`
	Shape    [2]int `json:"shape"`
	Counts   []int  `json:"counts"`
}

// The overlap map equals PyTorch's conv_transpose2d of ones with a kernel
// of ones: an independent check of the index arithmetic.
func TestOverlapMapGolden(t *testing.T) {
	var cases []overlapGolden
	loadGolden(t, "overlap.json", &cases)
	if len(cases) < 10 {
		t.Fatalf("only %d golden cases", len(cases))
	}
	for _, c := range cases {
		spec := OverlapSpec{Kernel: c.Kernel, Stride: c.Stride, Dilation: c.Dilation, Padding: c.Padding}
		o, err := OverlapMap(spec, c.Input[0], c.Input[1])
		if err != nil {
			t.Fatalf("%+v: %v", spec, err)
		}
		if o.H != c.Shape[0] || o.W != c.Shape[1] || !slices.Equal(o.Counts, c.Counts) {
			t.Errorf("%+v on %v: got %d×%d %v, PyTorch %v %v", spec, c.Input, o.H, o.W, o.Counts, c.Shape, c.Counts)
		}
	}
}

// bruteOverlap counts, for every output pixel, the (input pixel, tap)
// pairs of a 2-D transposed convolution, with no factorisation by axis.
func bruteOverlap(s OverlapSpec, inH, inW int) []int {
	outH := (inH-1)*s.Stride[0] - 2*s.Padding[0] + s.Dilation[0]*(s.Kernel[0]-1) + 1
	outW := (inW-1)*s.Stride[1] - 2*s.Padding[1] + s.Dilation[1]*(s.Kernel[1]-1) + 1
	c := make([]int, outH*outW)
	for ih := range inH {
		for iw := range inW {
			for kh := range s.Kernel[0] {
				for kw := range s.Kernel[1] {
					oh := ih*s.Stride[0] + kh*s.Dilation[0] - s.Padding[0]
					ow := iw*s.Stride[1] + kw*s.Dilation[1] - s.Padding[1]
					if oh >= 0 && oh < outH && ow >= 0 && ow < outW {
						c[oh*outW+ow]++
					}
				}
			}
		}
	}
	return c
}

// Sweeping geometries: the map equals the brute-force count, its interior
// repeats OverlapPeriod, and the period is even exactly when the theory
// says so (dilation 1: the stride divides the kernel).
func TestOverlapTheory(t *testing.T) {
	interior := 0
	for k := 1; k <= 7; k++ {
		for s := 1; s <= 4; s++ {
			for d := 1; d <= 3; d++ {
				for p := 0; p <= 1; p++ {
					spec := OverlapSpec{Kernel: [2]int{k, k + 1}, Stride: [2]int{s, s}, Dilation: [2]int{d, 1}, Padding: [2]int{p, 0}}
					const in = 12
					o, err := OverlapMap(spec, in, in)
					if err != nil {
						continue // padding left no output
					}
					if want := bruteOverlap(spec, in, in); !slices.Equal(o.Counts, want) {
						t.Fatalf("%+v: map differs from the brute-force count", spec)
					}
					per, err := OverlapPeriod(spec)
					if err != nil {
						t.Fatal(err)
					}
					// interior: rows and columns reached by every tap of some input
					for h := d*k + s; h < o.H-d*k-s; h++ {
						for w := k + 1 + s; w < o.W-k-1-s; w++ {
							interior++
							a, b := (h+p)%s, w%s
							if o.At(h, w) != per.At(a, b) {
								t.Fatalf("%+v: interior (%d, %d) = %d, period (%d, %d) = %d", spec, h, w, o.At(h, w), a, b, per.At(a, b))
							}
						}
					}
					// width axis: dilation 1, kernel k+1
					wEven := (k+1)%s == 0
					rowEven := true
					for b := range per.W {
						rowEven = rowEven && per.At(0, b) == per.At(0, 0)
					}
					if rowEven != wEven {
						t.Errorf("%+v: width period %v even=%v, theory (stride divides kernel %d) says %v", spec, per.Counts, rowEven, k+1, wEven)
					}
				}
			}
		}
	}
	if interior < 1000 {
		t.Errorf("only %d interior pixels compared", interior)
	}
}

func TestOverlapDistillExamples(t *testing.T) {
	tests := []struct {
		k, s   int
		period []int
		even   bool
		ratio  float64
	}{
		{3, 2, []int{4, 2, 2, 1}, false, 4}, // 2 and 1 taps per axis
		{4, 2, []int{4, 4, 4, 4}, true, 1},
		{5, 2, []int{9, 6, 6, 4}, false, 9.0 / 4},
		{3, 1, []int{9}, true, 1},
		{4, 3, []int{4, 2, 2, 2, 1, 1, 2, 1, 1}, false, 4},
	}
	for _, tt := range tests {
		per, err := OverlapPeriod(OverlapSpec{Kernel: [2]int{tt.k, tt.k}, Stride: [2]int{tt.s, tt.s}})
		if err != nil {
			t.Fatal(err)
		}
		st := per.Stats()
		if !slices.Equal(per.Counts, tt.period) || st.Even() != tt.even || st.Ratio != tt.ratio {
			t.Errorf("kernel %d stride %d: period %v even %v ratio %v, want %v %v %v",
				tt.k, tt.s, per.Counts, st.Even(), st.Ratio, tt.period, tt.even, tt.ratio)
		}
	}
	// A dilation sharing a factor with the stride leaves holes.
	per, err := OverlapPeriod(OverlapSpec{Kernel: [2]int{3, 1}, Stride: [2]int{2, 1}, Dilation: [2]int{2, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if st := per.Stats(); !slices.Equal(per.Counts, []int{3, 0}) || !math.IsInf(st.Ratio, 1) || st.Min != 0 {
		t.Errorf("kernel 3 stride 2 dilation 2: period %v stats %+v, want [3 0] with an infinite ratio", per.Counts, st)
	}
}

func TestOverlapStats(t *testing.T) {
	o := &Overlap{H: 2, W: 2, Counts: []int{4, 2, 2, 1}}
	st := o.Stats()
	// mean 9/4; variance ((7/4)² + 2·(1/4)² + (5/4)²)/4 = 19/16
	wantCV := math.Sqrt(19.0/16) / (9.0 / 4)
	if st.Min != 1 || st.Max != 4 || st.Mean != 2.25 || math.Abs(st.CV-wantCV) > 1e-15 || st.Ratio != 4 || st.Even() {
		t.Errorf("stats %+v, want min 1 max 4 mean 2.25 CV %v ratio 4", st, wantCV)
	}
	if st := (&Overlap{H: 1, W: 2, Counts: []int{0, 0}}).Stats(); st.Ratio != 1 || st.CV != 0 || !st.Even() {
		t.Errorf("all-zero stats %+v", st)
	}
	if st := (&Overlap{}).Stats(); st != (OverlapStats{}) {
		t.Errorf("empty stats %+v", st)
	}
}

func TestOverlapErrors(t *testing.T) {
	tests := []struct {
		spec     OverlapSpec
		inH, inW int
		want     string
	}{
		{OverlapSpec{Kernel: [2]int{0, 3}}, 4, 4, "kernel height must be positive, got 0"},
		{OverlapSpec{Kernel: [2]int{3, -1}}, 4, 4, "kernel width must be positive, got -1"},
		{OverlapSpec{Kernel: [2]int{3, 3}, Stride: [2]int{-2, 2}}, 4, 4, "stride height must be positive, got -2"},
		{OverlapSpec{Kernel: [2]int{3, 3}, Dilation: [2]int{1, -1}}, 4, 4, "dilation width must be positive, got -1"},
		{OverlapSpec{Kernel: [2]int{3, 3}, Padding: [2]int{-1, 0}}, 4, 4, "padding height must be non-negative, got -1"},
		{OverlapSpec{Kernel: [2]int{3, 3}}, 0, 4, "input height must be positive, got 0"},
		{OverlapSpec{Kernel: [2]int{3, 3}, Padding: [2]int{0, 2}}, 1, 1, "padding 2 leaves no output width"},
	}
	for _, tt := range tests {
		if _, err := OverlapMap(tt.spec, tt.inH, tt.inW); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("OverlapMap(%+v, %d, %d): %v, want %q", tt.spec, tt.inH, tt.inW, err, tt.want)
		}
	}
	if _, err := OverlapPeriod(OverlapSpec{}); err == nil {
		t.Error("OverlapPeriod accepted a zero kernel")
	}
}

// The PNG has the right size, one colour per count, and distinct colours
// for distinct counts.
func TestOverlapPNG(t *testing.T) {
	o, err := OverlapMap(OverlapSpec{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}, Dilation: [2]int{2, 2}}, 4, 5)
	if err != nil {
		t.Fatal(err)
	}
	const cell = 6
	var buf bytes.Buffer
	if err := o.WritePNG(&buf, cell); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != o.W*cell || b.Dy() != o.H*cell {
		t.Fatalf("image %v, want %d×%d", b, o.W*cell, o.H*cell)
	}
	colour := map[int]string{}
	used := map[string]int{}
	for h := range o.H {
		for w := range o.W {
			r, g, b, _ := img.At(w*cell+cell/2, h*cell+cell/2).RGBA()
			c := fmt.Sprint(r, g, b)
			n := o.At(h, w)
			if prev, ok := colour[n]; ok && prev != c {
				t.Errorf("count %d drawn in two colours", n)
			}
			if prev, ok := used[c]; ok && prev != n {
				t.Errorf("counts %d and %d drawn alike", prev, n)
			}
			colour[n], used[c] = c, n
			if n == 0 && c != "0 0 0" {
				t.Errorf("a pixel no tap reaches is %s, want black", c)
			}
		}
	}
	if len(colour) < 3 {
		t.Errorf("only %d distinct counts: the test map is too even", len(colour))
	}
	for _, bad := range []int{0, 257} {
		if err := o.WritePNG(&buf, bad); err == nil {
			t.Errorf("cell %d accepted", bad)
		}
	}
	if err := (&Overlap{H: 2, W: 2, Counts: []int{1}}).WritePNG(&buf, 4); err == nil {
		t.Error("inconsistent map accepted")
	}
}
