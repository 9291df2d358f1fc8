package main

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// trainer runs one Adam step of the model on a batch: forward, per-pixel cross-entropy, gradient, update.
type trainer struct {
	x      *tensor.Dense // (batch, 1, Height, Width), refilled by the caller before each step
	labels []uint8       // batch·Height·Width classes, refilled by the caller before each step
	vm     G.VM
	loss   *G.Node
	learn  G.Nodes
	solver G.Solver
}

// optim configures the loss and Adam.
type optim struct {
	LR           float64   // learning rate
	Beta2        float64   // decay of the second-moment estimate; 0 means Gorgonia's default, 0.999
	ClassWeights []float64 // per class, nil for equal weights
}

// newTrainer builds the training graph of arch a over the weights p for batches of the given size.
func newTrainer(a Arch, p params, batch int, opt optim) (*trainer, error) {
	if batch < 1 {
		return nil, fmt.Errorf("batch %d: want at least 1", batch)
	}
	g := G.NewGraph()
	m, err := newModel(g, a, p)
	if err != nil {
		return nil, err
	}
	t := &trainer{x: zeros(batch, 1, Height, Width), labels: make([]uint8, batch*Height*Width)}
	x := G.NewTensor(g, G.Float32, 4, G.WithShape(t.x.Shape()...), G.WithName("x"), G.WithValue(t.x))
	logits, _, err := m.forward(x)
	if err != nil {
		return nil, err
	}
	if t.loss, err = pixelCrossEntropy(logits, t.labels, opt.ClassWeights); err != nil {
		return nil, err
	}
	t.learn = m.learnables()
	if _, err := G.Grad(t.loss, t.learn...); err != nil {
		return nil, fmt.Errorf("gradient: %w", err)
	}
	t.vm = G.NewTapeMachine(g, G.BindDualValues(t.learn...))
	solverOpts := []G.SolverOpt{G.WithLearnRate(opt.LR)}
	if opt.Beta2 != 0 {
		solverOpts = append(solverOpts, G.WithBeta2(opt.Beta2))
	}
	t.solver = G.NewAdamSolver(solverOpts...)
	return t, nil
}

// step trains on the batch in t.x and t.labels and returns its loss (before the update).
func (t *trainer) step() (float32, error) {
	defer t.vm.Reset()
	if err := t.vm.RunAll(); err != nil {
		return 0, err
	}
	loss, ok := t.loss.Value().Data().(float32)
	if !ok {
		return 0, fmt.Errorf("loss is %T, want float32", t.loss.Value().Data())
	}
	if err := t.solver.Step(G.NodesToValueGrads(t.learn)); err != nil {
		return 0, fmt.Errorf("solver: %w", err)
	}
	return loss, nil
}

// setLearnRate changes the solver's learning rate, keeping its moment estimates.
func (t *trainer) setLearnRate(lr float64) { G.WithLearnRate(lr)(t.solver) }

// Close releases the machine.
func (t *trainer) Close() error { return t.vm.Close() }

// predictor runs the model forward on batches, with the current weights.
type predictor struct {
	x       *tensor.Dense // (batch, 1, Height, Width)
	vm      G.VM
	logits  *G.Node
	upOut   *G.Node // output of the last up-sampling step, before its ReLU
	batch   int
	classes int
}

// newPredictor builds a forward-only graph of arch a over the weights p.
func newPredictor(a Arch, p params, batch int) (*predictor, error) {
	if batch < 1 {
		return nil, fmt.Errorf("batch %d: want at least 1", batch)
	}
	g := G.NewGraph()
	m, err := newModel(g, a, p)
	if err != nil {
		return nil, err
	}
	pr := &predictor{x: zeros(batch, 1, Height, Width), batch: batch, classes: Classes}
	x := G.NewTensor(g, G.Float32, 4, G.WithShape(pr.x.Shape()...), G.WithName("x"), G.WithValue(pr.x))
	if pr.logits, pr.upOut, err = m.forward(x); err != nil {
		return nil, err
	}
	pr.vm = G.NewTapeMachine(g)
	return pr, nil
}

// prediction is what the model says about a set of samples.
type prediction struct {
	Classes []uint8 // per pixel, arg-max of the logits, sample after sample
	Checker checkerStats
}

// predict labels every pixel of the samples, a batch at a time (the last batch padded with blanks), and
// accumulates the checkerboard statistics of the last up-sampling step.
func (pr *predictor) predict(samples []Sample) (*prediction, error) {
	plane := Height * Width
	out := &prediction{Classes: make([]uint8, len(samples)*plane)}
	xs := float32s(pr.x)
	labels := make([]uint8, len(xs))
	blank := Sample{Pixels: make([]uint8, plane), Mask: make([]uint8, plane)}
	for start := 0; start < len(samples); start += pr.batch {
		n := min(pr.batch, len(samples)-start)
		batch := append([]Sample(nil), samples[start:start+n]...)
		for len(batch) < pr.batch {
			batch = append(batch, blank)
		}
		if err := fillBatch(xs, labels, batch); err != nil {
			return nil, err
		}
		if err := pr.vm.RunAll(); err != nil {
			pr.vm.Reset()
			return nil, fmt.Errorf("predict: %w", err)
		}
		logits := float32s(pr.logits.Value().(tensor.Tensor))
		argmax(out.Classes[start*plane:(start+n)*plane], logits[:n*pr.classes*plane], pr.classes, plane)
		up := pr.upOut.Value().(tensor.Tensor)
		s := up.Shape()
		out.Checker.add(float32s(up)[:n*s[1]*s[2]*s[3]], n*s[1], s[2], s[3])
		pr.vm.Reset()
	}
	return out, nil
}

// Close releases the machine.
func (pr *predictor) Close() error { return pr.vm.Close() }

// argmax writes, for every pixel of logits (n, k, plane), the class of the largest logit (the first
// one on ties) into dst (n·plane).
func argmax(dst []uint8, logits []float32, k, plane int) {
	n := len(logits) / (k * plane)
	for b := 0; b < n; b++ {
		img := logits[b*k*plane : (b+1)*k*plane]
		for p := 0; p < plane; p++ {
			best, arg := img[p], 0
			for c := 1; c < k; c++ {
				if v := img[c*plane+p]; v > best {
					best, arg = v, c
				}
			}
			dst[b*plane+p] = uint8(arg)
		}
	}
}
