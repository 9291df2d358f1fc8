#!/usr/bin/python3
"""Writes batchnorm.json, the golden values of the BatchNorm2d tests.

Every value here is computed by PyTorch (run with torch 1.13):

    /usr/bin/python3 nnops/testdata/make_batchnorm_golden.py

Each case holds x (N, C, H, W), scale and shift (C), an upstream gradient r
of y's shape, and what F.batch_norm(training=True) gives: y, and the
gradients of sum(y * r) with respect to x, scale and shift. x is drawn with
a different, non-zero mean and spread in every channel, so that the
statistics matter. Inputs come from a seeded generator and are stored with
the results; float32 values are stored as the float64 numbers they are
exactly equal to.
"""
import json
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = {"float32": torch.float32, "float64": torch.float64}

# (shape, eps): N=1, H=W=1 with N>1, C=1, the DCGAN's 7x7 planes, a large
# mean, and eps other than the default.
SHAPES = [
    ((4, 3, 5, 6), 1e-5, 3.0),
    ((1, 2, 3, 4), 1e-5, 3.0),
    ((6, 5, 1, 1), 1e-5, 3.0),
    ((3, 1, 4, 4), 1e-5, 3.0),
    ((2, 1, 1, 1), 1e-5, 3.0),
    ((8, 6, 7, 7), 1e-5, 3.0),
    ((4, 3, 3, 5), 1e-5, 100.0),
    ((5, 2, 2, 3), 0.1, 3.0),
]


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def case(gen, shape, eps, spread, dtype):
    n, c, h, w = shape
    mean = (torch.rand(1, c, 1, 1, generator=gen, dtype=torch.float64) * 2 - 1) * spread
    std = 0.2 + 2 * torch.rand(1, c, 1, 1, generator=gen, dtype=torch.float64)
    x = (mean + std * torch.randn(shape, generator=gen, dtype=torch.float64)).to(dtype)
    scale = (1 + 0.5 * torch.randn(c, generator=gen, dtype=torch.float64)).to(dtype)
    shift = torch.randn(c, generator=gen, dtype=torch.float64).to(dtype)
    r = torch.randn(shape, generator=gen, dtype=torch.float64).to(dtype)
    xs, ss, hs = (t.clone().requires_grad_(True) for t in (x, scale, shift))
    y = F.batch_norm(xs, None, None, ss, hs, training=True, eps=eps)
    dx, dscale, dshift = torch.autograd.grad((y * r).sum(), (xs, ss, hs))
    return {
        "dtype": str(dtype).replace("torch.", ""),
        "shape": list(shape),
        "eps": eps,
        "x": flat(x),
        "scale": flat(scale),
        "shift": flat(shift),
        "r": flat(r),
        "y": flat(y),
        "dx": flat(dx),
        "dscale": flat(dscale),
        "dshift": flat(dshift),
    }


def main():
    gen = torch.Generator().manual_seed(20150211)  # the arXiv date of Ioffe and Szegedy's paper
    cases = []
    for dtype in DTYPES.values():
        for shape, eps, spread in SHAPES:
            cases.append(case(gen, shape, eps, spread, dtype))
    path = os.path.join(HERE, "batchnorm.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f)
        f.write("\n")
    print("wrote", path, len(cases), "cases")


if __name__ == "__main__":
    main()
