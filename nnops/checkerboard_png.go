package nnops

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
)

// heatRamp runs from dark purple (fewest taps) through teal to yellow (most
// taps), a perceptually ordered ramp in the manner of viridis.
var heatRamp = []color.NRGBA{
	{68, 1, 84, 255},
	{59, 82, 139, 255},
	{33, 145, 140, 255},
	{94, 201, 98, 255},
	{253, 231, 37, 255},
}

// heat returns the colour of count c on a map whose counts run from 0 to
// maxCount: black for no tap at all, then the ramp from 1 to maxCount.
func heat(c, maxCount int) color.NRGBA {
	if c <= 0 {
		return color.NRGBA{0, 0, 0, 255}
	}
	if maxCount <= 1 {
		return heatRamp[len(heatRamp)-1]
	}
	f := float64(c-1) / float64(maxCount-1) * float64(len(heatRamp)-1)
	i := min(int(f), len(heatRamp)-2)
	t := f - float64(i)
	a, b := heatRamp[i], heatRamp[i+1]
	mix := func(x, y uint8) uint8 { return uint8(float64(x) + t*(float64(y)-float64(x)) + 0.5) }
	return color.NRGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}

// WritePNG writes o as a heat map to w: each count becomes a cell × cell
// square coloured from dark purple (1 tap) to yellow (the most taps), black
// where no tap reaches; cells of 4 pixels or more are separated by a
// one-pixel dark grid line. cell must be between 1 and 256, and the image
// at most 1<<14 pixels on a side.
func (o *Overlap) WritePNG(w io.Writer, cell int) error {
	if cell < 1 || cell > 256 {
		return fmt.Errorf("nnops: overlap PNG: cell must be between 1 and 256 pixels, got %d", cell)
	}
	if o.H <= 0 || o.W <= 0 || len(o.Counts) != o.H*o.W {
		return fmt.Errorf("nnops: overlap PNG: map of %d×%d with %d counts", o.H, o.W, len(o.Counts))
	}
	const maxSide = 1 << 14
	if o.H*cell > maxSide || o.W*cell > maxSide {
		return fmt.Errorf("nnops: overlap PNG: %d×%d cells of %d pixels exceed %d pixels on a side", o.H, o.W, cell, maxSide)
	}
	maxCount := 0
	for _, c := range o.Counts {
		maxCount = max(maxCount, c)
	}
	grid := color.NRGBA{24, 24, 24, 255}
	img := image.NewNRGBA(image.Rect(0, 0, o.W*cell, o.H*cell))
	for y := range o.H * cell {
		for x := range o.W * cell {
			c := heat(o.At(y/cell, x/cell), maxCount)
			if cell >= 4 && (y%cell == cell-1 || x%cell == cell-1) {
				c = grid
			}
			img.SetNRGBA(x, y, c)
		}
	}
	if err := png.Encode(w, img); err != nil {
		return fmt.Errorf("nnops: overlap PNG: %w", err)
	}
	return nil
}
