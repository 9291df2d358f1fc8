package main

import (
	"encoding/gob"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"

	"gorgonia.org/tensor"
)

// checkpoint is what -save writes and -load reads: the architecture and every learnable. Adam's moment
// estimates are not saved; training resumed from a checkpoint starts them afresh.
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

// saveCheckpoint writes the weights p of architecture a to path.
func saveCheckpoint(path string, a Arch, steps int, p params) error {
	ck := checkpoint{Arch: a, Steps: steps, Weights: map[string]savedTensor{}}
	for name, t := range p {
		ck.Weights[name] = savedTensor{Shape: slices.Clone([]int(t.Shape())), Data: slices.Clone(float32s(t))}
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
func loadCheckpoint(path string) (a Arch, steps int, p params, err error) {
	f, err := os.Open(path)
	if err != nil {
		return a, 0, nil, fmt.Errorf("checkpoint: %w", err)
	}
	defer f.Close()
	var ck checkpoint
	if err := gob.NewDecoder(f).Decode(&ck); err != nil {
		return a, 0, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if err := ck.Arch.check(); err != nil {
		return a, 0, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	p = params{}
	for name, s := range ck.Weights {
		if tensor.Shape(s.Shape).TotalSize() != len(s.Data) {
			return a, 0, nil, fmt.Errorf("checkpoint %s: weights %q have shape %v but %d values", path, name, s.Shape, len(s.Data))
		}
		p[name] = tensor.New(tensor.WithShape(s.Shape...), tensor.WithBacking(s.Data))
	}
	// Shapes come from a freshly drawn model of the same architecture.
	if err := initParams(ck.Arch, rand.New(rand.NewPCG(0, 0))).sameShapes(p); err != nil {
		return a, 0, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return ck.Arch, ck.Steps, p, nil
}
