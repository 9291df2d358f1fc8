package main

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorgonia.org/tensor"
)

// tiny is a layer small enough to measure in a test.
var tiny = layer{"tiny", 2, 3, 2, 3, 4, 3, 2, 1, 1}

// TestZeroInsertionAgrees checks the baseline: zero insertion + gorgonia.Conv2d
// must compute the same transposed convolution as ConvTranspose2d, or its
// timings would compare different things.
func TestZeroInsertionAgrees(t *testing.T) {
	for _, dt := range []string{"float64", "float32"} {
		r, err := measure(tiny, dt, time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-12
		if dt == "float32" {
			tol = 1e-5
		}
		if r.zeroInsDiff > tol {
			t.Errorf("%s: zero insertion differs from ConvTranspose2d by %g", dt, r.zeroInsDiff)
		}
		for name, d := range map[string]time.Duration{"fwd": r.fwd, "fwd+bwd": r.fwdbwd, "gemm": r.gemm, "conv": r.conv, "gorgonia conv": r.gconv, "zero insertion": r.zeroIns} {
			if d <= 0 {
				t.Errorf("%s: %s time %v", dt, name, d)
			}
		}
	}
}

// TestTable checks that a run prints a Markdown table with a row per layer
// and dtype, and that bad flags are errors.
func TestTable(t *testing.T) {
	saved := layers
	defer func() { layers = saved }()
	layers = []layer{tiny}
	var out bytes.Buffer
	if err := run(&out, time.Millisecond, []string{"float64"}, "gonum", "off", true); err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(out.String(), "| tiny (N=2, k3 s2 p1 op1) | float64 |"); rows != 1 {
		t.Errorf("%d rows for the tiny layer in:\n%s", rows, out.String())
	}
	if err := run(&out, time.Millisecond, []string{"float16"}, "fast", "off", false); err == nil {
		t.Error("no error for -dtype float16")
	}
	if err := run(&out, time.Millisecond, []string{"float64"}, "mkl", "off", false); err == nil {
		t.Error("no error for -blas mkl")
	}
}

// TestGEMMTable checks that -gemm prints a row for each of the three
// products of a layer, with a positive rate for every BLAS.
func TestGEMMTable(t *testing.T) {
	saved := layers
	defer func() { layers = saved }()
	layers = []layer{tiny}
	var out bytes.Buffer
	if err := runGEMM(&out, time.Millisecond, []string{"float32"}, true); err != nil {
		t.Fatal(err)
	}
	for _, pass := range []string{"forward (NN", "input gradient (NN", "filter gradient (NT"} {
		line := ""
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.Contains(l, "| tiny, "+pass) {
				line = l
			}
		}
		if line == "" {
			t.Fatalf("no row for the %s product in:\n%s", pass, out.String())
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if want := 2 + len(blasChoices) + len(blasChoices) - 1; len(cells) != want {
			t.Errorf("%s: %d cells, want %d: %q", pass, len(cells), want, line)
		}
		for _, c := range cells[2:] {
			if v, err := strconv.ParseFloat(c, 64); err != nil || !(v > 0) {
				t.Errorf("%s: cell %q is not a positive number", pass, c)
			}
		}
	}
}

// TestTimeRoundRobin checks that the functions take turns, each at least
// three times after a warm-up, that a slow one leaves the rounds once it has
// had its time, that the medians follow the functions' order, and that an
// error stops the measurement.
func TestTimeRoundRobin(t *testing.T) {
	var calls [2]int
	fast := func() error { calls[0]++; return nil }
	slow := func() error { calls[1]++; time.Sleep(2 * time.Millisecond); return nil }
	medians, err := timeRoundRobin(5*time.Millisecond, false, fast, slow)
	if err != nil {
		t.Fatal(err)
	}
	// slow: a warm-up and three calls (6ms ≥ 5ms); fast goes on until its
	// calls add up to 5ms or it reaches the cap of a thousand.
	if calls[1] != 4 || calls[0] < 4 || calls[0] > 1001 {
		t.Errorf("calls = %v, want fast between 4 and 1001, slow 4", calls)
	}
	if len(medians) != 2 || !(medians[1] >= 2*time.Millisecond) { // a sleep lasts at least its duration
		t.Errorf("medians = %v, want two, the second at least 2ms", medians)
	}
	boom := errors.New("boom")
	if _, err := timeRoundRobin(time.Millisecond, false, fast, func() error { return boom }); !errors.Is(err, boom) {
		t.Errorf("error = %v, want %v", err, boom)
	}
	// With settle, every timed call comes after an untimed one: twice the
	// calls after the warm-up.
	calls = [2]int{}
	if _, err := timeRoundRobin(5*time.Millisecond, true, fast, slow); err != nil {
		t.Fatal(err)
	}
	if calls[1] != 7 {
		t.Errorf("settling: slow called %d times, want 7 (a warm-up and three turns of two calls)", calls[1])
	}
}

// TestOursBackward checks that the forward+backward graph computes the
// gradients it is timed for, from the given output gradient r: the layer is
// linear in x and in w, so ⟨∂x, x⟩ = ⟨∂w, w⟩ = ⟨r, y⟩.
func TestOursBackward(t *testing.T) {
	run, y, err := ours(tiny, tensor.Float64, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := run(); err != nil {
		t.Fatal(err)
	}
	g := y.Graph()
	dot := func(a, b []float64) (s float64) {
		for i := range a {
			s += a[i] * b[i]
		}
		return s
	}
	want := dot(g.ByName("r")[0].Value().Data().([]float64), y.Value().Data().([]float64))
	for _, name := range []string{"x", "w"} {
		n := g.ByName(name)[0]
		grad, err := n.Grad()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := dot(grad.Data().([]float64), n.Value().Data().([]float64)); math.Abs(got-want) > 1e-9*math.Abs(want) {
			t.Errorf("⟨∂%s, %s⟩ = %v, want ⟨r, y⟩ = %v", name, name, got, want)
		}
	}
}
