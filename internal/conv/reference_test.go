package conv

// The reference implementations below follow the defining sums literally,
// one tap at a time, with no im2col, GEMM or chunking.

// forEachTap calls fn(smallIndex, bigIndex, filterIndex) for every
// small-position/tap pair that reaches the big image.
func forEachTap(g Geometry, fn func(s, b, f int)) {
	cbg, csg := g.BigChannels/g.Groups, g.SmallChannels/g.Groups
	for n := 0; n < g.Batch; n++ {
		for cs := 0; cs < g.SmallChannels; cs++ {
			gr := cs / csg
			for j := 0; j < cbg; j++ {
				cb := gr*cbg + j
				for kh := 0; kh < g.KernelH; kh++ {
					for kw := 0; kw < g.KernelW; kw++ {
						f := ((cs*cbg+j)*g.KernelH+kh)*g.KernelW + kw
						for hs := 0; hs < g.SmallH; hs++ {
							hb := hs*g.StrideH - g.PadTop + kh*g.DilationH
							if hb < 0 || hb >= g.BigH {
								continue
							}
							for ws := 0; ws < g.SmallW; ws++ {
								wb := ws*g.StrideW - g.PadLeft + kw*g.DilationW
								if wb < 0 || wb >= g.BigW {
									continue
								}
								s := ((n*g.SmallChannels+cs)*g.SmallH+hs)*g.SmallW + ws
								b := ((n*g.BigChannels+cb)*g.BigH+hb)*g.BigW + wb
								fn(s, b, f)
							}
						}
					}
				}
			}
		}
	}
}

func refTransposed(g Geometry, small, filter, bias []float64) []float64 {
	big := make([]float64, g.BigLen())
	if bias != nil {
		fillBias(big, bias, g.BigChannels, g.bigPlane())
	}
	forEachTap(g, func(s, b, f int) { big[b] += small[s] * filter[f] })
	return big
}

func refConvolve(g Geometry, big, filter, bias []float64) []float64 {
	small := make([]float64, g.SmallLen())
	if bias != nil {
		fillBias(small, bias, g.SmallChannels, g.smallPlane())
	}
	forEachTap(g, func(s, b, f int) { small[s] += big[b] * filter[f] })
	return small
}

func refFilterGrad(g Geometry, small, big []float64) []float64 {
	filter := make([]float64, g.FilterLen())
	forEachTap(g, func(s, b, f int) { filter[f] += small[s] * big[b] })
	return filter
}
