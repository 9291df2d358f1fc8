package main

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// plotLosses draws the discriminator's and the generator's losses over the steps into a PNG at path:
// each loss as a faint line, with its moving average over window steps drawn over it.
func plotLosses(path string, dLoss, gLoss []float32, window int) error {
	if len(dLoss) != len(gLoss) {
		return fmt.Errorf("plotLosses: %d D losses but %d G losses", len(dLoss), len(gLoss))
	}
	p := plot.New()
	p.Title.Text = "DCGAN on MNIST"
	p.X.Label.Text = "step"
	p.Y.Label.Text = "binary cross-entropy"
	p.Add(plotter.NewGrid())
	for _, s := range []struct {
		name   string
		loss   []float32
		colour color.RGBA
	}{
		{"discriminator", dLoss, color.RGBA{R: 31, G: 119, B: 180, A: 255}},
		{"generator", gLoss, color.RGBA{R: 214, G: 39, B: 40, A: 255}},
	} {
		raw, err := plotter.NewLine(steps(s.loss))
		if err != nil {
			return fmt.Errorf("plotLosses: %s: %w", s.name, err)
		}
		raw.Color = color.NRGBA{R: s.colour.R, G: s.colour.G, B: s.colour.B, A: 70} // not premultiplied: a paler tint
		avg, err := plotter.NewLine(steps(movingAverage(s.loss, window)))
		if err != nil {
			return fmt.Errorf("plotLosses: %s: %w", s.name, err)
		}
		avg.Color = s.colour
		avg.Width = vg.Points(1.5)
		p.Add(raw, avg)
		p.Legend.Add(s.name, avg)
	}
	p.Legend.Top = true
	if err := p.Save(6*vg.Inch, 4*vg.Inch, path); err != nil {
		return fmt.Errorf("plotLosses: %w", err)
	}
	return nil
}

// steps pairs each value with its step number, counted from 1.
func steps(v []float32) plotter.XYs {
	xy := make(plotter.XYs, len(v))
	for i, y := range v {
		xy[i].X, xy[i].Y = float64(i+1), float64(y)
	}
	return xy
}

// movingAverage returns the mean of the last window values (fewer at the start) at each index.
func movingAverage(v []float32, window int) []float32 {
	out := make([]float32, len(v))
	var sum float64
	for i, x := range v {
		sum += float64(x)
		if i >= window {
			sum -= float64(v[i-window])
		}
		out[i] = float32(sum / float64(min(i+1, window)))
	}
	return out
}
