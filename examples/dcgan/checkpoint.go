package main

import (
	"encoding/gob"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"

	"gorgonia.org/tensor"
)

// checkpoint is what -save writes and -load reads: the architecture and every learnable of both networks.
// The solvers' moment estimates are not saved; training resumed from a checkpoint starts them afresh.
type checkpoint struct {
	Arch    Arch
	Steps   int // training steps the weights have seen
	Weights map[string]savedTensor
}

// savedTensor is a tensor in a form gob can write.
type savedTensor struct {
	Shape []int
	Data  []float32
}

// saveCheckpoint writes the generator's and the discriminator's weights to path.
func saveCheckpoint(path string, a Arch, steps int, gw, dw weights) error {
	ck := checkpoint{Arch: a, Steps: steps, Weights: map[string]savedTensor{}}
	for _, w := range []weights{gw, dw} {
		for name, t := range w {
			ck.Weights[name] = savedTensor{Shape: slices.Clone([]int(t.Shape())), Data: slices.Clone(float32s(t))}
		}
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

// loadCheckpoint reads a checkpoint written by saveCheckpoint and checks that it holds every learnable of
// its architecture, with the right shapes.
func loadCheckpoint(path string) (a Arch, steps int, gw, dw weights, err error) {
	f, err := os.Open(path)
	if err != nil {
		return a, 0, nil, nil, fmt.Errorf("checkpoint: %w", err)
	}
	defer f.Close()
	var ck checkpoint
	if err := gob.NewDecoder(f).Decode(&ck); err != nil {
		return a, 0, nil, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if err := ck.Arch.check(); err != nil {
		return a, 0, nil, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	// Shapes come from a freshly built model of the same architecture (its values are discarded).
	shapes := rand.New(rand.NewPCG(0, 0))
	gw, dw = initGenerator(ck.Arch, shapes), initDiscriminator(ck.Arch, shapes)
	for _, w := range []weights{gw, dw} {
		for name, t := range w {
			s, ok := ck.Weights[name]
			if !ok {
				return a, 0, nil, nil, fmt.Errorf("checkpoint %s: no weights %q", path, name)
			}
			if !sameLayout(s.Shape, t.Shape()) || len(s.Data) != t.Shape().TotalSize() {
				return a, 0, nil, nil, fmt.Errorf("checkpoint %s: weights %q have shape %v and %d values, want %v",
					path, name, s.Shape, len(s.Data), t.Shape())
			}
			w[name] = tensor.New(tensor.WithShape(t.Shape()...), tensor.WithBacking(s.Data))
		}
	}
	if n := len(gw) + len(dw); len(ck.Weights) != n {
		return a, 0, nil, nil, fmt.Errorf("checkpoint %s: %d weights, want %d", path, len(ck.Weights), n)
	}
	return ck.Arch, ck.Steps, gw, dw, nil
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
