package main

import (
	"math"
	"testing"
)

func TestSpread(t *testing.T) {
	constant := make([]float64, outSide*outSide)
	board := make([]float64, outSide*outSide)
	offset := make([]float64, outSide*outSide)
	for i := range constant {
		constant[i] = 3
		board[i] = float64(1 - 2*((i/outSide+i%outSide)%2)) // ±1, mean 0
		offset[i] = 2 + board[i]                            // 1 and 3
		if i < outSide {                                    // the first row is border, left out
			constant[i], board[i], offset[i] = 100, 100, 100
		}
	}
	for _, tt := range []struct {
		name string
		v    []float64
		want float64
	}{
		{"constant", constant, 0},
		{"checkerboard around 0", board, 1},
		{"checkerboard around 2", offset, 1 / math.Sqrt(5)}, // std 1, rms √5
		{"zeros", make([]float64, outSide*outSide), 0},
	} {
		if got := spread(tt.v); math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("%s: spread %v, want %v", tt.name, got, tt.want)
		}
	}
}

// With all weights equal, a transposed convolution's output from a
// constant input is its overlap map: a k3 s2 layer is uneven, a k4 s2
// layer even; resize-convolutions are even whatever their weights.
func TestEqualWeightsShowTheOverlap(t *testing.T) {
	want := map[string]bool{ // uneven?
		"transposed convolution, k3 s2":       true,
		"transposed convolution, k4 s2":       false,
		"nearest resize, conv k3":             false,
		"bilinear resize, conv k3":            false,
		"conv k3, pixel shuffle, ICNR init":   false,
		"conv k3, pixel shuffle, random init": false,
	}
	for _, m := range methods {
		v, err := respond(m, equal)
		if err != nil {
			t.Fatal(err)
		}
		if s := spread(v); (s > 1e-12) != want[m.name] {
			t.Errorf("%s with equal weights: spread %v", m.name, s)
		}
	}
}
