#!/usr/bin/python3
"""Writes the golden values that the nnops tests compare against.

Every value here is computed by PyTorch (run with torch 1.13):

    /usr/bin/python3 nnops/testdata/make_golden.py

It writes upsample.json, pixelshuffle.json and overlap.json beside itself.
Inputs are drawn from a seeded generator and stored with the results, so the
Go tests feed exactly the same numbers. float32 values are stored as the
float64 numbers they are exactly equal to.
"""
import json
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = {"float32": torch.float32, "float64": torch.float64}


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def grads(fn, x, gen):
    """Forward value, first and second derivatives of fn at x.

    grad:  d/dx sum(y * r)
    grad2: d/dx sum(v * d/dx sum(r2 * y * y))
    """
    x = x.clone().requires_grad_(True)
    y = fn(x)
    r = torch.randn(y.shape, generator=gen, dtype=torch.float64).to(x.dtype)
    (g,) = torch.autograd.grad((y * r).sum(), x)
    r2 = torch.randn(y.shape, generator=gen, dtype=torch.float64).to(x.dtype)
    v = torch.randn(x.shape, generator=gen, dtype=torch.float64).to(x.dtype)
    y2 = fn(x)
    (g1,) = torch.autograd.grad((r2 * y2 * y2).sum(), x, create_graph=True)
    (g2,) = torch.autograd.grad((g1 * v).sum(), x)
    return {
        "y_shape": list(y.shape),
        "y": flat(y),
        "r": flat(r),
        "grad": flat(g),
        "r2": flat(r2),
        "v": flat(v),
        "grad2": flat(g2),
    }


def upsample_cases():
    gen = torch.Generator().manual_seed(20161017)
    shapes = [(1, 1, 2, 2), (2, 3, 3, 5), (1, 2, 4, 3), (2, 1, 5, 4)]
    modes = [("nearest", None), ("bilinear", False), ("bilinear", True)]
    specs = [
        {"scale": [2, 2]},
        {"scale": [3, 2]},
        {"scale": [1, 3]},
        {"scale_factor": [1.5, 2.5]},
        {"size": [7, 5]},
        {"size": [2, 8]},  # shrinks some heights: any output size is allowed
        {"size": [1, 1]},
    ]
    extra = [
        # float32 index arithmetic: PyTorch's floorf(37 * (6f/74f)) is 2, not 3.
        ((1, 1, 2, 6), "nearest", None, {"size": [3, 74]}),
        # scale given: the mapping uses float(1/41), and 41*float(1/41) < 1.
        ((1, 1, 1, 2), "nearest", None, {"scale": [1, 41]}),
        # output size equal to, and twice, the input: PyTorch's exact paths.
        ((1, 2, 3, 4), "nearest", None, {"size": [3, 8]}),
        ((1, 2, 3, 4), "bilinear", False, {"size": [3, 8]}),
        ((1, 2, 3, 4), "bilinear", True, {"size": [3, 8]}),
        # single row / column inputs, align_corners with output 1
        ((2, 1, 1, 3), "bilinear", True, {"size": [4, 1]}),
        ((2, 1, 1, 3), "bilinear", False, {"size": [4, 1]}),
        ((1, 1, 3, 3), "bilinear", False, {"scale_factor": [1.3, 0.7]}),
    ]
    cases = []
    for dname, dt in DTYPES.items():
        todo = []
        for shape in shapes:
            for mode, ac in modes:
                for spec in specs:
                    todo.append((shape, mode, ac, spec))
        todo += extra
        for shape, mode, ac, spec in todo:
            x = torch.randn(shape, generator=gen, dtype=torch.float64).to(dt)
            kw = {"mode": mode}
            if ac is not None:
                kw["align_corners"] = ac
            if "size" in spec:
                kw["size"] = tuple(spec["size"])
            else:
                key = "scale" if "scale" in spec else "scale_factor"
                kw["scale_factor"] = tuple(float(s) for s in spec[key])

            def fn(t, kw=kw):
                return F.interpolate(t, **kw)

            case = {
                "dtype": dname,
                "mode": mode,
                "align_corners": ac,
                "x_shape": list(shape),
                "x": flat(x),
            }
            case.update(spec)
            case.update(grads(fn, x, gen))
            cases.append(case)
    return cases


