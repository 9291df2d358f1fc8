package main

import (
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// zeroInsertion computes the transposed convolution the slow way: insert
// stride−1 zeros between the input's pixels, pad the result by k−1−p (plus
// the output padding at the end), and convolve with the filter flipped and
// its channel axes swapped, with gorgonia.Conv2d. Every inserted zero is
// multiplied. The returned function redoes the insertion and the
// convolution, and out is the node holding the result.
func zeroInsertion(l layer, dt tensor.Dtype) (run func() error, x, w *tensor.Dense, out *G.Node, err error) {
	rng := rand.New(rand.NewPCG(1, 2))
	x = randomDense(rng, dt, l.xShape())
	w = randomDense(rng, dt, l.wShape())
	edge := l.k - 1 - l.p
	hd := (l.h-1)*l.s + 1 + 2*edge + l.op
	wd := (l.w-1)*l.s + 1 + 2*edge + l.op
	dilated := tensor.New(tensor.WithShape(l.n, l.cin, hd, wd), tensor.Of(dt))
	flipped := tensor.New(tensor.WithShape(l.cout, l.cin, l.k, l.k), tensor.Of(dt))
	switch dt {
	case tensor.Float32:
		flip(l, w.Data().([]float32), flipped.Data().([]float32))
	default:
		flip(l, w.Data().([]float64), flipped.Data().([]float64))
	}
	g := G.NewGraph()
	in := input(g, dilated, "dilated")
	filter := input(g, flipped, "flipped")
	if out, err = G.Conv2d(in, filter, tensor.Shape{l.k, l.k}, []int{0, 0}, []int{1, 1}, []int{1, 1}); err != nil {
		return nil, nil, nil, nil, err
	}
	conv := machine(g)
	run = func() error {
		switch dt {
		case tensor.Float32:
			insertZeros(l, edge, hd, wd, x.Data().([]float32), dilated.Data().([]float32))
		default:
			insertZeros(l, edge, hd, wd, x.Data().([]float64), dilated.Data().([]float64))
		}
		return conv()
	}
	return run, x, w, out, nil
}

func insertZeros[T float32 | float64](l layer, edge, hd, wd int, x, dst []T) {
	clear(dst)
	for c := 0; c < l.n*l.cin; c++ {
		for i := 0; i < l.h; i++ {
			row := dst[(c*hd+edge+i*l.s)*wd+edge:]
			for j := 0; j < l.w; j++ {
				row[j*l.s] = x[(c*l.h+i)*l.w+j]
			}
		}
	}
}

// flip turns (Cin, Cout, k, k) into (Cout, Cin, k, k) rotated by 180°.
func flip[T float32 | float64](l layer, w, dst []T) {
	kk := l.k * l.k
	for ci := 0; ci < l.cin; ci++ {
		for co := 0; co < l.cout; co++ {
			for t := 0; t < kk; t++ {
				dst[(co*l.cin+ci)*kk+kk-1-t] = w[(ci*l.cout+co)*kk+t]
			}
		}
	}
}
