package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunSmoke trains a tiny model for a few steps, checks the outputs, and evaluates the checkpoint
// again with -load -steps 0: same weights, same held-out images, same mIoU.
func TestRunSmoke(t *testing.T) {
	for _, m := range []Upsampling{Transposed, PixelShuffle} {
		out := t.TempDir()
		o := defaultOptions()
		o.Steps, o.Batch, o.Test, o.Evals, o.EvalSize, o.Shown = 4, 2, 6, 2, 3, 2
		o.Arch = Arch{Width: 4, Upsample: m, Kernel: 3, Norm: m == Transposed}
		o.Out = out
		res, err := run(o, nil)
		if err != nil {
			t.Fatalf("%v: %v", m, err)
		}
		if len(res.Loss) != o.Steps {
			t.Errorf("%v: %d losses for %d steps", m, len(res.Loss), o.Steps)
		}
		for _, l := range res.Loss {
			if math.IsNaN(float64(l)) || math.IsInf(float64(l), 0) || l <= 0 {
				t.Errorf("%v: losses %v, want finite and positive", m, res.Loss)
				break
			}
		}
		if len(res.IoU) != Classes || math.IsNaN(res.MIoU) || res.MIoU < 0 || res.MIoU > 1 {
			t.Errorf("%v: IoU %v, mIoU %v", m, res.IoU, res.MIoU)
		}
		if len(res.Evals) != o.Evals+1 {
			t.Errorf("%v: %d evaluations, want %d and the final one", m, len(res.Evals), o.Evals)
		}
		for _, name := range []string{"predictions.png", "loss.png", "miou.png", "history.csv", "segmentation.gob"} {
			if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Size() == 0 {
				t.Errorf("%v: %s not written: %v", m, name, err)
			}
		}
		var report bytes.Buffer
		if err := res.report(&report); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(report.String()), "\n")
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, "mIoU: 0.") && last != "mIoU: 1.000" {
			t.Errorf("%v: last line of the report %q, want mIoU: 0.xxx", m, last)
		}

		again := o
		again.Load, again.Steps, again.Out = filepath.Join(out, "segmentation.gob"), 0, t.TempDir()
		again.Arch = Arch{Width: 8, Upsample: Bilinear} // the checkpoint's architecture wins
		res2, err := run(again, nil)
		if err != nil {
			t.Fatalf("%v: reloading: %v", m, err)
		}
		if res2.MIoU != res.MIoU || res2.Arch != o.Arch {
			t.Errorf("%v: reloaded checkpoint gives mIoU %v with %+v, want %v with %+v", m, res2.MIoU, res2.Arch, res.MIoU, o.Arch)
		}
	}
}

func TestRunErrors(t *testing.T) {
	o := defaultOptions()
	o.Out = t.TempDir()
	o.Steps = 0
	if _, err := run(o, nil); err == nil || !strings.Contains(err.Error(), "-load") {
		t.Errorf("-steps 0 without -load: error %v, want one naming -load", err)
	}
	o.Steps, o.Batch = 1, 0
	if _, err := run(o, nil); err == nil {
		t.Error("-batch 0: no error")
	}
	o.Batch, o.Load = 1, filepath.Join(o.Out, "missing.gob")
	if _, err := run(o, nil); err == nil {
		t.Error("-load of a missing file: no error")
	}
}
