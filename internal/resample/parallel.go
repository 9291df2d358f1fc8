package resample

import (
	"runtime"
	"sync"
)

// parallelWork is the number of element operations below which a kernel
// runs on the calling goroutine: below it, starting goroutines costs more
// than it saves.
const parallelWork = 1 << 15

// forPlanes calls f on disjoint ranges [lo, hi) covering [0, planes),
// from at most GOMAXPROCS goroutines when planes·perPlane is at least
// threshold, and serially otherwise. Each plane is handled by exactly one
// call, so kernels whose planes do not share memory need no locks and give
// the same bits for any GOMAXPROCS.
func forPlanes(planes, perPlane, threshold int, f func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), planes)
	if workers <= 1 || planes*perPlane < threshold {
		f(0, planes)
		return
	}
	var wg sync.WaitGroup
	chunk := (planes + workers - 1) / workers
	for lo := 0; lo < planes; lo += chunk {
		hi := min(lo+chunk, planes)
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	wg.Wait()
}
