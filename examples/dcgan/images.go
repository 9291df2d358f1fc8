package main

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
)

// tile is the side of an MNIST image.
const tile = 28

// grid lays out n images of tile·tile values in [−1, 1] as a cols-wide grid without gutters:
// −1 is black and +1 white, so the digits are light on a dark ground like the data they imitate.
func grid(images []float32, cols int) (*image.Gray, error) {
	n := len(images) / (tile * tile)
	if n == 0 || n*tile*tile != len(images) || cols < 1 {
		return nil, fmt.Errorf("grid: %d values are not whole %dx%d images in %d columns", len(images), tile, tile, cols)
	}
	rows := (n + cols - 1) / cols
	img := image.NewGray(image.Rect(0, 0, cols*tile, rows*tile))
	for k := 0; k < n; k++ {
		x0, y0 := (k%cols)*tile, (k/cols)*tile
		for y := 0; y < tile; y++ {
			for x := 0; x < tile; x++ {
				img.SetGray(x0+x, y0+y, color.Gray{Y: toByte(images[k*tile*tile+y*tile+x])})
			}
		}
	}
	return img, nil
}

// toByte maps [−1, 1] to [0, 255], clamping.
func toByte(v float32) uint8 {
	u := (v + 1) * 127.5
	switch {
	case u <= 0 || u != u: // NaN draws black
		return 0
	case u >= 255:
		return 255
	}
	return uint8(u + 0.5)
}

// strip puts images side by side, separated by gutter columns of mid grey.
func strip(imgs []*image.Gray, gutter int) *image.Gray {
	w, h := 0, 0
	for i, im := range imgs {
		if i > 0 {
			w += gutter
		}
		w += im.Bounds().Dx()
		h = max(h, im.Bounds().Dy())
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(out, out.Bounds(), &image.Uniform{C: color.Gray{Y: 128}}, image.Point{}, draw.Src)
	x := 0
	for _, im := range imgs {
		r := im.Bounds()
		draw.Draw(out, image.Rect(x, 0, x+r.Dx(), r.Dy()), im, r.Min, draw.Src)
		x += r.Dx() + gutter
	}
	return out
}

// savePNG writes img to path.
func savePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}
