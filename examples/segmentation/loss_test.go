package main

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// lossAndGrad builds pixelCrossEntropy over logits of the given shape in a graph, runs it with
// TapeMachine and returns the loss and its gradient with respect to the logits.
func lossAndGrad(t *testing.T, shape tensor.Shape, logits []float64, labels []uint8, weights []float64) (float64, []float64) {
	t.Helper()
	g := G.NewGraph()
	x := G.NewTensor(g, G.Float64, 4, G.WithShape(shape...), G.WithName("logits"),
		G.WithValue(tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float64(nil), logits...)))))
	loss, err := pixelCrossEntropy(x, labels, weights)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := G.Grad(loss, x); err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(g, G.BindDualValues(x))
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	grad, err := x.Grad()
	if err != nil {
		t.Fatal(err)
	}
	return loss.Value().Data().(float64), append([]float64(nil), grad.Data().([]float64)...)
}

func TestPixelCrossEntropyHandValues(t *testing.T) {
	// One image, 3 classes, 2 pixels (planes of 2 values): pixel 0 has logits (0, ln 2, ln 5) and class 1,
	// pixel 1 has logits (1, 1, 1) and class 2.
	shape := tensor.Shape{1, 3, 1, 2}
	logits := []float64{0, 1, math.Ln2, 1, math.Log(5), 1}
	labels := []uint8{1, 2}
	l0 := math.Log(1+2+5) - math.Ln2 // −log(2/8)
	l1 := math.Log(3)                // −log(1/3)
	tests := []struct {
		name    string
		weights []float64
		want    float64
		grad    []float64
	}{
		{"unweighted", nil, (l0 + l1) / 2, []float64{
			1.0 / 8 / 2, 1.0 / 3 / 2,
			(2.0/8 - 1) / 2, 1.0 / 3 / 2,
			5.0 / 8 / 2, (1.0/3 - 1) / 2,
		}},
		// Class 1 weighs 3, class 2 weighs 1: (3·l0 + l1) / 4, and each pixel's gradient is scaled by w/4.
		{"weighted", []float64{1, 3, 1}, (3*l0 + l1) / 4, []float64{
			3 * 1.0 / 8 / 4, 1.0 / 3 / 4,
			3 * (2.0/8 - 1) / 4, 1.0 / 3 / 4,
			3 * 5.0 / 8 / 4, (1.0/3 - 1) / 4,
		}},
	}
	for _, tt := range tests {
		loss, grad := lossAndGrad(t, shape, logits, labels, tt.weights)
		if math.Abs(loss-tt.want) > 1e-12 {
			t.Errorf("%s: loss %v, want %v", tt.name, loss, tt.want)
		}
		for i := range grad {
			if math.Abs(grad[i]-tt.grad[i]) > 1e-12 {
				t.Errorf("%s: gradient %v, want %v", tt.name, grad, tt.grad)
				break
			}
		}
	}
}

// TestPixelCrossEntropyGradient compares the gradient with central differences of the loss, on logits
// large enough that a softmax without the max subtracted would overflow.
func TestPixelCrossEntropyGradient(t *testing.T) {
	shape := tensor.Shape{2, 4, 2, 3}
	n := shape.TotalSize()
	logits := make([]float64, n)
	for i := range logits {
		logits[i] = math.Sin(float64(i)*1.7)*3 + 800
	}
	labels := []uint8{0, 1, 2, 3, 3, 2, 1, 0, 0, 0, 2, 1}
	weights := []float64{0.5, 1, 2, 1}
	loss, grad := lossAndGrad(t, shape, logits, labels, weights)
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		t.Fatalf("loss %v", loss)
	}
	value := func(v []float64) float64 {
		l, err := xent(v, nil, 0, &xentOp{labels: labels, weights: weights, classes: 4}, shape)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	const h = 1e-5
	for i := range logits {
		up, down := append([]float64(nil), logits...), append([]float64(nil), logits...)
		up[i] += h
		down[i] -= h
		if num := (value(up) - value(down)) / (2 * h); math.Abs(num-grad[i]) > 1e-6 {
			t.Errorf("∂loss/∂logits[%d] = %v, central difference %v", i, grad[i], num)
		}
	}
}

func TestPixelCrossEntropyErrors(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, G.Float32, 4, G.WithShape(2, 3, 4, 5), G.WithName("x"))
	ok := make([]uint8, 2*4*5)
	tests := []struct {
		name    string
		labels  []uint8
		weights []float64
	}{
		{"too few labels", ok[:10], nil},
		{"weights for 2 classes", ok, []float64{1, 1}},
		{"negative weight", ok, []float64{1, -1, 1}},
		{"NaN weight", ok, []float64{1, math.NaN(), 1}},
	}
	for _, tt := range tests {
		if _, err := pixelCrossEntropy(x, tt.labels, tt.weights); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
	m := G.NewMatrix(g, G.Float32, G.WithShape(2, 3), G.WithName("m"))
	if _, err := pixelCrossEntropy(m, ok[:6], nil); err == nil {
		t.Error("2-D logits: no error")
	}
	// A label out of range is found when the graph runs.
	if _, err := xent(make([]float32, 6), nil, 0, &xentOp{labels: []uint8{0, 3}, classes: 3}, tensor.Shape{1, 3, 1, 2}); err == nil {
		t.Error("label 3 of 3 classes: no error")
	}
}
