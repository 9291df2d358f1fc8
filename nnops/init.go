package nnops

import (
	"math"
	"math/rand/v2"
)

// An Initializer fills a weight or bias with values drawn from rng; fanIn
// is the number of inputs that feed one output, as PyTorch counts it.
type Initializer func(rng *rand.Rand, fanIn int, data []float64)

// KaimingUniform is PyTorch's default for the weights of Conv2d and
// ConvTranspose2d: kaiming_uniform_ with a = √5, that is U(−b, b) with
// b = 1/√fanIn. (PyTorch computes fanIn from the weight's second dimension
// times the kernel area for both layers, so for ConvTranspose2d it counts
// output channels; the layers here do the same, to match it.)
func KaimingUniform(rng *rand.Rand, fanIn int, data []float64) {
	Uniform(1/math.Sqrt(float64(max(fanIn, 1))))(rng, fanIn, data)
}

// Uniform returns an Initializer that draws from U(−bound, bound).
func Uniform(bound float64) Initializer {
	return func(rng *rand.Rand, _ int, data []float64) {
		for i := range data {
			data[i] = (2*rng.Float64() - 1) * bound
		}
	}
}

// Normal returns an Initializer that draws from N(mean, std²); Normal(0,
// 0.02) is the DCGAN paper's initialisation.
func Normal(mean, std float64) Initializer {
	return func(rng *rand.Rand, _ int, data []float64) {
		for i := range data {
			data[i] = mean + std*rng.NormFloat64()
		}
	}
}

// Zeros is an Initializer that sets every value to zero.
func Zeros(_ *rand.Rand, _ int, data []float64) { clear(data) }
