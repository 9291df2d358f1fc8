package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"time"
)

// torchPython is the interpreter that has PyTorch (Debian's python3-torch).
const torchPython = "/usr/bin/python3"

// torchScript times torch.nn.functional.conv_transpose2d on the layers it
// reads as JSON from its first argument, with the given thread count, and
// prints the median forward and forward+backward times in seconds.
const torchScript = `
import json, sys, time, statistics, torch
import torch.nn.functional as F
cfg = json.loads(sys.argv[1])
torch.set_num_threads(cfg["threads"])
torch.manual_seed(0)
def median_time(f, min_time):
    f()
    runs, total = [], 0.0
    while len(runs) < 3 or (total < min_time and len(runs) < 1000):
        t = time.perf_counter(); f(); d = time.perf_counter() - t
        runs.append(d); total += d
    return statistics.median(runs)
out = []
for l in cfg["layers"]:
    dt = torch.float32 if l["dtype"] == "float32" else torch.float64
    x = torch.rand(l["x"], dtype=dt) * 2 - 1
    w = torch.rand(l["w"], dtype=dt) * 2 - 1
    kw = dict(stride=l["s"], padding=l["p"], output_padding=l["op"])
    def fwd():
        with torch.no_grad():
            F.conv_transpose2d(x, w, **kw)
    xg, wg = x.clone().requires_grad_(), w.clone().requires_grad_()
    r = torch.rand(F.conv_transpose2d(x, w, **kw).shape, dtype=dt)
    def fwdbwd():
        xg.grad = wg.grad = None
        F.conv_transpose2d(xg, wg, **kw).backward(r)
    out.append({"fwd": median_time(fwd, cfg["min_time"]), "fwdbwd": median_time(fwdbwd, cfg["min_time"])})
print(json.dumps({"version": torch.__version__, "config": torch.__config__.parallel_info().splitlines()[0:3], "times": out}))
`

// torchTimes is what torchScript prints.
type torchTimes struct {
	Version string
	Times   []struct{ Fwd, Fwdbwd float64 }
}

// torchAvailable reports whether PyTorch can be imported.
func torchAvailable() bool {
	return exec.Command(torchPython, "-c", "import torch").Run() == nil
}

// measureTorch times the layers in PyTorch with the given thread count.
func measureTorch(ls []layer, dtypes []string, threads int, minTime time.Duration) (*torchTimes, error) {
	var cfgLayers []map[string]any
	for _, dt := range dtypes {
		for _, l := range ls {
			cfgLayers = append(cfgLayers, map[string]any{"x": l.xShape(), "w": l.wShape(), "s": l.s, "p": l.p, "op": l.op, "dtype": dt})
		}
	}
	cfg, err := json.Marshal(map[string]any{"threads": threads, "min_time": minTime.Seconds(), "layers": cfgLayers})
	if err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(torchPython, "-c", torchScript, string(cfg))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("pytorch: %v: %s", err, stderr.String())
	}
	var t torchTimes
	if err := json.Unmarshal(stdout.Bytes(), &t); err != nil {
		return nil, fmt.Errorf("pytorch: %v in %q", err, stdout.String())
	}
	if len(t.Times) != len(cfgLayers) {
		return nil, fmt.Errorf("pytorch: %d times for %d layers", len(t.Times), len(cfgLayers))
	}
	return &t, nil
}
