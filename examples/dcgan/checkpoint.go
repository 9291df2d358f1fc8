package main

import (
	"encoding/gob"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"

	"gorgonia.org/tensor"
)

// checkpoint is what -save writes and -load reads: the architecture, every learnable of both networks and
// the moving average of the generator's. The solvers' moment estimates are not saved; training resumed
// from a checkpoint starts them afresh.
type checkpoint struct {
	Arch    Arch
	Steps   int // training steps the weights have seen
	Weights map[string]savedTensor
	Average map[string]savedTensor // the generator's averaged weights; absent from older checkpoints
}

// savedTensor is a tensor in a form gob can write.
type savedTensor struct {
	Shape []int
	Data  []float32
}

// saveCheckpoint writes the generator's and the discriminator's weights, and the average of the
// generator's (avg, which may be nil), to path.
func saveCheckpoint(path string, a Arch, steps int, gw, dw, avg weights) error {
	ck := checkpoint{Arch: a, Steps: steps, Weights: saved(gw, dw)}
	if avg != nil {
		ck.Average = saved(avg)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := gob.NewEncoder(f).Encode(ck); err != nil {
		f.Close()
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return f.Close()
}

// saved converts weights to the form gob writes.
func saved(ws ...weights) map[string]savedTensor {
	out := map[string]savedTensor{}
	for _, w := range ws {
		for name, t := range w {
			out[name] = savedTensor{Shape: slices.Clone([]int(t.Shape())), Data: slices.Clone(float32s(t))}
		}
	}
	return out
}

// loadCheckpoint reads a checkpoint written by saveCheckpoint and checks that it holds every learnable of
// its architecture, with the right shapes. avg, the generator's averaged weights, is a copy of gw when
// the checkpoint has none.
func loadCheckpoint(path string) (a Arch, steps int, gw, dw, avg weights, err error) {
	f, err := os.Open(path)
	if err != nil {
		return a, 0, nil, nil, nil, fmt.Errorf("checkpoint: %w", err)
	}
	defer f.Close()
	var ck checkpoint
	if err := gob.NewDecoder(f).Decode(&ck); err != nil {
		return a, 0, nil, nil, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if err := ck.Arch.check(); err != nil {
		return a, 0, nil, nil, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	// Shapes come from a freshly built model of the same architecture (its values are discarded).
	shapes := rand.New(rand.NewPCG(0, 0))
	gw, dw = initGenerator(ck.Arch, shapes), initDiscriminator(ck.Arch, shapes)
	if err := restore(ck.Weights, gw, dw); err != nil {
		return a, 0, nil, nil, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	avg = cloneWeights(gw)
	if ck.Average != nil {
		if err := restore(ck.Average, avg); err != nil {
			return a, 0, nil, nil, nil, fmt.Errorf("checkpoint %s: average: %w", path, err)
		}
	}
	return ck.Arch, ck.Steps, gw, dw, avg, nil
}

// restore replaces every tensor of ws by the saved one of its name, which must exist with the same layout,
// and requires that nothing else was saved.
func restore(saved map[string]savedTensor, ws ...weights) error {
	n := 0
	for _, w := range ws {
		for name, t := range w {
			s, ok := saved[name]
			if !ok {
				return fmt.Errorf("no weights %q", name)
			}
			if !sameLayout(s.Shape, t.Shape()) || len(s.Data) != t.Shape().TotalSize() {
				return fmt.Errorf("weights %q have shape %v and %d values, want %v", name, s.Shape, len(s.Data), t.Shape())
			}
			w[name] = tensor.New(tensor.WithShape(t.Shape()...), tensor.WithBacking(s.Data))
		}
		n += len(w)
	}
	if len(saved) != n {
		return fmt.Errorf("%d weights, want %d", len(saved), n)
	}
	return nil
}

// sameLayout reports whether values saved with shape saved fill shape want in the same order: the shapes
// are equal once their axes of length 1 are dropped. Checkpoints written before the batch-norm scales and
// shifts became vectors (C) hold them as (1, C, 1, 1); they load unchanged.
func sameLayout(saved []int, want tensor.Shape) bool {
	squeeze := func(s []int) []int {
		return slices.DeleteFunc(slices.Clone(s), func(d int) bool { return d == 1 })
	}
	return slices.Equal(squeeze(saved), squeeze(want))
}
