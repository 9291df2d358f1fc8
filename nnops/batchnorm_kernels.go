package nnops

import (
	"math"
	"runtime"
	"sync"
)

// This file holds the kernels of BatchNorm2d: plain functions over slices in
// the (N, C, H, W) layout, testable without a graph. Each works channel by
// channel (the channels split over the cores for large inputs), a channel's
// planes in batch order into float64 accumulators, so float32 inputs lose
// nothing to the sums and the results do not depend on how the work is
// split.

// bnGeometry is the layout of a batch-norm input: N images of C channels
// of Plane = H·W values each.
type bnGeometry struct{ N, C, Plane int }

// count is the number of values a channel's statistics are taken over.
func (g bnGeometry) count() float64 { return float64(g.N * g.Plane) }

// size is the number of values of the whole input.
func (g bnGeometry) size() int { return g.N * g.C * g.Plane }

// bnStats returns each channel's mean and 1/√(var + eps) (see
// channelStats).
func bnStats[T float32 | float64](x []T, g bnGeometry, eps float64) (mean, inv []float64) {
	mean, inv = make([]float64, g.C), make([]float64, g.C)
	forChannels(g, func(c0, c1 int) {
		for c := c0; c < c1; c++ {
			mean[c], inv[c] = channelStats(x, g, c, eps)
		}
	})
	return mean, inv
}

// channelStats returns channel c's mean and 1/√(var + eps), var being the
// biased variance (the mean of the squared deviations). It takes one pass,
// summing the deviations d from the channel's first value x0 and their
// squares: var = mean(d²) − mean(d)². The shift makes a large mean cost no
// precision: the subtraction cancels at most the share (x0 − mean)² of
// mean(d²), and var itself is at least (x0 − mean)²/M, so the relative
// rounding error of var stays below about M·2⁻⁵².
func channelStats[T float32 | float64](x []T, g bnGeometry, c int, eps float64) (mean, inv float64) {
	x0 := float64(x[c*g.Plane])
	var sum, sq float64
	for b := 0; b < g.N; b++ {
		off := (b*g.C + c) * g.Plane
		s, q := shiftedSums64(x[off:off+g.Plane], x0)
		sum += s
		sq += q
	}
	m := g.count()
	d := sum / m
	v := max(sq/m-d*d, 0)
	return x0 + d, 1 / math.Sqrt(v+eps)
}

// channelSums returns channel c's Σ dy and Σ dy·x̂, x̂ = (x − mean)·inv: the
// gradients with respect to its shift and scale.
func channelSums[T float32 | float64](x, dy []T, g bnGeometry, c int, mean, inv float64) (sumDy, sumDyXhat float64) {
	for b := 0; b < g.N; b++ {
		off := (b*g.C + c) * g.Plane
		s, sx := dotDev64(x[off:off+g.Plane], dy[off:off+g.Plane], mean)
		sumDy += s
		sumDyXhat += sx
	}
	return sumDy, sumDyXhat * inv
}

// bnForward writes y = (x − mean)·inv·scale + shift, channel by channel.
func bnForward[T float32 | float64](y, x, scale, shift []T, g bnGeometry, eps float64) {
	forChannels(g, func(c0, c1 int) {
		for c := c0; c < c1; c++ {
			mu, inv := channelStats(x, g, c, eps)
			k, sh := inv*float64(scale[c]), float64(shift[c])
			for b := 0; b < g.N; b++ {
				off := (b*g.C + c) * g.Plane
				dst := y[off : off+g.Plane]
				for i, v := range x[off : off+g.Plane] {
					dst[i] = T((float64(v)-mu)*k + sh)
				}
			}
		}
	})
}

