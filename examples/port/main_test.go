package main

import (
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/gorgonia-ext/convtranspose/weights"
)

// TestMatchesPyTorch runs the generator that PyTorch trained on PyTorch's
// latent vectors and compares with PyTorch's output.
func TestMatchesPyTorch(t *testing.T) {
	got, want, err := run("testdata/generator.safetensors", "testdata/z.npy", "testdata/want.npy")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Shape().Eq(tensor.Shape{4, 1, 16, 16}) {
		t.Fatalf("shape %v, want (4, 1, 16, 16)", got.Shape())
	}
	if d := maxAbsDiff(got, want); !(d <= tolerance) {
		t.Fatalf("max |Go − PyTorch| = %g, want at most %g", d, tolerance)
	}
	// The images are not trivially equal: a wrong fold or layout would show.
	if d := maxAbsDiff(got, tensor.New(tensor.WithShape(got.Shape()...), tensor.Of(tensor.Float32))); d < 0.1 {
		t.Fatalf("output is nearly zero (max %g): the comparison would prove little", d)
	}
}

// TestFoldingMatters checks that skipping the BatchNorm fold is detected:
// the same weights without it are far from PyTorch's output.
func TestFoldingMatters(t *testing.T) {
	state, err := weights.LoadSafetensors("testdata/generator.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"1", "4"} { // identity BatchNorm: γ=1, β=0, mean 0, var 1−eps
		for field, v := range map[string]float32{"weight": 1, "bias": 0, "running_mean": 0, "running_var": 1 - batchNormEps} {
			d := state[n+"."+field].Data().([]float32)
			for i := range d {
				d[i] = v
			}
		}
	}
	z, _ := weights.LoadNpy("testdata/z.npy")
	want, _ := weights.LoadNpy("testdata/want.npy")
	g := G.NewGraph()
	m, err := NewGenerator(g, state)
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.Forward(G.NewTensor(g, tensor.Float32, 4, G.WithShape(z.Shape()...), G.WithValue(z)))
	if err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(out.Value().(*tensor.Dense), want); d < 100*tolerance {
		t.Fatalf("without the BatchNorm statistics the output still matches (max diff %g)", d)
	}
}

// TestNewGeneratorErrors checks that a state_dict that does not fit the
// architecture is reported with the tensor at fault.
func TestNewGeneratorErrors(t *testing.T) {
	state, err := weights.LoadSafetensors("testdata/generator.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		change func(map[string]*tensor.Dense)
		want   string
	}{
		{"missing", func(s map[string]*tensor.Dense) { delete(s, "3.weight") }, `no "3.weight"`},
		{"float64", func(s map[string]*tensor.Dense) {
			s["0.weight"] = tensor.New(tensor.WithShape(8, 16, 4, 4), tensor.Of(tensor.Float64))
		}, `"0.weight" must be a 4-D float32 tensor`},
		{"batchnorm size", func(s map[string]*tensor.Dense) {
			s["4.running_var"] = tensor.New(tensor.WithShape(3), tensor.Of(tensor.Float32))
		}, "4.running_var has 3 values, want 8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := make(map[string]*tensor.Dense, len(state))
			for k, v := range state {
				s[k] = v
			}
			c.change(s)
			_, err := NewGenerator(G.NewGraph(), s)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}
