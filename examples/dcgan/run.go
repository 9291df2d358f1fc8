package main

import (
	"bufio"
	"fmt"
	"image"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/gorgonia-ext/convtranspose/internal/cli"
	"github.com/gorgonia-ext/convtranspose/internal/mnist"
)

// Streams of the seeded generator: each kind of random draw has its own, so that changing one (a larger
// batch, say) does not shift the others.
const (
	streamInit uint64 = iota + 1
	streamBatches
	streamLatent
	streamFixed
)

// result is what a run measured.
type result struct {
	DLoss, GLoss []float32     // per step
	Train        time.Duration // training steps only, without data loading and output files
	DTime, GTime time.Duration // the two halves of Train
}

// run trains (or, with SampleOnly, only samples) as o says and writes the outputs. Progress goes to log.
func run(o options, log io.Writer) (*result, error) {
	log = cli.LogTo(log)
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, err
	}
	arch := o.Arch
	rng := func(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(o.Seed, stream)) }

	var (
		gw, dw, avg weights
		done        int // steps the weights have seen
		err         error
	)
	if o.Load != "" {
		if arch, done, gw, dw, avg, err = loadCheckpoint(o.Load); err != nil {
			return nil, err
		}
		fmt.Fprintf(log, "loaded %s: %+v, trained %d steps\n", o.Load, arch, done)
	} else {
		if err := arch.check(); err != nil {
			return nil, err
		}
		init := rng(streamInit)
		gw, dw = initGenerator(arch, init), initDiscriminator(arch, init)
		avg = cloneWeights(gw)
	}
	if o.Average < 0 || o.Average >= 1 {
		return nil, fmt.Errorf("-average %v must be in [0, 1)", o.Average)
	}
	// The samples come from the generator's moving average, or from the generator itself with -average 0.
	drawn := gw
	var mean *average
	if o.Average > 0 {
		mean = &average{decay: o.Average, w: avg}
		drawn = avg
	}

	// The 64 latent vectors of samples.png and progress.png.
	fixedZ := zeros(64, arch.Z)
	fillNormal(rng(streamFixed), float32s(fixedZ))
	smp, err := newSampler(drawn, fixedZ)
	if err != nil {
		return nil, err
	}
	defer smp.Close()
	samplesPath := filepath.Join(o.Out, "samples.png")
	progressPath := filepath.Join(o.Out, "progress.png")

	if o.SampleOnly {
		if o.Load == "" {
			return nil, fmt.Errorf("-sample-only needs a checkpoint to draw from (-load)")
		}
		if _, err := drawGrid(smp, samplesPath); err != nil {
			return nil, err
		}
		fmt.Fprintf(log, "wrote %s\n", samplesPath)
		return &result{}, nil
	}

	if o.Steps < 1 || o.Snapshots < 1 {
		return nil, fmt.Errorf("-steps %d and -snapshots %d must be at least 1", o.Steps, o.Snapshots)
	}
	dir, err := mnist.Find(o.Data)
	if err != nil {
		if o.Data == "" {
			return nil, fmt.Errorf("%w (with -data)", err)
		}
		return nil, err
	}
	train, err := mnist.Load(dir, mnist.Train)
	if err != nil {
		return nil, err
	}
	batches, err := newBatcher(train.Pixels, mnist.Rows*mnist.Cols, rng(streamBatches))
	if err != nil {
		return nil, err
	}
	latent := rng(streamLatent)

	t, err := newTrainer(arch, gw, dw, o.Batch, o.LR, o.Beta1)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	fmt.Fprintf(log, "MNIST from %s: %d images\n", dir, train.N)
	fmt.Fprintf(log, "generator %d weights, discriminator %d weights, batch %d, %d steps\n", gw.size(), dw.size(), o.Batch, o.Steps)

	snapshots := snapshotSteps(o.Steps, o.Snapshots)
	var grids []*image.Gray
	if snapshots[0] {
		g, err := drawGrid(smp, "")
		if err != nil {
			return nil, err
		}
		grids = append(grids, g)
	}

	bar := progressbar.NewOptions(o.Steps,
		progressbar.OptionSetWriter(log),
		progressbar.OptionSetWidth(24),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("steps"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(log) }),
	)
	res := &result{DLoss: make([]float32, 0, o.Steps), GLoss: make([]float32, 0, o.Steps)}
	for s := 1; s <= o.Steps; s++ {
		batches.next(float32s(t.real))
		fillNormal(latent, float32s(t.z))
		start := time.Now()
		dLoss, err := t.d.run()
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", s, err)
		}
		mid := time.Now()
		gLoss, err := t.g.run()
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", s, err)
		}
		res.DTime += mid.Sub(start)
		res.GTime += time.Since(mid)
		if mean != nil {
			mean.update(gw, done+s)
		}
		if !finite(dLoss) || !finite(gLoss) {
			return nil, fmt.Errorf("step %d: losses D %v, G %v are not finite", s, dLoss, gLoss)
		}
		res.DLoss = append(res.DLoss, dLoss)
		res.GLoss = append(res.GLoss, gLoss)
		bar.Describe(fmt.Sprintf("D %.3f G %.3f", dLoss, gLoss))
		bar.Add(1)
		if snapshots[s] { // also written now, so that a long run can be watched
			g, err := drawGrid(smp, samplesPath)
			if err != nil {
				return nil, err
			}
			grids = append(grids, g)
			if err := savePNG(progressPath, strip(grids, 4)); err != nil {
				return nil, err
			}
		}
	}
	bar.Finish()
	res.Train = res.DTime + res.GTime
	per := res.Train / time.Duration(o.Steps)
	fmt.Fprintf(log, "trained %d steps in %v: %v per step (discriminator step %v, generator step %v)\n",
		o.Steps, res.Train.Round(time.Millisecond), per.Round(time.Microsecond),
		(res.DTime / time.Duration(o.Steps)).Round(time.Microsecond), (res.GTime / time.Duration(o.Steps)).Round(time.Microsecond))

	// samples.png and progress.png are up to date: the last step is a snapshot.
	lossPath := filepath.Join(o.Out, "loss.png")
	if err := plotLosses(lossPath, res.DLoss, res.GLoss, 25); err != nil {
		return nil, err
	}
	csvPath := filepath.Join(o.Out, "losses.csv")
	if err := writeLosses(csvPath, done, res.DLoss, res.GLoss); err != nil {
		return nil, err
	}
	save := o.Save
	if save == "" {
		save = filepath.Join(o.Out, "dcgan.gob")
	}
	if mean == nil {
		avg = nil // not kept up to date: a checkpoint without an average draws from the generator
	}
	if err := saveCheckpoint(save, arch, done+o.Steps, gw, dw, avg); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "wrote %s, %s, %s, %s and %s\n", samplesPath, progressPath, lossPath, csvPath, save)
	return res, nil
}

// drawGrid draws the sampler's images as an 8-wide grid, and saves it when path is not empty.
func drawGrid(smp *sampler, path string) (*image.Gray, error) {
	imgs, err := smp.draw()
	if err != nil {
		return nil, err
	}
	g, err := grid(imgs, 8)
	if err != nil {
		return nil, err
	}
	if path != "" {
		if err := savePNG(path, g); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// snapshotSteps returns the steps after which progress.png takes a grid: n of them spread evenly from
// 0 (before training) to steps, or only the last when n is 1.
func snapshotSteps(steps, n int) map[int]bool {
	at := map[int]bool{steps: true}
	for k := 0; k < n-1; k++ {
		at[int(math.Round(float64(k)*float64(steps)/float64(n-1)))] = true
	}
	return at
}

// writeLosses writes one line per step: step, D loss, G loss. Steps are counted from first+1.
func writeLosses(path string, first int, dLoss, gLoss []float32) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "step,d_loss,g_loss")
	for i := range dLoss {
		fmt.Fprintf(w, "%d,%.6g,%.6g\n", first+i+1, dLoss[i], gLoss[i])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func finite(x float32) bool { return !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0) }
