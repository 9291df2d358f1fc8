package main

import (
	"bufio"
	"fmt"
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
	streamTrain
	streamTest
)

// evalPoint is one evaluation on the held-out images during training.
type evalPoint struct {
	Step int // training steps done
	MIoU float64
}

// result is what a run measured.
type result struct {
	Arch    Arch
	Loss    []float32 // per step
	Evals   []evalPoint
	IoU     []float64 // per class, on every held-out image, after training; NaN: class absent
	MIoU    float64
	Acc     float64       // pixel accuracy on the held-out images
	Checker float64       // checkerboard index of the last up-sampling's output on the held-out images
	Train   time.Duration // training steps only, wall clock
	CPU     time.Duration // training steps only, CPU time of the process (user and system)
	Steps   int
}

// perStep returns the mean time of a training step.
func (r *result) perStep() time.Duration {
	if r.Steps == 0 {
		return 0
	}
	return r.Train / time.Duration(r.Steps)
}

// report prints the IoU of every class and, as its last line, the mIoU.
func (r *result) report(w io.Writer) error {
	fmt.Fprintf(w, "held-out IoU per class (%v up-sampling):\n", r.Arch.Upsample)
	for k, v := range r.IoU {
		fmt.Fprintf(w, "  %-10s  %.3f\n", className(k), v)
	}
	fmt.Fprintf(w, "pixel accuracy: %.4f\n", r.Acc)
	_, err := fmt.Fprintf(w, "mIoU: %.3f\n", r.MIoU)
	return err
}

// run trains as o says, evaluates on the held-out images and writes the outputs. Progress goes to log.
func run(o options, log io.Writer) (*result, error) {
	log = cli.LogTo(log)
	if o.Steps < 0 || o.Batch < 1 || o.Test < 1 || o.Evals < 0 || o.EvalSize < 1 || o.Shown < 0 {
		return nil, fmt.Errorf("want -steps ≥ 0, -batch ≥ 1, -test ≥ 1, -evals ≥ 0, -eval-size ≥ 1, -shown ≥ 0; got %d, %d, %d, %d, %d, %d",
			o.Steps, o.Batch, o.Test, o.Evals, o.EvalSize, o.Shown)
	}
	if o.Steps == 0 && o.Load == "" {
		return nil, fmt.Errorf("-steps 0 evaluates a checkpoint: give one with -load")
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, err
	}
	rng := func(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(o.Seed, stream)) }

	arch, done := o.Arch, 0
	var p params
	if o.Load != "" {
		var err error
		if arch, done, p, err = loadCheckpoint(o.Load); err != nil {
			return nil, err
		}
		fmt.Fprintf(log, "loaded %s: %+v, trained %d steps\n", o.Load, arch, done)
	} else {
		if err := arch.check(); err != nil {
			return nil, err
		}
		p = initParams(arch, rng(streamInit))
	}

	dir, err := mnist.Find(o.Data)
	if err != nil {
		return nil, err
	}
	test, err := heldOut(dir, o.Test, rng(streamTest))
	if err != nil {
		return nil, err
	}
	pr, err := newPredictor(arch, p, min(25, o.Test))
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	res := &result{Arch: arch, Steps: o.Steps}

	if o.Steps > 0 {
		train, err := mnist.Load(dir, mnist.Train)
		if err != nil {
			return nil, err
		}
		gen, err := NewGenerator(train, rng(streamTrain))
		if err != nil {
			return nil, err
		}
		var weights []float64
		if o.BGWeight != 1 {
			weights = make([]float64, Classes)
			for k := range weights {
				weights[k] = 1
			}
			weights[0] = o.BGWeight
		}
		t, err := newTrainer(arch, p, o.Batch, optim{LR: o.LR, Beta2: o.Beta2, ClassWeights: weights})
		if err != nil {
			return nil, err
		}
		defer t.Close()
		fmt.Fprintf(log, "MNIST from %s; %d held-out images from its test digits\n", dir, len(test))
		fmt.Fprintf(log, "%v up-sampling, width %d: %d weights; batch %d, %d steps\n", arch.Upsample, arch.Width, p.size(), o.Batch, o.Steps)
		if err := trainLoop(o, done, t, gen, pr, test, res, log); err != nil {
			return nil, err
		}
	}

	// Final evaluation on every held-out image.
	pred, err := pr.predict(test)
	if err != nil {
		return nil, err
	}
	conf := newConfusion(Classes)
	for i, s := range test {
		if err := conf.add(s.Mask, pred.Classes[i*Height*Width:(i+1)*Height*Width]); err != nil {
			return nil, err
		}
	}
	res.IoU = conf.IoU()
	res.MIoU, _ = MeanIoU(res.IoU)
	res.Acc = conf.accuracy()
	res.Checker = pred.Checker.Index()
	if o.Steps > 0 {
		res.Evals = append(res.Evals, evalPoint{Step: done + o.Steps, MIoU: res.MIoU})
	}

	// Outputs.
	written := []string{}
	predPath := filepath.Join(o.Out, "predictions.png")
	shown := min(o.Shown, len(test))
	if shown > 0 {
		if err := savePNG(predPath, predictionSheet(test[:shown], pred.Classes[:shown*Height*Width], 2)); err != nil {
			return nil, err
		}
		written = append(written, predPath)
	}
	if o.Steps > 0 {
		lossPath, miouPath := filepath.Join(o.Out, "loss.png"), filepath.Join(o.Out, "miou.png")
		if err := plotLoss(lossPath, res.Loss, done, arch.Upsample.String()); err != nil {
			return nil, err
		}
		if err := plotMIoU(miouPath, res.Evals, arch.Upsample.String()); err != nil {
			return nil, err
		}
		csvPath := filepath.Join(o.Out, "history.csv")
		if err := writeHistory(csvPath, done, res.Loss, res.Evals); err != nil {
			return nil, err
		}
		save := o.Save
		if save == "" {
			save = filepath.Join(o.Out, "segmentation.gob")
		}
		if err := saveCheckpoint(save, arch, done+o.Steps, p); err != nil {
			return nil, err
		}
		written = append(written, lossPath, miouPath, csvPath, save)
	}
	for _, w := range written {
		fmt.Fprintf(log, "wrote %s\n", w)
	}
	return res, nil
}

