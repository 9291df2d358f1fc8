"""Golden values for the padding modes of Conv2d and ConvTranspose2d, computed by PyTorch.

How to run (from the module root, with the Python that has torch 1.13):

    /usr/bin/python3 testdata/make_padding_golden.py

It writes testdata/padding_golden.json (overwriting it). Every case draws its inputs
from its own torch.Generator seeded with BASE_SEED + its index, in float64, so the
output is deterministic.

Definitions (what the Go code must reproduce):

- "conv2d": the convolution with a padding mode, exactly PyTorch's
      nn.Conv2d(padding_mode=mode)  =  F.conv2d(F.pad(x, (left, right, top, bottom), mode), w, b,
                                                stride, padding=0, dilation, groups)
  With symmetric padding the case is computed by nn.Conv2d itself; with asymmetric
  padding (which nn.Conv2d cannot express) by the F.pad form above. For "zeros" the
  padding is given to F.conv2d directly.

- "conv_transpose2d": the adjoint of that convolution, for the convolution input size
  [H, W] the case records (its output size). PyTorch has no padding mode for
  ConvTranspose2d (it raises 'Only "zeros" padding mode is supported'), so the value is
  computed as a vector-Jacobian product of the convolution above:
      y = torch.autograd.grad(conv_mode(x0, w), x0, grad_outputs=x)[0] + b
  for any x0 of shape (N, C_out, H, W): the convolution is linear in x0, so this is
  the transpose of its matrix applied to x. Here x is (N, C_in, h, w), the shape of
  the convolution's output, and w is (C_in, C_out/groups, kH, kW): the convolution's
  weight, which is also the transposed convolution's. output_padding is the H, W
  beyond the smallest size the convolution maps to h, w (it is smaller than the
  stride). The vjp is taken with create_graph=True so that it can be differentiated.

For each case, r has the shape of y and:
    "dx", "dw", "db":  gradients of L = sum(y * r) with respect to x, w, b
    "ggx", "ggw":      gradients of P = sum(dx^2) + sum(dw^2) with respect to x, w
                       (dx, dw taken with create_graph=True)

File format:
    {"generator": "testdata/make_padding_golden.py, torch <version>",
     "cases": [{"name", "dtype", "op" ("conv2d" | "conv_transpose2d"),
                "mode" ("zeros" | "circular" | "reflect" | "replicate"),
                "stride": [sh, sw], "pads": [top, bottom, left, right], "dilation": [dh, dw],
                "groups": g, "output_padding": [oh, ow],
                "x", "w", "b" (or null), "r", "y", "dx", "dw", "db" (or null), "ggx", "ggw",
                "tolerance": tol}]}
A tensor is {"shape": [...], "data": [flat row-major values]}.
"""

import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

BASE_SEED = 20260
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "padding_golden.json")
TOL = {"float64": 1e-9, "float32": 1e-4}
DTYPES = {"float64": torch.float64, "float32": torch.float32}
MODES = ("zeros", "circular", "reflect", "replicate")


def C(name, n, cin, cout, h, w, k, s=1, pads=(0, 0, 0, 0), d=1, g=1, bias=True, modes=MODES, f32=False):
    """A convolution (N, cin, h, w) -> (N, cout, ...); the transposed case runs it backwards."""
    pair = lambda v: list(v) if isinstance(v, (tuple, list)) else [v, v]
    return dict(name=name, n=n, cin=cin, cout=cout, h=h, w=w, k=pair(k), s=pair(s), pads=list(pads),
                d=pair(d), g=g, bias=bias, modes=modes, f32=f32)


CONFIGS = [
    C("k3_p1", 2, 2, 3, 5, 6, 3, pads=(1, 1, 1, 1), f32=True),
    C("k3_s2_p2x1", 1, 3, 2, 7, 6, 3, s=2, pads=(2, 2, 1, 1), bias=False),
    C("k3_d2_p2x3", 1, 2, 2, 6, 7, 3, d=2, pads=(2, 2, 3, 3)),
    C("k2x3_s1x2_g2", 2, 4, 6, 4, 5, (2, 3), s=(1, 2), pads=(1, 1, 1, 1), g=2),
    C("asym_k3_s2", 1, 2, 3, 6, 5, 3, s=2, pads=(1, 2, 0, 3), f32=True),
    C("tiny_2x3_k2", 1, 1, 1, 2, 3, 2, pads=(1, 1, 1, 1)),
    C("wrap_whole_3x4", 1, 1, 2, 3, 4, 3, pads=(3, 3, 4, 4), modes=("circular", "replicate")),
    C("replicate_beyond_2x2", 1, 1, 1, 2, 2, 3, pads=(4, 3, 5, 2), modes=("replicate",)),
    C("s3_k2_op", 1, 2, 2, 8, 9, 2, s=3, pads=(1, 1, 2, 2)),
]


