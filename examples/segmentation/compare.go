package main

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/gorgonia-ext/convtranspose/internal/cli"
	"github.com/gorgonia-ext/convtranspose/nnops"
)

// compare trains the model once with each up-sampling, all other options equal, each into its own
// folder under o.Out, and prints a Markdown table of the held-out mIoU, the time per training step and
// two measures of checkerboard patterns: the unevenness of the up-sampling's overlap (the ratio of the
// most to the fewest taps an output pixel receives, from nnops.OverlapPeriod; 1 for the resize modes)
// and the checkerboard index of the last up-sampling step's output (see checkerStats).
func compare(o options, out, log io.Writer) error {
	type row struct {
		mode    Upsampling
		res     *result
		overlap float64
	}
	var rows []row
	for _, m := range Upsamplings {
		oo := o
		oo.Arch.Upsample = m
		oo.Out = filepath.Join(o.Out, m.String())
		oo.Save = ""
		fmt.Fprintf(cli.LogTo(log), "== %v ==\n", m)
		res, err := run(oo, log)
		if err != nil {
			return fmt.Errorf("%v: %w", m, err)
		}
		ratio := 1.0
		if m == Transposed {
			k := o.Arch.Kernel
			per, err := nnops.OverlapPeriod(nnops.OverlapSpec{Kernel: [2]int{k, k}, Stride: [2]int{2, 2}, Padding: [2]int{(k - 1) / 2, (k - 1) / 2}})
			if err != nil {
				return err
			}
			ratio = per.Stats().Ratio
		}
		rows = append(rows, row{m, res, ratio})
	}
	fmt.Fprintf(out, "| up-sampling | mIoU | pixel accuracy | time per step | CPU time per step | overlap max/min | checkerboard index |\n")
	fmt.Fprintf(out, "|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		name := r.mode.String()
		if r.mode == Transposed {
			name = fmt.Sprintf("transposed (k%d s2)", o.Arch.Kernel)
		}
		cpu := time.Duration(0)
		if r.res.Steps > 0 {
			cpu = r.res.CPU / time.Duration(r.res.Steps)
		}
		fmt.Fprintf(out, "| %s | %.3f | %.4f | %v | %v | %.0f | %.2e |\n", name, r.res.MIoU, r.res.Acc,
			r.res.perStep().Round(time.Millisecond), cpu.Round(time.Millisecond), r.overlap, r.res.Checker)
	}
	return nil
}