def pixelshuffle_cases():
    gen = torch.Generator().manual_seed(1609)
    todo = [
        ("shuffle", (1, 4, 2, 3), 2),
        ("shuffle", (2, 18, 2, 2), 3),
        ("shuffle", (2, 3, 2, 2), 1),
        ("shuffle", (1, 8, 3, 1), 2),
        ("unshuffle", (1, 1, 4, 6), 2),
        ("unshuffle", (2, 2, 6, 3), 3),
        ("unshuffle", (1, 3, 2, 2), 1),
    ]
    cases = []
    for dname, dt in DTYPES.items():
        for kind, shape, r in todo:
            x = torch.randn(shape, generator=gen, dtype=torch.float64).to(dt)
            if kind == "shuffle":
                fn = lambda t, r=r: F.pixel_shuffle(t, r)
            else:
                fn = lambda t, r=r: F.pixel_unshuffle(t, r)
            case = {"dtype": dname, "kind": kind, "factor": r, "x_shape": list(shape), "x": flat(x)}
            case.update(grads(fn, x, gen))
            cases.append(case)
    return cases


def overlap_cases():
    """Counts of kernel taps per output pixel: a transposed convolution of ones."""
    todo = [
        # kernel, stride, dilation, padding, input
        ((3, 3), (2, 2), (1, 1), (0, 0), (5, 5)),
        ((4, 4), (2, 2), (1, 1), (0, 0), (5, 5)),
        ((4, 4), (2, 2), (1, 1), (1, 1), (4, 6)),
        ((5, 5), (2, 2), (1, 1), (0, 0), (4, 4)),
        ((3, 3), (1, 1), (1, 1), (0, 0), (4, 4)),
        ((2, 2), (2, 2), (1, 1), (0, 0), (3, 3)),
        ((4, 4), (3, 3), (1, 1), (0, 0), (4, 4)),
        ((5, 5), (3, 3), (1, 1), (2, 2), (5, 4)),
        ((3, 4), (2, 2), (1, 1), (0, 0), (4, 5)),
        ((3, 3), (2, 3), (1, 1), (0, 0), (4, 4)),
        ((3, 3), (2, 2), (2, 2), (0, 0), (4, 4)),
        ((3, 3), (3, 3), (2, 2), (1, 1), (4, 4)),
        ((1, 1), (2, 2), (1, 1), (0, 0), (3, 3)),
        ((6, 4), (4, 2), (1, 1), (1, 0), (3, 4)),
    ]
    cases = []
    for k, s, d, p, n in todo:
        x = torch.ones((1, 1) + n, dtype=torch.float64)
        w = torch.ones((1, 1) + k, dtype=torch.float64)
        y = F.conv_transpose2d(x, w, stride=s, padding=p, dilation=d)
        cases.append({
            "kernel": list(k), "stride": list(s), "dilation": list(d), "padding": list(p),
            "input": list(n), "shape": list(y.shape[2:]), "counts": [int(v) for v in flat(y)],
        })
    return cases


def main():
    torch.set_num_threads(1)
    out = {
        "upsample.json": upsample_cases(),
        "pixelshuffle.json": pixelshuffle_cases(),
        "overlap.json": overlap_cases(),
    }
    for name, cases in out.items():
        doc = {"torch": torch.__version__, "cases": cases}
        with open(os.path.join(HERE, name), "w") as f:
            json.dump(doc, f, separators=(",", ":"))
            f.write("\n")
        print(name, len(cases), "cases")


if __name__ == "__main__":
    main()
