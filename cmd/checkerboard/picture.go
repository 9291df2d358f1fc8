package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"slices"
)

// writeGray saves the h×w map v as a grayscale PNG at path, each value a
// cell×cell square, stretched from the map's minimum (black) to its
// maximum (white); a constant map is drawn mid-grey.
func writeGray(path string, v []float64, h, w, cell int) error {
	if len(v) != h*w || h < 1 || w < 1 || cell < 1 {
		return fmt.Errorf("picture %s: %d values for %d×%d in cells of %d", path, len(v), h, w, cell)
	}
	lo, hi := slices.Min(v), slices.Max(v)
	img := image.NewGray(image.Rect(0, 0, w*cell, h*cell))
	for y := range h * cell {
		for x := range w * cell {
			g := 128.0
			if hi > lo {
				g = 255 * (v[(y/cell)*w+x/cell] - lo) / (hi - lo)
			}
			img.SetGray(x, y, color.Gray{Y: uint8(g + 0.5)})
		}
	}
	return writePNG(path, img)
}

// writePNG encodes img into a new file at path.
func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("picture %s: %w", path, err)
	}
	return f.Close()
}
