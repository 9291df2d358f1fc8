package convtranspose

import (
	"fmt"
	"reflect"
	"unsafe"

	"gorgonia.org/gorgonia"
)

// Grad returns the gradients of cost with respect to wrt, as gorgonia.Grad
// does, and is also right when cost depends on gradients that an earlier
// Grad built: gradient penalties, Hessian-vector products, meta-learning.
//
// Gorgonia v0.9.18's Backpropagate skips every node that an earlier call
// differentiated and reuses that node's old derivative, so a second
// gorgonia.Grad over a graph that shares nodes with the first silently
// returns wrong values (for y = x·w and P = Σ (∂Σy²/∂x)², it returns ∂Σy²/∂x
// instead of ∂P/∂x). Grad forgets those derivatives before differentiating.
// Afterwards, Node.Deriv and Node.Grad report the derivatives of the latest
// call, which is what a solver stepping on cost needs.
func Grad(cost *gorgonia.Node, wrt ...*gorgonia.Node) (gorgonia.Nodes, error) {
	if cost == nil {
		return nil, fmt.Errorf("Grad: cost is nil")
	}
	if g := cost.Graph(); g != nil {
		for _, n := range g.AllNodes() {
			forgetDeriv(n)
		}
	}
	return gorgonia.Grad(cost, wrt...)
}

// derivField is the index of gorgonia.Node's unexported deriv field, or -1
// if a future version renamed it (Grad then falls back to gorgonia.Grad).
var derivField = func() int {
	f, ok := reflect.TypeOf(gorgonia.Node{}).FieldByName("deriv")
	if !ok || f.Type != reflect.TypeOf((*gorgonia.Node)(nil)) {
		return -1
	}
	return f.Index[0]
}()

// forgetDeriv clears n's record of its derivative. Gorgonia reads that
// field only to answer Deriv and Grad and to skip nodes in Backpropagate.
func forgetDeriv(n *gorgonia.Node) {
	if derivField < 0 {
		return
	}
	f := reflect.ValueOf(n).Elem().Field(derivField)
	*(**gorgonia.Node)(unsafe.Pointer(f.UnsafeAddr())) = nil
}