// bnShiftGrad writes the gradient with respect to shift: Σ dy per channel.
func bnShiftGrad[T float32 | float64](dshift, dy []T, g bnGeometry) {
	forChannels(g, func(c0, c1 int) {
		for c := c0; c < c1; c++ {
			var acc float64
			for b := 0; b < g.N; b++ {
				off := (b*g.C + c) * g.Plane
				acc += sum64(dy[off : off+g.Plane])
			}
			dshift[c] = T(acc)
		}
	})
}

// bnScaleGrad writes the gradient with respect to scale: Σ dy·x̂ per
// channel.
func bnScaleGrad[T float32 | float64](dscale, x, dy []T, g bnGeometry, eps float64) {
	forChannels(g, func(c0, c1 int) {
		for c := c0; c < c1; c++ {
			mu, inv := channelStats(x, g, c, eps)
			_, sx := channelSums(x, dy, g, c, mu, inv)
			dscale[c] = T(sx)
		}
	})
}

// bnInputGrad writes the gradient with respect to x. With M values per
// channel, the statistics' own dependence on x gives
//
//	dx = scale·inv·(dy − Σdy/M − x̂·Σ(dy·x̂)/M)
func bnInputGrad[T float32 | float64](dx, x, scale, dy []T, g bnGeometry, eps float64) {
	m := g.count()
	forChannels(g, func(c0, c1 int) {
		for c := c0; c < c1; c++ {
			mu, iv := channelStats(x, g, c, eps)
			sumDy, sumDyXhat := channelSums(x, dy, g, c, mu, iv)
			k, a, q := float64(scale[c])*iv, sumDy/m, sumDyXhat/m
			for b := 0; b < g.N; b++ {
				off := (b*g.C + c) * g.Plane
				dst, dyc := dx[off:off+g.Plane], dy[off:off+g.Plane]
				for i, v := range x[off : off+g.Plane] {
					xh := (float64(v) - mu) * iv
					dst[i] = T(k * (float64(dyc[i]) - a - xh*q))
				}
			}
		}
	})
}

// parallelValues is the input size from which the kernels split their
// channels over GOMAXPROCS goroutines: below it, starting them costs more
// than the work.
const parallelValues = 1 << 15

// forChannels calls work on ranges of channels that cover [0, C): on the
// calling goroutine for small inputs, otherwise split evenly over up to
// GOMAXPROCS goroutines. Each channel is one range's alone, and every kernel
// accumulates a channel in the same order, so the results do not depend on
// the split.
func forChannels(g bnGeometry, work func(c0, c1 int)) {
	workers := min(runtime.GOMAXPROCS(0), g.C)
	if g.size() < parallelValues || workers <= 1 {
		work(0, g.C)
		return
	}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Go(func() { work(w*g.C/workers, (w+1)*g.C/workers) })
	}
	work(0, g.C/workers)
	wg.Wait()
}

// sum64 returns Σ x in float64, with four accumulators so that the additions
// overlap; the order is fixed, so the result is too.
func sum64[T float32 | float64](x []T) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += float64(x[i])
		s1 += float64(x[i+1])
		s2 += float64(x[i+2])
		s3 += float64(x[i+3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// shiftedSums64 returns Σ (x − x0) and Σ (x − x0)² in float64.
func shiftedSums64[T float32 | float64](x []T, x0 float64) (s, q float64) {
	var s1, q1 float64
	i := 0
	for ; i+2 <= len(x); i += 2 {
		d0, d1 := float64(x[i])-x0, float64(x[i+1])-x0
		s += d0
		q += d0 * d0
		s1 += d1
		q1 += d1 * d1
	}
	for ; i < len(x); i++ {
		d := float64(x[i]) - x0
		s += d
		q += d * d
	}
	return s + s1, q + q1
}

// dotDev64 returns Σ dy and Σ dy·(x − mu) in float64.
func dotDev64[T float32 | float64](x, dy []T, mu float64) (s, sx float64) {
	dy = dy[:len(x)]
	for i, v := range x {
		d := float64(dy[i])
		s += d
		sx += d * (float64(v) - mu)
	}
	return s, sx
}
