package nnops

import "math"

// This file holds the kernels of BatchNorm2d: plain functions over slices in
// the (N, C, H, W) layout, testable without a graph. Each walks the data in
// memory order (batch, then channel, then plane) and keeps one float64
// accumulator per channel, so float32 inputs lose nothing to the sums and
// the results do not depend on how the work is split.

// bnGeometry is the layout of a batch-norm input: N images of C channels
// of Plane = H·W values each.
type bnGeometry struct{ N, C, Plane int }

// count is the number of values a channel's statistics are taken over.
func (g bnGeometry) count() float64 { return float64(g.N * g.Plane) }

// size is the number of values of the whole input.
func (g bnGeometry) size() int { return g.N * g.C * g.Plane }

// bnStats returns each channel's mean and 1/√(var + eps), var being the
// biased variance (the mean of the squared deviations). It takes one pass,
// summing the deviations d from the channel's first value x0 and their
// squares: var = mean(d²) − mean(d)². The shift makes a large mean cost no
// precision: the subtraction cancels at most the share (x0 − mean)² of
// mean(d²), and var itself is at least (x0 − mean)²/M, so the relative
// rounding error of var stays below about M·2⁻⁵².
func bnStats[T float32 | float64](x []T, g bnGeometry, eps float64) (mean, inv []float64) {
	mean, inv = make([]float64, g.C), make([]float64, g.C)
	for b := 0; b < g.N; b++ {
		for c := 0; c < g.C; c++ {
			off := (b*g.C + c) * g.Plane
			s, q := shiftedSums64(x[off:off+g.Plane], float64(x[c*g.Plane]))
			mean[c] += s
			inv[c] += q
		}
	}
	m := g.count()
	for c := range mean {
		d := mean[c] / m
		v := max(inv[c]/m-d*d, 0)
		mean[c] = float64(x[c*g.Plane]) + d
		inv[c] = 1 / math.Sqrt(v+eps)
	}
	return mean, inv
}

// bnForward writes y = (x − mean)·inv·scale + shift, channel by channel.
func bnForward[T float32 | float64](y, x, scale, shift []T, g bnGeometry, eps float64) {
	mean, inv := bnStats(x, g, eps)
	for b := 0; b < g.N; b++ {
		for c := 0; c < g.C; c++ {
			k, mu, sh := inv[c]*float64(scale[c]), mean[c], float64(shift[c])
			off := (b*g.C + c) * g.Plane
			dst := y[off : off+g.Plane]
			for i, v := range x[off : off+g.Plane] {
				dst[i] = T((float64(v)-mu)*k + sh)
			}
		}
	}
}

// bnSums returns each channel's Σ dy and Σ dy·x̂, x̂ = (x − mean)·inv: the
// gradients with respect to shift and scale.
func bnSums[T float32 | float64](x, dy []T, g bnGeometry, mean, inv []float64) (sumDy, sumDyXhat []float64) {
	sumDy, sumDyXhat = make([]float64, g.C), make([]float64, g.C)
	for b := 0; b < g.N; b++ {
		for c := 0; c < g.C; c++ {
			off := (b*g.C + c) * g.Plane
			s, sx := dotDev64(x[off:off+g.Plane], dy[off:off+g.Plane], mean[c])
			sumDy[c] += s
			sumDyXhat[c] += sx
		}
	}
	for c := range sumDyXhat {
		sumDyXhat[c] *= inv[c]
	}
	return sumDy, sumDyXhat
}

// bnShiftGrad writes the gradient with respect to shift: Σ dy per channel.
func bnShiftGrad[T float32 | float64](dshift, dy []T, g bnGeometry) {
	acc := make([]float64, g.C)
	for b := 0; b < g.N; b++ {
		for c := 0; c < g.C; c++ {
			off := (b*g.C + c) * g.Plane
			acc[c] += sum64(dy[off : off+g.Plane])
		}
	}
	for c, v := range acc {
		dshift[c] = T(v)
	}
}

// bnScaleGrad writes the gradient with respect to scale: Σ dy·x̂ per
// channel.
func bnScaleGrad[T float32 | float64](dscale, x, dy []T, g bnGeometry, eps float64) {
	mean, inv := bnStats(x, g, eps)
	_, sx := bnSums(x, dy, g, mean, inv)
	for c, v := range sx {
		dscale[c] = T(v)
	}
}

// bnInputGrad writes the gradient with respect to x. With M values per
// channel, the statistics' own dependence on x gives
//
//	dx = scale·inv·(dy − Σdy/M − x̂·Σ(dy·x̂)/M)
func bnInputGrad[T float32 | float64](dx, x, scale, dy []T, g bnGeometry, eps float64) {
	mean, inv := bnStats(x, g, eps)
	sumDy, sumDyXhat := bnSums(x, dy, g, mean, inv)
	m := g.count()
	for b := 0; b < g.N; b++ {
		for c := 0; c < g.C; c++ {
			k, mu, iv := float64(scale[c])*inv[c], mean[c], inv[c]
			a, q := sumDy[c]/m, sumDyXhat[c]/m
			off := (b*g.C + c) * g.Plane
			dst, dyc := dx[off:off+g.Plane], dy[off:off+g.Plane]
			for i, v := range x[off : off+g.Plane] {
				xh := (float64(v) - mu) * iv
				dst[i] = T(k * (float64(dyc[i]) - a - xh*q))
			}
		}
	}
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
