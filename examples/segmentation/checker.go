package main

// checkerStats measures how much of a feature map is a pattern of period 2 aligned with the last
// up-sampling, the checkerboard artifact of transposed convolutions (Odena, Dumoulin and Olah,
// "Deconvolution and Checkerboard Artifacts", Distill, 2016).
//
// For every plane (one channel of one image) it splits the pixels into the four phases
// (row mod 2, column mod 2) and compares the phase means with the plane's mean. The index is
//
//	Σ_planes Σ_phases n_phase · (mean_phase − mean)²  /  Σ_planes Σ_pixels (x − mean)²
//
// the fraction of the maps' variance that the phase of a pixel alone explains. It is 0 for a map
// without any 2x2-periodic component, 1 for a pure checkerboard; for content unrelated to the phase it
// is of the order of 3 / pixels per plane. Resize-convolution, which up-samples before it convolves,
// leaves no phase-dependent bias; a transposed convolution with stride 2 uses a different subset of
// its taps at each phase and can.
type checkerStats struct {
	phase, total float64
}

// add accumulates planes maps of h×w values (plane after plane).
func (s *checkerStats) add(maps []float32, planes, h, w int) {
	for p := 0; p < planes; p++ {
		m := maps[p*h*w : (p+1)*h*w]
		var sum [4]float64
		var cnt [4]int
		var all float64
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				v := float64(m[y*w+x])
				ph := (y%2)*2 + x%2
				sum[ph] += v
				cnt[ph]++
				all += v
			}
		}
		mean := all / float64(h*w)
		for ph := range sum {
			if cnt[ph] > 0 {
				d := sum[ph]/float64(cnt[ph]) - mean
				s.phase += float64(cnt[ph]) * d * d
			}
		}
		for _, v := range m {
			d := float64(v) - mean
			s.total += d * d
		}
	}
}

// Index returns the checkerboard index, 0 when the maps are constant.
func (s checkerStats) Index() float64 {
	if s.total == 0 {
		return 0
	}
	return s.phase / s.total
}
