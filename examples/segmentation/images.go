package main

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
)

// palette colours the classes: black background, then the ten digits in the colours of matplotlib's
// "tab10" cycle, fixed so that pictures of different runs compare.
var palette = [Classes]color.RGBA{
	{0, 0, 0, 255},
	{31, 119, 180, 255},  // 0
	{255, 127, 14, 255},  // 1
	{44, 160, 44, 255},   // 2
	{214, 39, 40, 255},   // 3
	{148, 103, 189, 255}, // 4
	{140, 86, 75, 255},   // 5
	{227, 119, 194, 255}, // 6
	{127, 127, 127, 255}, // 7
	{188, 189, 34, 255},  // 8
	{23, 190, 207, 255},  // 9
}

// predictionSheet draws one row per sample: the image in grey, its true mask and the predicted mask
// (pred, Height·Width classes per sample) in the palette's colours, each pixel scale×scale, separated by
// white gutters.
func predictionSheet(samples []Sample, pred []uint8, scale int) *image.RGBA {
	const gutter = 4
	cw, ch := Width*scale, Height*scale
	out := image.NewRGBA(image.Rect(0, 0, 3*cw+4*gutter, len(samples)*(ch+gutter)+gutter))
	draw.Draw(out, out.Bounds(), &image.Uniform{C: color.White}, image.Point{}, draw.Src)
	for i, s := range samples {
		y0 := gutter + i*(ch+gutter)
		p := pred[i*Height*Width : (i+1)*Height*Width]
		for y := 0; y < Height; y++ {
			for x := 0; x < Width; x++ {
				at := y*Width + x
				v := s.Pixels[at]
				cells := [3]color.RGBA{{v, v, v, 255}, palette[s.Mask[at]], palette[p[at]]}
				for c, col := range cells {
					x0 := gutter + c*(cw+gutter)
					draw.Draw(out, image.Rect(x0+x*scale, y0+y*scale, x0+(x+1)*scale, y0+(y+1)*scale),
						&image.Uniform{C: col}, image.Point{}, draw.Src)
				}
			}
		}
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
