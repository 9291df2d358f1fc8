package main

import (
	"math"
	"testing"
)

func TestIoU(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name        string
		k           int
		truth, pred []uint8
		want        []float64
		mean        float64
		present     int
	}{
		{
			name: "perfect", k: 3,
			truth: []uint8{0, 1, 2, 2}, pred: []uint8{0, 1, 2, 2},
			want: []float64{1, 1, 1}, mean: 1, present: 3,
		},
		{
			// class 0: ∩ {0,1} = 2, ∪ {0,1,2} = 3; class 1: ∩ {3} = 1, ∪ {2,3,4} = 3; class 2: ∩ ∅, ∪ {4}.
			name: "hand-counted", k: 3,
			truth: []uint8{0, 0, 0, 1, 2}, pred: []uint8{0, 0, 1, 1, 1},
			want: []float64{2.0 / 3, 1.0 / 3, 0}, mean: 1.0 / 3, present: 3,
		},
		{
			// Class 2 is in neither the truth nor the prediction: no IoU, left out of the mean.
			name: "class absent from both", k: 3,
			truth: []uint8{0, 0, 1, 1}, pred: []uint8{0, 1, 1, 1},
			want: []float64{1.0 / 2, 2.0 / 3, nan}, mean: (1.0/2 + 2.0/3) / 2, present: 2,
		},
		{
			// A class predicted but absent from the truth counts, with IoU 0.
			name: "class only predicted", k: 3,
			truth: []uint8{0, 0, 0, 0}, pred: []uint8{0, 0, 0, 2},
			want: []float64{3.0 / 4, nan, 0}, mean: 3.0 / 8, present: 2,
		},
		{
			name: "nothing counted", k: 2,
			want: []float64{nan, nan}, mean: nan, present: 0,
		},
	}
	same := func(a, b float64) bool { return (math.IsNaN(a) && math.IsNaN(b)) || math.Abs(a-b) < 1e-12 }
	for _, tt := range tests {
		c := newConfusion(tt.k)
		if err := c.add(tt.truth, tt.pred); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := c.IoU()
		for k := range tt.want {
			if !same(got[k], tt.want[k]) {
				t.Errorf("%s: IoU = %v, want %v", tt.name, got, tt.want)
				break
			}
		}
		mean, n := MeanIoU(got)
		if !same(mean, tt.mean) || n != tt.present {
			t.Errorf("%s: MeanIoU = %v over %d classes, want %v over %d", tt.name, mean, n, tt.mean, tt.present)
		}
	}
}

// TestIoUAccumulates checks that counting in two parts gives the IoU of the whole, not a mean of parts.
func TestIoUAccumulates(t *testing.T) {
	whole, parts := newConfusion(2), newConfusion(2)
	truth, pred := []uint8{1, 1, 0, 0, 1, 0}, []uint8{1, 0, 0, 0, 1, 1}
	if err := whole.add(truth, pred); err != nil {
		t.Fatal(err)
	}
	if err := parts.add(truth[:2], pred[:2]); err != nil {
		t.Fatal(err)
	}
	if err := parts.add(truth[2:], pred[2:]); err != nil {
		t.Fatal(err)
	}
	w, p := whole.IoU(), parts.IoU()
	if w[0] != p[0] || w[1] != p[1] || w[1] != 0.5 { // class 1: ∩ 2, ∪ 4
		t.Errorf("IoU whole %v, in parts %v; want equal, class 1 at 0.5", w, p)
	}
	if a := whole.accuracy(); a != 4.0/6 {
		t.Errorf("accuracy = %v, want 4/6", a)
	}
}

func TestConfusionErrors(t *testing.T) {
	c := newConfusion(3)
	if err := c.add([]uint8{0, 1}, []uint8{0}); err == nil {
		t.Error("lengths 2 and 1: no error")
	}
	if err := c.add([]uint8{0, 3}, []uint8{0, 1}); err == nil {
		t.Error("true class 3 of 3: no error")
	}
	if err := c.add([]uint8{0, 1}, []uint8{7, 1}); err == nil {
		t.Error("predicted class 7 of 3: no error")
	}
}

func TestArgmax(t *testing.T) {
	// 2 images, 3 classes, 2 pixels; ties go to the first class.
	logits := []float32{
		1, 5, 2, 5, 3, 0, // image 0: pixel 0 → class 2 (3), pixel 1 → class 0 (5 = 5, first wins)
		0, 0, 9, -1, -2, 1, // image 1: pixel 0 → 1, pixel 1 → 2
	}
	got := make([]uint8, 4)
	argmax(got, logits, 3, 2)
	if want := []uint8{2, 0, 1, 2}; string(got) != string(want) {
		t.Errorf("argmax = %v, want %v", got, want)
	}
}

func TestCheckerIndex(t *testing.T) {
	const h, w = 6, 8
	mk := func(f func(y, x int) float32) []float32 {
		m := make([]float32, h*w)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				m[y*w+x] = f(y, x)
			}
		}
		return m
	}
	tests := []struct {
		name   string
		m      []float32
		lo, hi float64
	}{
		{"constant", mk(func(y, x int) float32 { return 3 }), 0, 0},
		{"checkerboard", mk(func(y, x int) float32 { return float32((y + x) % 2) }), 1, 1},
		{"stripes", mk(func(y, x int) float32 { return float32(x % 2) }), 1, 1},
		{"checkerboard on a ramp", mk(func(y, x int) float32 { return float32(x+y)/4 + float32((y+x)%2) }), 0.3, 0.9},
		{"period 4", mk(func(y, x int) float32 { return float32(x / 2 % 2) }), 0, 0.1},
	}
	for _, tt := range tests {
		var s checkerStats
		s.add(tt.m, 1, h, w)
		if got := s.Index(); got < tt.lo-1e-9 || got > tt.hi+1e-9 {
			t.Errorf("%s: index %v, want in [%v, %v]", tt.name, got, tt.lo, tt.hi)
		}
	}
}
