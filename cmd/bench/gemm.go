package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"gonum.org/v1/gonum/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// product is one GEMM a layer needs: the forward (Wᵀ·X, with Wᵀ stored: the
// pass transposes the filter first), the input gradient (W·dY columns) or the
// filter gradient (X·dY columnsᵀ, B transposed), each folded over the batch.
type product struct {
	l       layer
	pass    string
	tA, tB  blas.Transpose
	m, n, k int
}

// products returns the three GEMMs of every layer.
func products() []product {
	var ps []product
	for _, l := range layers {
		rows, cols, ch := l.cout*l.k*l.k, l.n*l.h*l.w, l.cin
		ps = append(ps,
			product{l, "forward", blas.NoTrans, blas.NoTrans, rows, cols, ch},
			product{l, "input gradient", blas.NoTrans, blas.NoTrans, ch, cols, rows},
			product{l, "filter gradient", blas.NoTrans, blas.Trans, ch, rows, cols},
		)
	}
	return ps
}

func (p product) String() string {
	t := map[blas.Transpose]string{blas.NoTrans: "N", blas.Trans: "T"}
	return fmt.Sprintf("%s, %s (%s%s m%d n%d k%d)", p.l.name, p.pass, t[p.tA], t[p.tB], p.m, p.n, p.k)
}

// gemmCall returns a call of the product on impl, with random operands
// (gonum skips zero multipliers, so zeros would flatter it) that every
// call made for the same product and dtype shares.
func gemmCall(impl G.BLAS, p product, dt tensor.Dtype) func() error {
	rng := rand.New(rand.NewPCG(7, 8))
	a := randomDense(rng, dt, []int{p.m * p.k}).Data()
	b := randomDense(rng, dt, []int{p.k * p.n}).Data()
	c := randomDense(rng, dt, []int{p.m * p.n}).Data()
	lda, ldb := p.k, p.n
	if p.tA == blas.Trans {
		lda = p.m
	}
	if p.tB == blas.Trans {
		ldb = p.k
	}
	return func() error {
		switch a := a.(type) {
		case []float32:
			impl.Sgemm(p.tA, p.tB, p.m, p.n, p.k, 1, a, lda, b.([]float32), ldb, 0, c.([]float32), p.n)
		case []float64:
			impl.Dgemm(p.tA, p.tB, p.m, p.n, p.k, 1, a, lda, b.([]float64), ldb, 0, c.([]float64), p.n)
		}
		return nil
	}
}

// runGEMM prints the GFLOP/s of every BLAS in blasChoices on the products
// of the layers, and the ratios of the fast engine to the others, all
// measured in this run.
func runGEMM(w io.Writer, minTime time.Duration, dtypes []string, markdown bool) error {
	names := keys(blasChoices)
	slices.Sort(names)
	head := []string{"GEMM", "dtype"}
	for _, n := range names {
		head = append(head, n+" GFLOP/s")
	}
	for _, n := range names {
		if n != "fast" {
			head = append(head, "fast/"+n)
		}
	}
	var lines [][]string
	for _, dt := range dtypes {
		dtype := tensor.Float32
		if dt == "float64" {
			dtype = tensor.Float64
		}
		for _, p := range products() {
			flops := 2 * float64(p.m) * float64(p.n) * float64(p.k)
			var calls []func() error
			for _, n := range names {
				calls = append(calls, gemmCall(blasChoices[n], p, dtype))
			}
			medians, err := timeRoundRobin(minTime, false, calls...)
			if err != nil {
				return err
			}
			times := map[string]time.Duration{}
			line := []string{p.String(), dt}
			for i, n := range names {
				times[n] = medians[i]
				line = append(line, fmt.Sprintf("%.1f", flops/medians[i].Seconds()/1e9))
			}
			for _, n := range names {
				if n != "fast" {
					line = append(line, ratio(times[n], times["fast"]))
				}
			}
			lines = append(lines, line)
		}
	}
	return writeTable(w, head, lines, markdown)
}
