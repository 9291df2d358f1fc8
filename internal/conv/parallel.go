package conv

import (
	"runtime"
	"sync"
)

// minParallelWork is the number of element operations below which a loop
// runs on the calling goroutine: starting workers costs more than it saves.
const minParallelWork = 1 << 15

// A job is the body of a parallel loop: do handles the indices [lo, hi).
// Jobs are pointers to pooled structs (see columnJob and padJob), so that
// handing one to a worker allocates nothing.
type job interface{ do(lo, hi int) }

// part is one range of a job, handed to a worker.
type part struct {
	j      job
	lo, hi int
	done   *sync.WaitGroup
}

// The workers: goroutines started on first use, as many as GOMAXPROCS has
// needed minus one (the caller works too), which live as long as the
// program and wait for parts. Starting goroutines per loop would allocate
// their closures on every call.
var (
	parts      = make(chan part)
	workersMu  sync.Mutex
	numWorkers int
)

func ensureWorkers(n int) {
	workersMu.Lock()
	defer workersMu.Unlock()
	for ; numWorkers < n; numWorkers++ {
		go func() {
			for p := range parts {
				p.j.do(p.lo, p.hi)
				p.done.Done()
			}
		}()
	}
}

// parallelFor runs j over [0, n) split into contiguous ranges, one per
// worker, with at most GOMAXPROCS workers, the caller among them, and
// returns when all are done; done is the WaitGroup it waits with. Every
// index is handled by exactly one call, so results never depend on the
// number of workers. work is the total number of element operations, used to
// stay serial on small loops. A job must not call parallelFor itself: the
// workers it would wait for might all be busy waiting in turn.
func parallelFor(n, work int, j job, done *sync.WaitGroup) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 || work < minParallelWork {
		if n > 0 {
			j.do(0, n)
		}
		return
	}
	ensureWorkers(workers - 1)
	done.Add(workers - 1)
	for w := 1; w < workers; w++ {
		parts <- part{j, w * n / workers, (w + 1) * n / workers, done}
	}
	j.do(0, n/workers)
	done.Wait()
}
