package main

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

var (
	blue = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	red  = color.RGBA{R: 214, G: 39, B: 40, A: 255}
)

// plotLoss draws the training loss of every step (the first counted as first+1) as a faint line, with
// its moving average over 25 steps over it, into a PNG at path.
func plotLoss(path string, loss []float32, first int, name string) error {
	p := plot.New()
	p.Title.Text = "segmentation, " + name + " up-sampling: training loss"
	p.X.Label.Text = "step"
	p.Y.Label.Text = "per-pixel cross-entropy"
	p.Add(plotter.NewGrid())
	raw, avg := make(plotter.XYs, len(loss)), make(plotter.XYs, len(loss))
	var sum float64
	const window = 25
	for i, l := range loss {
		sum += float64(l)
		if i >= window {
			sum -= float64(loss[i-window])
		}
		x := float64(first + i + 1)
		raw[i] = plotter.XY{X: x, Y: float64(l)}
		avg[i] = plotter.XY{X: x, Y: sum / float64(min(i+1, window))}
	}
	rl, err := plotter.NewLine(raw)
	if err != nil {
		return fmt.Errorf("plotLoss: %w", err)
	}
	rl.Color = color.NRGBA{R: 31, G: 119, B: 180, A: 70}
	al, err := plotter.NewLine(avg)
	if err != nil {
		return fmt.Errorf("plotLoss: %w", err)
	}
	al.Color, al.Width = blue, vg.Points(1.5)
	p.Add(rl, al)
	p.Legend.Add("loss", rl)
	p.Legend.Add("mean of 25 steps", al)
	p.Legend.Top = true
	if err := p.Save(6*vg.Inch, 4*vg.Inch, path); err != nil {
		return fmt.Errorf("plotLoss: %w", err)
	}
	return nil
}

// plotMIoU draws the held-out mIoU at each evaluation into a PNG at path.
func plotMIoU(path string, evals []evalPoint, name string) error {
	p := plot.New()
	p.Title.Text = "segmentation, " + name + " up-sampling: held-out mIoU"
	p.X.Label.Text = "step"
	p.Y.Label.Text = "mIoU"
	p.Y.Min, p.Y.Max = 0, 1
	p.Add(plotter.NewGrid())
	xy := make(plotter.XYs, len(evals))
	for i, e := range evals {
		xy[i] = plotter.XY{X: float64(e.Step), Y: e.MIoU}
	}
	l, pts, err := plotter.NewLinePoints(xy)
	if err != nil {
		return fmt.Errorf("plotMIoU: %w", err)
	}
	l.Color, pts.Color = red, red
	p.Add(l, pts)
	if err := p.Save(6*vg.Inch, 4*vg.Inch, path); err != nil {
		return fmt.Errorf("plotMIoU: %w", err)
	}
	return nil
}
