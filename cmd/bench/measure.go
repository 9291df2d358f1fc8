package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"gonum.org/v1/gonum/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	ct "github.com/gorgonia-ext/convtranspose"
)

// timeRoundRobin times functions compared with each other: it calls them in
// turn, one call each per round, and returns the median time of one call of
// each (the median is robust to the other work a shared machine does). A
// function leaves the rounds once it has run at least three times and for at
// least minTime (or a thousand times), so that a slow one does not keep the
// fast ones running, nor they it. Taking turns call by call gives
// every function the same share of whatever else the machine is doing, so
// that their ratios hold even when the load drifts during the measurement.
//
// With settle, each turn calls its function once more before the timed
// call, untimed: what the function before left behind is then paid for
// outside the time. That matters for functions that allocate: on the
// TapeMachine every run allocates its values afresh, and zero insertion
// leaves hundreds of megabytes behind a call, whose collection, and the
// page faults of the memory the runtime hands back to the system meanwhile,
// would otherwise land on whichever function comes next.
func timeRoundRobin(minTime time.Duration, settle bool, fs ...func() error) ([]time.Duration, error) {
	runs := make([][]time.Duration, len(fs))
	totals := make([]time.Duration, len(fs))
	for _, f := range fs { // warm up: first-run allocations are not steady state
		if err := f(); err != nil {
			return nil, err
		}
	}
	for round, busy := 0, true; busy; round++ {
		busy = false
		for j := range fs {
			// Each round starts one function later, so that none always
			// follows the same other (a BLAS's threads may still be busy, or
			// the caches full of its data, when the next call starts).
			i := (round + j) % len(fs)
			f := fs[i]
			if len(runs[i]) >= 3 && (totals[i] >= minTime || len(runs[i]) >= 1000) {
				continue
			}
			busy = true
			if settle {
				if err := f(); err != nil {
					return nil, err
				}
			}
			start := time.Now()
			if err := f(); err != nil {
				return nil, err
			}
			d := time.Since(start)
			runs[i] = append(runs[i], d)
			totals[i] += d
		}
	}
	medians := make([]time.Duration, len(fs))
	for i, r := range runs {
		slices.Sort(r)
		medians[i] = r[len(r)/2]
	}
	return medians, nil
}

// randomDense returns a tensor of the shape with values in [-1, 1).
func randomDense(rng *rand.Rand, dt tensor.Dtype, shape []int) *tensor.Dense {
	n := 1
	for _, d := range shape {
		n *= d
	}
	if dt == tensor.Float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = 2*rng.Float32() - 1
		}
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v))
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = 2*rng.Float64() - 1
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v))
}

func input(g *G.ExprGraph, d *tensor.Dense, name string) *G.Node {
	return G.NewTensor(g, d.Dtype(), d.Dims(), G.WithShape(d.Shape()...), G.WithValue(d), G.WithName(name))
}

// machine runs a graph repeatedly.
func machine(g *G.ExprGraph) func() error {
	m := G.NewTapeMachine(g)
	return func() error {
		m.Reset()
		return m.RunAll()
	}
}

// ours builds the transposed convolution, and with backward its gradients
// with respect to x and the filter, as a graph.
func ours(l layer, dt tensor.Dtype, backward bool) (func() error, *G.Node, error) {
	rng := rand.New(rand.NewPCG(1, 2))
	g := G.NewGraph()
	x := input(g, randomDense(rng, dt, l.xShape()), "x")
	w := input(g, randomDense(rng, dt, l.wShape()), "w")
	y, err := ct.ConvTranspose2d(x, w, ct.WithStride(l.s, l.s), ct.WithPadding(l.p, l.p), ct.WithOutputPadding(l.op, l.op))
	if err != nil {
		return nil, nil, err
	}
	if backward {
		// The output's gradient is given, r, as PyTorch's y.backward(r)
		// gives it: no cost function and its gradients in between.
		r := input(g, randomDense(rng, dt, l.yShape()), "r")
		if _, err := G.Backpropagate(G.Nodes{y}, G.Nodes{r}, G.Nodes{x, w}); err != nil {
			return nil, nil, err
		}
	}
	return machine(g), y, nil
}

// mirroredConv is a convolution on the mirrored shape: the one that takes
// the transposed convolution's output back to its input, with the same
// filter — gorgonia.Conv2d, or this module's Conv2d when ours is true.
func mirroredConv(l layer, dt tensor.Dtype, ours bool) (func() error, error) {
	rng := rand.New(rand.NewPCG(3, 4))
	g := G.NewGraph()
	y := input(g, randomDense(rng, dt, l.yShape()), "y")
	w := input(g, randomDense(rng, dt, l.wShape()), "w")
	var err error
	if ours {
		_, err = ct.Conv2d(y, w, ct.WithStride(l.s, l.s), ct.WithPadding(l.p, l.p))
	} else {
		_, err = G.Conv2d(y, w, tensor.Shape{l.k, l.k}, []int{l.p, l.p}, []int{l.s, l.s}, []int{1, 1})
	}
	if err != nil {
		return nil, err
	}
	return machine(g), nil
}

// bareGEMM is the forward GEMM alone, through the BLAS gorgonia uses, with
// random operands (gonum skips zero multipliers, so zeros would flatter it).
func bareGEMM(l layer, dt tensor.Dtype) func() error {
	rng := rand.New(rand.NewPCG(5, 6))
	m, n, k := l.gemmDims()
	a := randomDense(rng, dt, []int{m, k}).Data() // the filter transposed, as the forward pass uses it
	b := randomDense(rng, dt, []int{k, n}).Data()
	c := randomDense(rng, dt, []int{m, n}).Data()
	impl := G.WhichBLAS()
	return func() error {
		switch a := a.(type) {
		case []float32:
			impl.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b.([]float32), n, 0, c.([]float32), n)
		case []float64:
			impl.Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b.([]float64), n, 0, c.([]float64), n)
		default:
			return fmt.Errorf("unsupported dtype %T", a)
		}
		return nil
	}
}
