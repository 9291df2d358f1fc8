package main

import (
	"slices"

	"gorgonia.org/tensor"
)

// average is an exponential moving average of the generator's weights, the generator that samples.png and
// progress.png are drawn from. A GAN's generator moves with every discriminator update and its samples at
// one step can be caught in a swing; the average over the last few hundred steps draws steadier digits
// (Yazıcı et al., "The unusual effectiveness of averaging in GAN training", ICLR 2019; Karras et al. use
// it for every StyleGAN sample).
type average struct {
	decay float64 // at most this much of the old average is kept per step
	w     weights
}

// update folds w in after the generator's step-th update (1 for the first):
//
//	avg ← d·avg + (1 − d)·w,   d = min(decay, (1 + step) / (10 + step))
//
// The warm-up of d (TensorFlow's ExponentialMovingAverage with num_updates) keeps the random initial
// weights from lingering in the average of a short run.
func (a *average) update(w weights, step int) {
	d := min(a.decay, float64(1+step)/float64(10+step))
	for name, t := range w {
		dst := float32s(a.w[name])
		for i, v := range float32s(t) {
			dst[i] = float32(d*float64(dst[i]) + (1-d)*float64(v))
		}
	}
}

// cloneWeights returns a deep copy of w.
func cloneWeights(w weights) weights {
	c := make(weights, len(w))
	for name, t := range w {
		c[name] = tensor.New(tensor.WithShape(t.Shape().Clone()...), tensor.WithBacking(slices.Clone(float32s(t))))
	}
	return c
}