// heldOut composes n images from MNIST's test digits.
func heldOut(dir string, n int, rng *rand.Rand) ([]Sample, error) {
	set, err := mnist.Load(dir, mnist.Test)
	if err != nil {
		return nil, err
	}
	gen, err := NewGenerator(set, rng)
	if err != nil {
		return nil, err
	}
	return gen.Samples(n), nil
}

// trainLoop runs o.Steps training steps with a progress bar, evaluating on the first o.EvalSize
// held-out images o.Evals times along the way. first is the number of steps the weights had seen.
func trainLoop(o options, first int, t *trainer, gen *Generator, pr *predictor, test []Sample, res *result, log io.Writer) error {
	evalAt := map[int]bool{}
	for k := 0; k < o.Evals; k++ {
		evalAt[int(math.Round(float64(k)*float64(o.Steps)/float64(o.Evals)))] = true
	}
	subset := test[:min(o.EvalSize, len(test))]
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
	batch := make([]Sample, o.Batch)
	res.Loss = make([]float32, 0, o.Steps)
	for s := 0; s < o.Steps; s++ {
		if evalAt[s] {
			m, err := quickMIoU(pr, subset)
			if err != nil {
				return err
			}
			res.Evals = append(res.Evals, evalPoint{Step: first + s, MIoU: m})
			if s > 0 {
				bar.Clear()
				fmt.Fprintf(log, "step %d: held-out mIoU %.3f (%d images)\n", first+s, m, len(subset))
			}
		}
		for i := range batch {
			batch[i] = gen.Next()
		}
		if err := fillBatch(float32s(t.x), t.labels, batch); err != nil {
			return err
		}
		t.setLearnRate(cosineRate(o.LR, s, o.Steps))
		start, cpu := time.Now(), cpuTime()
		loss, err := t.step()
		if err != nil {
			return fmt.Errorf("step %d: %w", s+1, err)
		}
		res.Train += time.Since(start)
		res.CPU += cpuTime() - cpu
		if math.IsNaN(float64(loss)) || math.IsInf(float64(loss), 0) {
			return fmt.Errorf("step %d: loss %v is not finite", s+1, loss)
		}
		res.Loss = append(res.Loss, loss)
		bar.Describe(fmt.Sprintf("loss %.4f", loss))
		bar.Add(1)
	}
	bar.Finish()
	fmt.Fprintf(log, "trained %d steps in %v: %v per step, %v of CPU time per step\n", o.Steps, res.Train.Round(time.Millisecond),
		res.perStep().Round(time.Millisecond), (res.CPU / time.Duration(o.Steps)).Round(time.Millisecond))
	return nil
}

// cosineRate is the learning rate at step s of n: lr decaying along half a cosine to lr/20.
func cosineRate(lr float64, s, n int) float64 {
	const floor = 0.05
	c := 0.5 * (1 + math.Cos(math.Pi*float64(s)/float64(max(1, n))))
	return lr * (floor + (1-floor)*c)
}

// quickMIoU returns the mIoU of the model on samples.
func quickMIoU(pr *predictor, samples []Sample) (float64, error) {
	pred, err := pr.predict(samples)
	if err != nil {
		return 0, err
	}
	conf := newConfusion(Classes)
	for i, s := range samples {
		if err := conf.add(s.Mask, pred.Classes[i*Height*Width:(i+1)*Height*Width]); err != nil {
			return 0, err
		}
	}
	m, _ := MeanIoU(conf.IoU())
	return m, nil
}

// writeHistory writes one line per step: step, loss, and the held-out mIoU where one was measured.
func writeHistory(path string, first int, loss []float32, evals []evalPoint) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	at := map[int]float64{}
	for _, e := range evals {
		at[e.Step] = e.MIoU
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "step,loss,miou")
	if m, ok := at[first]; ok {
		fmt.Fprintf(w, "%d,,%.4f\n", first, m)
	}
	for i, l := range loss {
		step := first + i + 1
		if m, ok := at[step]; ok {
			fmt.Fprintf(w, "%d,%.6g,%.4f\n", step, l, m)
		} else {
			fmt.Fprintf(w, "%d,%.6g,\n", step, l)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