def pad_conv(c, mode, x, w, b):
    t, bo, l, r = c["pads"]
    if mode == "zeros":
        if t == bo and l == r:
            return F.conv2d(x, w, b, stride=c["s"], padding=(t, l), dilation=c["d"], groups=c["g"])
        return F.conv2d(F.pad(x, (l, r, t, bo)), w, b, stride=c["s"], dilation=c["d"], groups=c["g"])
    if t == bo and l == r:
        m = torch.nn.Conv2d(c["cin"], c["cout"], c["k"], stride=c["s"], padding=(t, l), dilation=c["d"],
                            groups=c["g"], bias=b is not None, padding_mode=mode, dtype=x.dtype)
        del m.weight
        m.weight = w
        if b is not None:
            del m.bias
            m.bias = b
        return m(x)
    return F.conv2d(F.pad(x, (l, r, t, bo), mode=mode), w, b, stride=c["s"], dilation=c["d"], groups=c["g"])


def conv_transpose(c, mode, x, w, b):
    """The adjoint of pad_conv for the convolution input size (c["h"], c["w"])."""
    dtype = x.dtype
    x0 = torch.zeros(x.shape[0], c["cin"], c["h"], c["w"], dtype=dtype, requires_grad=True)
    y = torch.autograd.grad(pad_conv(c, mode, x0, w, None), x0, grad_outputs=x, create_graph=True)[0]
    if b is not None:
        y = y + b.view(1, -1, 1, 1)
    return y


