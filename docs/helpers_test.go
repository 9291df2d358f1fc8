package docs_test

import (
	"fmt"
	"strings"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// node returns a float64 input node of the given shape holding a copy of
// data.
func node(g *G.ExprGraph, name string, data []float64, shape ...int) *G.Node {
	t := tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float64(nil), data...)))
	return G.NewTensor(g, tensor.Float64, len(shape), G.WithShape(shape...), G.WithName(name), G.WithValue(t))
}

// run evaluates every node of g once.
func run(g *G.ExprGraph) error {
	m := G.NewTapeMachine(g)
	defer m.Close()
	return m.RunAll()
}

// printMatrix prints data as a rows×cols matrix, one row a line, each
// value in the format verb.
func printMatrix(verb string, data []float64, rows, cols int) {
	for r := 0; r < rows; r++ {
		cells := make([]string, cols)
		for c := range cells {
			cells[c] = fmt.Sprintf(verb, data[r*cols+c])
		}
		fmt.Println(strings.Join(cells, " "))
	}
}
