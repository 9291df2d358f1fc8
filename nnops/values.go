package nnops

import (
	"encoding/gob"
	"fmt"
	"io"
	"slices"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// savedValue is one node's value as SaveValues writes it.
type savedValue struct {
	Name  string
	Dtype string
	Shape []int
	F32   []float32
	F64   []float64
}

// SaveValues writes the values of nodes (a layer's Learnables, say) to w,
// keyed by node name, in encoding/gob form. Every node must have a unique
// name and a float32 or float64 tensor value.
func SaveValues(w io.Writer, nodes G.Nodes) error {
	seen := map[string]bool{}
	out := make([]savedValue, 0, len(nodes))
	for _, n := range nodes {
		if n == nil {
			return fmt.Errorf("SaveValues: a node is nil")
		}
		if seen[n.Name()] {
			return fmt.Errorf("SaveValues: two nodes are named %q", n.Name())
		}
		seen[n.Name()] = true
		t, ok := n.Value().(tensor.Tensor)
		if !ok {
			return fmt.Errorf("SaveValues: node %q has no tensor value (%T)", n.Name(), n.Value())
		}
		v := savedValue{Name: n.Name(), Dtype: t.Dtype().String(), Shape: slices.Clone([]int(t.Shape()))}
		switch d := t.Data().(type) {
		case []float32:
			v.F32 = slices.Clone(d)
		case []float64:
			v.F64 = slices.Clone(d)
		default:
			return fmt.Errorf("SaveValues: node %q has dtype %v, want float32 or float64", n.Name(), t.Dtype())
		}
		out = append(out, v)
	}
	return gob.NewEncoder(w).Encode(out)
}

// LoadValues reads values that SaveValues wrote and binds each to the node
// of nodes with the same name, which must have the same shape and dtype.
// Every node must get a value; values for other names are an error too, so
// that a mismatched model is never half loaded. Nothing is bound unless all
// of them fit.
func LoadValues(r io.Reader, nodes G.Nodes) error {
	var in []savedValue
	if err := gob.NewDecoder(r).Decode(&in); err != nil {
		return fmt.Errorf("LoadValues: %w", err)
	}
	byName := make(map[string]savedValue, len(in))
	for _, v := range in {
		byName[v.Name] = v
	}
	if len(byName) != len(nodes) {
		return fmt.Errorf("LoadValues: %d saved values for %d nodes", len(byName), len(nodes))
	}
	values := make([]*tensor.Dense, len(nodes))
	for i, n := range nodes {
		v, ok := byName[n.Name()]
		if !ok {
			return fmt.Errorf("LoadValues: no saved value for node %q", n.Name())
		}
		if !slices.Equal(v.Shape, []int(n.Shape())) || v.Dtype != n.Dtype().String() {
			return fmt.Errorf("LoadValues: %q was saved as %s %v, the node is %v %v", n.Name(), v.Dtype, v.Shape, n.Dtype(), n.Shape())
		}
		size := n.Shape().TotalSize()
		switch {
		case n.Dtype() == tensor.Float32 && len(v.F32) == size:
			values[i] = tensor.New(tensor.WithShape(v.Shape...), tensor.WithBacking(v.F32))
		case n.Dtype() == tensor.Float64 && len(v.F64) == size:
			values[i] = tensor.New(tensor.WithShape(v.Shape...), tensor.WithBacking(v.F64))
		default:
			return fmt.Errorf("LoadValues: %q holds the wrong number of %v values", n.Name(), n.Dtype())
		}
	}
	for i, n := range nodes {
		if err := G.Let(n, values[i]); err != nil {
			return fmt.Errorf("LoadValues: %q: %w", n.Name(), err)
		}
	}
	return nil
}