def conv_output_size(c):
    t, bo, l, r = c["pads"]
    out = []
    for i, (n, p) in enumerate([(c["h"], t + bo), (c["w"], l + r)]):
        out.append((n + p - c["d"][i] * (c["k"][i] - 1) - 1) // c["s"][i] + 1)
    return out


def output_padding(c):
    """How far the convolution input size lies beyond the smallest one mapping to the output."""
    t, bo, l, r = c["pads"]
    small = conv_output_size(c)
    op = []
    for i, (n, p) in enumerate([(c["h"], t + bo), (c["w"], l + r)]):
        lo = (small[i] - 1) * c["s"][i] - p + c["d"][i] * (c["k"][i] - 1) + 1
        op.append(n - lo)
        assert 0 <= op[-1] < c["s"][i], (c["name"], op)
    return op


def compute(op, c, mode, x, w, b, r):
    x = x.clone().requires_grad_(True)
    w = w.clone().requires_grad_(True)
    leaves = [x, w]
    if b is not None:
        b = b.clone().requires_grad_(True)
        leaves.append(b)
    y = (pad_conv if op == "conv2d" else conv_transpose)(c, mode, x, w, b)
    assert y.shape == r.shape, (c["name"], op, y.shape, r.shape)
    L = (y * r).sum()
    grads = torch.autograd.grad(L, leaves, create_graph=True)
    P = (grads[0] ** 2).sum() + (grads[1] ** 2).sum()
    gg = torch.autograd.grad(P, [x, w], allow_unused=True)
    gg = [torch.zeros_like(l) if v is None else v for v, l in zip(gg, [x, w])]
    out = dict(y=y, dx=grads[0], dw=grads[1], ggx=gg[0], ggw=gg[1])
    if b is not None:
        out["db"] = grads[2]
    return out


def f32_number(v):
    f = np.float32(v)
    short = float(str(f))
    return short if np.float32(short) == f else float(f)


def tensor_json(t, dtype):
    if t is None:
        return None
    flat = t.detach().contiguous().view(-1).tolist()
    data = [f32_number(v) for v in flat] if dtype == "float32" else [float(v) for v in flat]
    assert all(math.isfinite(v) for v in data)
    return {"shape": list(t.shape), "data": data}


def check_definitions():
    """The modes mean what the Go code says: PyTorch's reflect pad of 1..9 by one."""
    x = torch.arange(1, 10, dtype=torch.float64).view(1, 1, 3, 3)
    want = {
        "reflect": [[5, 4, 5, 6, 5], [2, 1, 2, 3, 2], [5, 4, 5, 6, 5], [8, 7, 8, 9, 8], [5, 4, 5, 6, 5]],
        "circular": [[9, 7, 8, 9, 7], [3, 1, 2, 3, 1], [6, 4, 5, 6, 4], [9, 7, 8, 9, 7], [3, 1, 2, 3, 1]],
        "replicate": [[1, 1, 2, 3, 3], [1, 1, 2, 3, 3], [4, 4, 5, 6, 6], [7, 7, 8, 9, 9], [7, 7, 8, 9, 9]],
    }
    for mode, v in want.items():
        got = F.pad(x, (1, 1, 1, 1), mode=mode)[0, 0]
        assert torch.equal(got, torch.tensor(v, dtype=torch.float64)), (mode, got)


def adjoint_check(c, mode, x, w, r):
    """<conv(u), x> = <u, convT(x)> in float64, an independent check of the vjp."""
    u = torch.randn(x.shape[0], c["cin"], c["h"], c["w"], dtype=torch.float64)
    lhs = (pad_conv(c, mode, u, w, None) * x).sum()
    rhs = (u * conv_transpose(c, mode, x, w, None)).sum()
    assert abs(float(lhs - rhs)) < 1e-9 * max(1.0, abs(float(lhs))), (c["name"], mode, lhs, rhs)


def main():
    check_definitions()
    cases = []
    for index, c in enumerate(CONFIGS):
        gen = torch.Generator().manual_seed(BASE_SEED + index)
        randn = lambda *shape: torch.randn(*shape, generator=gen, dtype=torch.float64)
        small = conv_output_size(c)
        wconv = randn(c["cout"], c["cin"] // c["g"], *c["k"])
        for mode in c["modes"]:
            for op in ("conv2d", "conv_transpose2d"):
                if op == "conv2d":
                    x = randn(c["n"], c["cin"], c["h"], c["w"])
                    w = wconv
                    b = randn(c["cout"]) if c["bias"] else None
                    r = randn(c["n"], c["cout"], *small)
                    opad = [0, 0]
                else:
                    # The transposed convolution runs the convolution backwards: its
                    # input has the convolution's output shape, its weight is the same
                    # tensor, and its output channels are the convolution's inputs.
                    x = randn(c["n"], c["cout"], *small)
                    w = randn(c["cout"], c["cin"] // c["g"], *c["k"])
                    b = randn(c["cin"]) if c["bias"] else None
                    r = randn(c["n"], c["cin"], c["h"], c["w"])
                    opad = output_padding(c)
                    adjoint_check(c, mode, x, w, r)
                for dtype in ("float64", "float32") if c["f32"] else ("float64",):
                    tdt = DTYPES[dtype]
                    cast = lambda t: None if t is None else t.to(tdt)
                    res = compute(op, c, mode, cast(x), cast(w), cast(b), cast(r))
                    if dtype == "float32":
                        # The float32 results must lie well within the tolerance of the
                        # same computation in float64 on the same float32-exact inputs.
                        up = lambda t: None if t is None else t.to(tdt).double()
                        ref = compute(op, c, mode, up(x), up(w), up(b), up(r))
                        for key, v in res.items():
                            err = ((v.double() - ref[key]).abs() / ref[key].abs().clamp(min=1)).max()
                            assert float(err) < TOL[dtype] / 4, (c["name"], mode, op, key, float(err))
                    cases.append({
                        "name": f"{op}_{c['name']}_{mode}_{'f64' if dtype == 'float64' else 'f32'}",
                        "dtype": dtype, "op": op, "mode": mode,
                        "stride": c["s"], "pads": c["pads"], "dilation": c["d"], "groups": c["g"],
                        "output_padding": opad,
                        "x": tensor_json(cast(x), dtype), "w": tensor_json(cast(w), dtype),
                        "b": tensor_json(cast(b), dtype), "r": tensor_json(cast(r), dtype),
                        "y": tensor_json(res["y"], dtype), "dx": tensor_json(res["dx"], dtype),
                        "dw": tensor_json(res["dw"], dtype), "db": tensor_json(res.get("db"), dtype),
                        "ggx": tensor_json(res["ggx"], dtype), "ggw": tensor_json(res["ggw"], dtype),
                        "tolerance": TOL[dtype],
                    })
    names = [c["name"] for c in cases]
    assert len(set(names)) == len(names)
    compact = dict(separators=(",", ":"))
    with open(OUT, "w") as f:
        f.write("{\n")
        f.write(f'"generator": {json.dumps(f"testdata/make_padding_golden.py, torch {torch.__version__}")},\n')
        f.write('"cases": [\n')
        for i, case in enumerate(cases):
            f.write(" " + json.dumps(case, **compact) + ("," if i + 1 < len(cases) else "") + "\n")
        f.write("]\n}\n")
    print(f"wrote {len(cases)} cases to {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    sys.exit(main())
