package main

import (
	"fmt"
	"math/rand/v2"

	"github.com/gorgonia-ext/convtranspose/internal/mnist"
)

// The canvas of the M2NIST construction: 64 rows of 84 columns, room for three 28x28 digits side by side.
const (
	Height  = 64
	Width   = 84
	Classes = 11 // background and the digits 0 to 9

	// MaxDigits is the most digits an image holds; each image holds 1 to MaxDigits of them.
	MaxDigits = 3
	// InkThreshold is the intensity (of 255) a pixel must exceed to belong to its digit in the mask:
	// half of full scale. Fainter pixels, the anti-aliased rim of the strokes, are background.
	InkThreshold = 127
	// placementTries is how many random positions a digit gets before the image is left with fewer digits.
	placementTries = 100
)

// Box is a rectangle of pixels on the canvas, rows [Top, Bottom) and columns [Left, Right).
type Box struct{ Top, Bottom, Left, Right int }

// Overlaps reports whether b and c share a pixel.
func (b Box) Overlaps(c Box) bool {
	return b.Top < c.Bottom && c.Top < b.Bottom && b.Left < c.Right && c.Left < b.Right
}

// Digit records one MNIST digit placed on the canvas.
type Digit struct {
	Source int   // index of the digit in its MNIST split
	Label  uint8 // 0 to 9; its pixels have class Label+1 in the mask
	Ink    Box   // bounding box, on the canvas, of the digit's non-zero pixels
}

// Sample is one image of the data set with its mask.
type Sample struct {
	Pixels []uint8 // Height·Width intensities, row-major, 0 is background
	Mask   []uint8 // Height·Width classes: 0 background, d+1 for a pixel of digit d
	Digits []Digit
}

// Generator composes samples from the digits of one MNIST split. Digits are placed so that the bounding
// boxes of their non-zero pixels do not overlap (the 28x28 tiles may: their margins are empty), so every
// pixel of the canvas comes from at most one digit and its class is unambiguous.
type Generator struct {
	set  *mnist.Set
	inks []Box // bounding box of each digit's non-zero pixels within its own 28x28 tile
	rng  *rand.Rand
}

// NewGenerator returns a generator over the digits of set, drawing with rng. Digits with no ink
// (none in MNIST) are never drawn.
func NewGenerator(set *mnist.Set, rng *rand.Rand) (*Generator, error) {
	if set == nil || set.N == 0 {
		return nil, fmt.Errorf("generator: no MNIST digits to draw from")
	}
	if len(set.Pixels) != set.N*mnist.Rows*mnist.Cols || len(set.Labels) != set.N {
		return nil, fmt.Errorf("generator: MNIST set of %d images has %d pixels and %d labels", set.N, len(set.Pixels), len(set.Labels))
	}
	g := &Generator{set: set, inks: make([]Box, set.N), rng: rng}
	for i := range g.inks {
		g.inks[i] = inkBox(set.Image(i))
	}
	return g, nil
}

// inkBox returns the bounding box of the non-zero pixels of a 28x28 tile; it is empty (Top = Bottom)
// when every pixel is zero.
func inkBox(tile []uint8) Box {
	b := Box{Top: mnist.Rows, Left: mnist.Cols}
	for y := 0; y < mnist.Rows; y++ {
		for x := 0; x < mnist.Cols; x++ {
			if tile[y*mnist.Cols+x] == 0 {
				continue
			}
			b.Top, b.Bottom = min(b.Top, y), max(b.Bottom, y+1)
			b.Left, b.Right = min(b.Left, x), max(b.Right, x+1)
		}
	}
	if b.Bottom == 0 {
		return Box{}
	}
	return b
}

// Next draws a sample: 1 to MaxDigits random digits of the split at random positions on the canvas,
// each wholly inside it and clear of the others' ink. A digit that finds no free place in
// placementTries draws is left out, so crowded images may hold fewer digits than drawn.
func (g *Generator) Next() Sample {
	s := Sample{Pixels: make([]uint8, Height*Width), Mask: make([]uint8, Height*Width)}
	want := 1 + g.rng.IntN(MaxDigits)
	for k := 0; k < want; k++ {
		src := g.rng.IntN(g.set.N)
		ink := g.inks[src]
		if ink.Bottom == ink.Top {
			continue
		}
		h, w := ink.Bottom-ink.Top, ink.Right-ink.Left
		for try := 0; try < placementTries; try++ {
			top, left := g.rng.IntN(Height-h+1), g.rng.IntN(Width-w+1)
			box := Box{Top: top, Bottom: top + h, Left: left, Right: left + w}
			if overlapsAny(box, s.Digits) {
				continue
			}
			d := Digit{Source: src, Label: g.set.Labels[src], Ink: box}
			paint(&s, g.set.Image(src), ink, d)
			s.Digits = append(s.Digits, d)
			break
		}
	}
	return s
}

// Samples draws n samples.
func (g *Generator) Samples(n int) []Sample {
	out := make([]Sample, n)
	for i := range out {
		out[i] = g.Next()
	}
	return out
}

func overlapsAny(b Box, ds []Digit) bool {
	for _, d := range ds {
		if b.Overlaps(d.Ink) {
			return true
		}
	}
	return false
}

// paint copies the ink of tile (the rectangle from of the tile) onto the canvas at d.Ink, and labels
// the pixels brighter than InkThreshold as digit d.Label.
func paint(s *Sample, tile []uint8, from Box, d Digit) {
	for y := from.Top; y < from.Bottom; y++ {
		for x := from.Left; x < from.Right; x++ {
			p := tile[y*mnist.Cols+x]
			at := (d.Ink.Top+y-from.Top)*Width + d.Ink.Left + x - from.Left
			s.Pixels[at] = p
			if p > InkThreshold {
				s.Mask[at] = d.Label + 1
			}
		}
	}
}

// fillBatch writes samples into x (N, 1, Height, Width) as intensities scaled to [0, 1] and their masks
// into labels (N·Height·Width classes).
func fillBatch(x []float32, labels []uint8, samples []Sample) error {
	if len(x) != len(samples)*Height*Width || len(labels) != len(x) {
		return fmt.Errorf("fillBatch: %d samples for %d inputs and %d labels", len(samples), len(x), len(labels))
	}
	for i, s := range samples {
		off := i * Height * Width
		for j, p := range s.Pixels {
			x[off+j] = float32(p) / 255
		}
		copy(labels[off:off+Height*Width], s.Mask)
	}
	return nil
}
