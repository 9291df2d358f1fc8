package main

import (
	"fmt"
	"math"
)

// confusion counts pixels by (true class, predicted class).
type confusion struct {
	k      int
	counts []int64 // k·k, row = truth, column = prediction
}

func newConfusion(k int) *confusion { return &confusion{k: k, counts: make([]int64, k*k)} }

// add counts the pixels of truth and pred, two equally long slices of classes below k.
func (c *confusion) add(truth, pred []uint8) error {
	if len(truth) != len(pred) {
		return fmt.Errorf("confusion: %d true classes but %d predictions", len(truth), len(pred))
	}
	for i, t := range truth {
		p := pred[i]
		if int(t) >= c.k || int(p) >= c.k {
			return fmt.Errorf("confusion: pixel %d has true class %d and prediction %d, want < %d", i, t, p, c.k)
		}
		c.counts[int(t)*c.k+int(p)]++
	}
	return nil
}

// IoU returns each class's intersection over union, |truth ∩ prediction| / |truth ∪ prediction|, over
// every pixel counted. A class absent from both the truth and the predictions has no IoU (0/0): it is
// NaN, and MeanIoU leaves it out. A class present in only one of them has IoU 0.
func (c *confusion) IoU() []float64 {
	out := make([]float64, c.k)
	for k := 0; k < c.k; k++ {
		var truth, pred int64
		for j := 0; j < c.k; j++ {
			truth += c.counts[k*c.k+j]
			pred += c.counts[j*c.k+k]
		}
		inter := c.counts[k*c.k+k]
		union := truth + pred - inter
		if union == 0 {
			out[k] = math.NaN()
			continue
		}
		out[k] = float64(inter) / float64(union)
	}
	return out
}

// MeanIoU returns the mean of the IoUs that are not NaN (the classes present in the truth or the
// predictions), background included, and how many there were; NaN when there are none.
func MeanIoU(iou []float64) (float64, int) {
	var sum float64
	n := 0
	for _, v := range iou {
		if !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	if n == 0 {
		return math.NaN(), 0
	}
	return sum / float64(n), n
}

// accuracy returns the fraction of pixels predicted right.
func (c *confusion) accuracy() float64 {
	var right, all int64
	for i, n := range c.counts {
		all += n
		if i/c.k == i%c.k {
			right += n
		}
	}
	if all == 0 {
		return math.NaN()
	}
	return float64(right) / float64(all)
}

// className names class k: "background" or the digit.
func className(k int) string {
	if k == 0 {
		return "background"
	}
	return fmt.Sprintf("digit %d", k-1)
}
