//go:build goexperiment.simd && amd64

package fastblas

import "sync"

// workspace holds the packed panels and the edge-tile scratch of one
// goroutine's GEMM. Workspaces are pooled: the packed block of op(B) alone
// can be megabytes, too much to allocate and clear on every call.
type workspace[T float32 | float64] struct {
	a, b, acc []T
	tile      tile[T]
}

var workspaces [2]sync.Pool // of *workspace[float32] and *workspace[float64]

// poolOf returns the pool of the pair that holds values for T.
func poolOf[T float32 | float64](pair *[2]sync.Pool) *sync.Pool {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return &pair[0]
	}
	return &pair[1]
}

// getWorkspace returns a workspace whose buffers have at least the given
// lengths. Their contents are unspecified.
func getWorkspace[T float32 | float64](na, nb, nacc int) *workspace[T] {
	ws, _ := poolOf[T](&workspaces).Get().(*workspace[T])
	if ws == nil {
		ws = new(workspace[T])
	}
	ws.a = grow(ws.a, na)
	ws.b = grow(ws.b, nb)
	ws.acc = grow(ws.acc, nacc)
	return ws
}

func putWorkspace[T float32 | float64](ws *workspace[T]) {
	ws.tile = tile[T]{} // drop the caller's C
	poolOf[T](&workspaces).Put(ws)
}

func grow[T float32 | float64](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
