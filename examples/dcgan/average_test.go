package main

import (
	"math"
	"testing"

	"gorgonia.org/tensor"
)

// TestAverageUpdate checks the moving average against the formula, worked by hand, through its warm-up
// and at the cap, and that the weights it averages are left alone.
func TestAverageUpdate(t *testing.T) {
	w := weights{"a": tensor.New(tensor.WithShape(2), tensor.WithBacking([]float32{10, -10}))}
	a := &average{decay: 0.9, w: weights{"a": tensor.New(tensor.WithShape(2), tensor.WithBacking([]float32{0, 0}))}}
	steps := []struct {
		step int
		d    float64 // the decay the step must use
	}{
		{1, 2.0 / 11},  // warm-up: (1 + 1) / (10 + 1)
		{8, 9.0 / 18},  // still below the cap
		{200, 0.9},     // (201 / 210) > 0.9: capped
		{1 << 20, 0.9}, // capped
	}
	want := 0.0
	for _, s := range steps {
		a.update(w, s.step)
		want = s.d*want + (1-s.d)*10
		got := float32s(a.w["a"])
		if math.Abs(float64(got[0])-want) > 1e-5 || math.Abs(float64(got[1])+want) > 1e-5 {
			t.Fatalf("after step %d: average %v, want ±%v", s.step, got, want)
		}
	}
	if v := float32s(w["a"]); v[0] != 10 || v[1] != -10 {
		t.Errorf("the averaged weights changed to %v", v)
	}
}
