package conv

import (
	"runtime"
	"sync"
)

// minParallelWork is the number of element operations below which a loop
// runs on the calling goroutine: starting workers costs more than it saves.
const minParallelWork = 1 << 15

// parallelFor calls fn over [0, n) split into contiguous ranges, one per
// worker, with at most GOMAXPROCS workers. Every index is handled by exactly
// one call, so results never depend on the number of workers. work is the
// total number of element operations, used to stay serial on small loops.
func parallelFor(n, work int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	if workers <= 1 || work < minParallelWork {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	wg.Add(workers - 1)
	for w := 1; w < workers; w++ {
		lo, hi := w*n/workers, (w+1)*n/workers
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	fn(0, n/workers)
	wg.Wait()
}
