"""Golden values for ConvTranspose2d and Conv2d, computed by PyTorch.

How to run (from the module root, with the Python that has torch 1.13):

    /usr/bin/python3 testdata/make_golden.py

It writes testdata/convtranspose_golden.json (overwriting it) and prints one line per
case kind and dtype. The output is deterministic: every case draws its inputs from its
own torch.Generator seeded with BASE_SEED + its index in the table, and torch runs on
one thread with deterministic algorithms.

What the file holds (read by package internal/golden):

    {"generator": "testdata/make_golden.py, torch <version>",
     "cases": [{
        "name", "dtype" ("float64" | "float32"), "kind" ("torch" | "onnx" | "conv2d"),
        "stride": [sh, sw], "padding": [ph, pw] or null, "output_padding": [oh, ow] or null,
        "dilation": [dh, dw], "groups": g,
        "output_size": [H, W] or null,                  # torch kind only
        "pads": [top, bottom, left, right] or null,     # onnx kind only
        "auto_pad": "" | "SAME_UPPER" | "SAME_LOWER" | "VALID",
        "output_shape": [H, W] or null,                 # onnx kind only
        "resolved_pads": [top, bottom, left, right] or null,  # onnx kind: pads after the spec's rules
        "x", "w", "b" (or null), "r",
        "y",                 # forward
        "dx", "dw", "db",    # gradients of L = sum(y * r)
        "ggx", "ggw", "ggb", # gradients of P = sum(dx^2) + sum(dw^2) (+ sum(db^2)) wrt x, w, b,
                             # dx, dw, db taken with create_graph=True
        "tolerance": tol,    # recommended: |got - want| <= tol * max(1, |want|)
        "note": "..."        # optional, free text
     }]}

A tensor is {"shape": [...], "data": [flat row-major values]}.
float64 values are written with repr (shortest string that round-trips).
float32 values are written as the shortest decimal that gives back the same float32
when parsed as a float64 and then rounded to float32 (checked for every value; where
that check fails the exact value of the float32 is written instead).

Kinds:
- "torch":  nn.ConvTranspose2d(C_in, C_out, k, stride, padding, output_padding, groups,
            bias, dilation); y = module(x, output_size=output_size). x is (N, C_in, H, W),
            w is (C_in, C_out/groups, kH, kW), b is (C_out). When output_size is given the
            module ignores its output_padding and derives it from output_size (torch's
            _output_padding: output_size - min_size, which must lie in [0, stride-1]);
            such cases record output_padding [0, 0].
- "onnx":   ONNX ConvTranspose attributes (pads / auto_pad / output_shape / output_padding).
            y is computed by torch as the "full" result conv_transpose2d(x, w, padding=0,
            output_padding=output_padding) with resolved_pads rows/cols cropped from the
            begin and the end, plus the bias.
- "conv2d": F.conv2d(x, w, b, stride, padding, dilation, groups), w is
            (C_out, C_in/groups, kH, kW), symmetric padding.

ONNX pad resolution, quoted from the ConvTranspose operator spec (onnx/defs/nn/defs.cc,
opset 11 and 22 alike):

    If the pads parameter is provided the shape of the output is calculated via the
    following equation:
      output_shape[i] = stride[i] * (input_size[i] - 1) + output_padding[i]
                        + ((kernel_shape[i] - 1) * dilations[i] + 1) - pads[start_i] - pads[end_i]
    output_shape can also be explicitly specified in which case pads values are auto
    generated using these equations:
      total_padding[i] = stride[i] * (input_size[i] - 1) + output_padding[i]
                         + ((kernel_shape[i] - 1) * dilations[i] + 1) - output_shape[i]
      If (auto_pads == SAME_UPPER): pads[start_i] = total_padding[i]/2;
                                    pads[end_i] = total_padding[i] - (total_padding[i]/2)
      Else: pads[start_i] = total_padding[i] - (total_padding[i]/2);
            pads[end_i] = (total_padding[i]/2).

and the auto_pad attribute:

    SAME_UPPER or SAME_LOWER mean pad the input so that
    `output_shape[i] = input_shape[i] * strides[i]` for each axis `i`. The padding is split
    between the two sides equally or almost equally (depending on whether it is even or
    odd). In case the padding is an odd number, the extra padding is added at the end for
    SAME_UPPER and at the beginning for SAME_LOWER.

This file follows the spec text: SAME_* use output_shape = input*stride in the
total_padding equation (so output_padding is absorbed by the padding); an explicit
output_shape overrides pads; the "Else" branch (extra padding at the beginning) applies
to NOTSET, SAME_LOWER and VALID alike when output_shape is given; VALID without
output_shape means pads 0. Cases whose total padding would be negative are not made.
Implementations differ from the spec text here: onnxruntime's DistributePadding puts the
extra padding at the beginning for SAME_UPPER and at the end otherwise (the opposite of
the spec), and ONNX's own shape inference for SAME_* uses total = effective_kernel -
stride (it leaves output_padding out). Cases where that matters carry a "note".
ONNX's own backend tests side with the spec text: test_convtranspose_autopad_same
(SAME_UPPER, stride 2, kernel 3) crops the odd row at the end; check_onnx_examples
reproduces it and two more published outputs before any case is written. Its
test_convtranspose_output_shape asks for an output_shape one larger than the full size
(negative total padding) and expects a zero row/column at the end, like output_padding.

Pads in this file are always [top, bottom, left, right] (the order of WithPads), not
the ONNX attribute order [top, left, bottom, right].
"""

import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

BASE_SEED = 20240601
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "convtranspose_golden.json")
TOL = {"float64": 1e-10, "float32": 1e-4}
DTYPES = {"float64": torch.float64, "float32": torch.float32}
WORST_F32 = [0.0]  # largest scaled float32-vs-float64 difference seen by the self-check

torch.manual_seed(BASE_SEED)
torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def pair(v):
    return list(v) if isinstance(v, (list, tuple)) else [v, v]


# ---------------------------------------------------------------------------
# Configurations.
# Common keys: n, cin, cout, h, w (input spatial size), k (kernel), s (stride), d (dilation),
# g (groups), bias.
# torch: p (padding), op (output_padding), osize (output_size).
# onnx: pads, auto_pad, op, oshape (output_shape).
# conv2d: p.
# ---------------------------------------------------------------------------

def T(name, n, cin, cout, h, w, k, s=1, p=0, op=0, d=1, g=1, bias=False, osize=None, note=""):
    return dict(kind="torch", name=name, n=n, cin=cin, cout=cout, h=h, w=w, k=pair(k), s=pair(s),
                p=pair(p), op=pair(op), d=pair(d), g=g, bias=bias, osize=osize, note=note)


def O(name, n, cin, cout, h, w, k, s=1, pads=None, auto_pad="", op=0, d=1, g=1, bias=False,
      oshape=None, note=""):
    return dict(kind="onnx", name=name, n=n, cin=cin, cout=cout, h=h, w=w, k=pair(k), s=pair(s),
                pads=pads, auto_pad=auto_pad, op=pair(op), d=pair(d), g=g, bias=bias,
                oshape=oshape, note=note)


def C(name, n, cin, cout, h, w, k, s=1, p=0, d=1, g=1, bias=False, note=""):
    return dict(kind="conv2d", name=name, n=n, cin=cin, cout=cout, h=h, w=w, k=pair(k), s=pair(s),
                p=pair(p), d=pair(d), g=g, bias=bias, note=note)


CONFIGS = [
    # --- torch kind ---------------------------------------------------------------
    T("doc_2x2_to_4x4_k3", 1, 1, 1, 2, 2, 3,
      note="the 4x16 matrix example: 2x2 input, 3x3 kernel, stride 1, no padding, 4x4 output"),
    T("s1_p0_k3_bias", 2, 2, 3, 3, 4, 3, bias=True),
    T("s2_p1_k4_bias", 2, 3, 2, 3, 3, 4, s=2, p=1, bias=True, note="DCGAN generator layer"),
    T("s2_p1_k4", 1, 2, 3, 4, 5, 4, s=2, p=1),
    T("s2_p1_k3_op1_bias", 1, 2, 2, 3, 4, 3, s=2, p=1, op=1, bias=True),
    T("s3_p0_k3", 1, 1, 2, 3, 2, 3, s=3),
    T("s3_p1_k5x3_op2x1", 2, 2, 3, 2, 3, (5, 3), s=3, p=1, op=(2, 1)),
    T("s2x1_p1x0_k3x2", 1, 3, 2, 3, 4, (3, 2), s=(2, 1), p=(1, 0)),
    T("s1x2_p0x1_k2x3_op0x1", 1, 2, 2, 3, 3, (2, 3), s=(1, 2), p=(0, 1), op=(0, 1), bias=True),
    T("s1_p2_k5", 1, 2, 2, 4, 4, 5, p=2),
    T("s2_p2x1_k5x3", 1, 2, 1, 3, 3, (5, 3), s=2, p=(2, 1), bias=True),
    T("s1_d2_k3", 1, 1, 2, 3, 3, 3, d=2),
    T("s2x1_d2x3_k3x2_p1", 1, 2, 2, 3, 3, (3, 2), s=(2, 1), p=1, d=(2, 3), bias=True),
    T("s2_d3_k3_p2", 1, 2, 2, 3, 2, 3, s=2, p=2, d=3),
    T("s1_d2_op1_k3", 1, 2, 2, 3, 3, 3, d=2, op=1,
      note="output_padding >= stride, allowed because it is < dilation"),
    T("s1_d2x3_op1x2_k2", 1, 1, 2, 3, 2, 2, d=(2, 3), op=(1, 2), bias=True,
      note="output_padding >= stride, allowed because it is < dilation"),
    T("s2_d3_op2_k3_p1", 1, 2, 1, 2, 3, 3, s=2, d=3, p=1, op=2,
      note="output_padding >= stride, allowed because it is < dilation"),
    T("g2_s2_p1_k3", 1, 4, 6, 3, 3, 3, s=2, p=1, g=2),
    T("g4_s1_p1_k3_bias", 1, 4, 8, 3, 3, 3, p=1, g=4, bias=True),
    T("depthwise_c4_s2_p1_k4", 1, 4, 4, 3, 3, 4, s=2, p=1, g=4, note="depthwise: C_in = C_out = groups"),
    T("depthwise_mult2_c3_s2_k3_bias", 1, 3, 6, 2, 3, 3, s=2, g=3, bias=True,
      note="depthwise with channel multiplier 2"),
    T("g2_s2_d2_op1_k3_bias", 2, 2, 4, 3, 2, 3, s=2, d=2, op=1, g=2, bias=True),
    T("k1_s1_c5to3", 1, 5, 3, 3, 4, 1),
    T("k1_s2_op1", 1, 2, 2, 3, 3, 1, s=2, op=1, bias=True, note="1x1 kernel spreads inputs, zeros between"),
    T("k1_s2_p1", 1, 2, 1, 4, 4, 1, s=2, p=1),
    T("k4_s4_p0", 1, 2, 2, 2, 3, 4, s=4, note="non-overlapping patches"),
    T("k5x3_s1_p2x1", 1, 2, 3, 4, 3, (5, 3), p=(2, 1), bias=True, note="same-size output"),
    T("k5x3_s2_p1x0_op1_bias", 1, 2, 2, 3, 3, (5, 3), s=2, p=(1, 0), op=1, bias=True),
    T("k3x2_s1x2_bias", 1, 3, 2, 3, 3, (3, 2), s=(1, 2), bias=True),
    T("n3_s2_p1_k4_bias", 3, 2, 2, 2, 3, 4, s=2, p=1, bias=True),
    T("n3_g2_s2_p1_op1_k3", 3, 4, 2, 2, 2, 3, s=2, p=1, op=1, g=2),
    T("c8to1_s2_p1_k4", 1, 8, 1, 2, 2, 4, s=2, p=1),
    T("c1to8_s1_p1_k3", 1, 1, 8, 3, 2, 3, p=1, bias=True),
    T("c8to8_g4_s2_p1_op1_k3_bias", 1, 8, 8, 2, 2, 3, s=2, p=1, op=1, g=4, bias=True),
    T("in1x5_s2_k3", 1, 2, 2, 1, 5, 3, s=2),
    T("in5x1_k3x1_s1x2", 1, 2, 2, 5, 1, (3, 1), s=(1, 2), bias=True),
    T("in1x1_s2_k3", 2, 3, 2, 1, 1, 3, s=2, bias=True),
    T("p3_k7_s1", 1, 1, 2, 3, 3, 7, p=3),
    T("s3_k2_p2", 1, 2, 2, 4, 3, 2, s=3, p=2, note="padding larger than kernel-1: pure cropping"),
    T("s3_k2_p0_bias", 1, 2, 2, 2, 3, 2, s=3, bias=True, note="stride > kernel: gaps hold only the bias"),
    T("s3x2_d1x2_p0x2_op2x1_k2x3_bias", 2, 2, 3, 3, 3, (2, 3), s=(3, 2), d=(1, 2), p=(0, 2), op=(2, 1),
      bias=True),
    T("mixed_g2_k3x2_s2x3_p1x0_d2x1_op1x2_bias", 3, 6, 4, 3, 2, (3, 2), s=(2, 3), p=(1, 0), d=(2, 1),
      op=(1, 2), g=2, bias=True),
    T("osize_s2_p1_k4", 1, 2, 2, 3, 3, 4, s=2, p=1, osize=[7, 6], bias=True,
      note="output_size picks output_padding (1, 0)"),
    T("osize_s3_p1_k3", 1, 1, 2, 3, 2, 3, s=3, p=1, osize=[9, 5], note="output_padding (2, 1)"),
    T("osize_s1_k3_min", 1, 2, 1, 3, 4, 3, osize=[5, 6], note="stride 1: output_size must be the minimum"),
    T("osize_s2_d2_k3", 1, 2, 2, 3, 3, 3, s=2, d=2, osize=[9, 10], note="output_padding (0, 1)"),
    T("osize_g2_s2_p1_k3_bias", 2, 4, 4, 2, 3, 3, s=2, p=1, g=2, osize=[4, 6], bias=True,
      note="output_padding (1, 1)"),
    T("osize_s2x3_p0_k2_op_ignored", 1, 2, 2, 2, 2, 2, s=(2, 3), op=1, osize=[5, 5],
      note="output_size given: the module's output_padding (1, 1) is ignored; resolved (1, 0)"),

    # --- onnx kind ------------------------------------------------------------------
    O("pads_1_0_0_2_s2_k3", 1, 2, 2, 3, 3, 3, s=2, pads=[1, 0, 0, 2]),
    O("pads_0_2_1_1_s3x2_k3x2_d1x2_op1x0_bias", 2, 2, 3, 2, 3, (3, 2), s=(3, 2), d=(1, 2), op=(1, 0),
      pads=[0, 2, 1, 1], bias=True),
    O("pads_2_1_0_1_g2_s2_k4_bias", 2, 4, 4, 2, 3, 4, s=2, g=2, pads=[2, 1, 0, 1], bias=True),
    O("pads_onnx_doc_s3x2_k3", 1, 1, 2, 3, 3, 3, s=(3, 2), pads=[1, 1, 2, 2],
      note="ONNX test_convtranspose_pads geometry: pads [1,2,1,2] in ONNX order (x1_begin, x2_begin, x1_end, x2_end) "
           "is top 1, bottom 1, left 2, right 2"),
    O("same_upper_s2_k3", 1, 2, 2, 3, 4, 3, s=2, auto_pad="SAME_UPPER",
      note="total padding 1 (odd): extra at the end"),
    O("same_lower_s2_k3", 1, 2, 2, 3, 4, 3, s=2, auto_pad="SAME_LOWER",
      note="total padding 1 (odd): extra at the beginning"),
    O("same_upper_s2_k4_bias", 1, 2, 3, 3, 3, 4, s=2, auto_pad="SAME_UPPER", bias=True),
    O("same_upper_s1_k4", 1, 2, 2, 3, 3, 4, auto_pad="SAME_UPPER", note="total padding 3: (1, 2)"),
    O("same_lower_s1_k4", 1, 2, 2, 3, 3, 4, auto_pad="SAME_LOWER", note="total padding 3: (2, 1)"),
    O("same_upper_s3_k4x5", 1, 1, 2, 2, 3, (4, 5), s=3, auto_pad="SAME_UPPER"),
    O("same_lower_s3_k4x6", 1, 2, 1, 3, 2, (4, 6), s=3, auto_pad="SAME_LOWER", bias=True),
    O("same_upper_s2_k3_op1", 1, 2, 2, 3, 3, 3, s=2, op=1, auto_pad="SAME_UPPER",
      note="spec text: output = input*stride, output_padding is absorbed into total padding 2; "
           "ONNX shape inference instead gives input*stride + output_padding"),
    O("same_lower_s2_d2_k3", 1, 2, 2, 3, 2, 3, s=2, d=2, auto_pad="SAME_LOWER",
      note="effective kernel 5, total padding 3: (2, 1)"),
    O("same_upper_g2_s2x3_k3x5_bias", 2, 4, 2, 2, 2, (3, 5), s=(2, 3), g=2, auto_pad="SAME_UPPER", bias=True),
    O("valid_s2_k3", 1, 2, 2, 3, 2, 3, s=2, auto_pad="VALID"),
    O("valid_s2_k2x3_op1", 1, 2, 2, 2, 3, (2, 3), s=2, op=1, auto_pad="VALID", bias=True),
    O("oshape_notset_s2_k3", 1, 2, 2, 3, 3, 3, s=2, oshape=[6, 5],
      note="NOTSET + output_shape, odd total padding in H: spec puts the extra at the beginning; "
           "onnxruntime puts it at the end"),
    O("oshape_same_upper_s2_k3", 1, 2, 2, 3, 3, 3, s=2, auto_pad="SAME_UPPER", oshape=[6, 5],
      note="onnxruntime puts the odd extra at the beginning for SAME_UPPER (opposite of the spec)"),
    O("oshape_same_lower_s2_k3", 1, 2, 2, 3, 3, 3, s=2, auto_pad="SAME_LOWER", oshape=[6, 5],
      note="onnxruntime puts the odd extra at the end for SAME_LOWER (opposite of the spec)"),
    O("oshape_valid_s2_k3", 1, 2, 2, 3, 3, 3, s=2, auto_pad="VALID", oshape=[6, 5],
      note="output_shape overrides VALID; split as the spec's Else branch"),
    O("oshape_full_notset_s2_k4", 1, 2, 2, 2, 3, 4, s=2, oshape=[6, 8], note="output_shape = full size: pads 0"),
    O("oshape_notset_s2_k4_op1_bias", 1, 2, 3, 3, 2, 4, s=2, op=1, oshape=[6, 5], bias=True,
      note="output_padding enters total padding (3, 2)"),
    O("oshape_same_upper_s3_d2_k3_g2", 2, 2, 4, 2, 2, 3, s=3, d=2, g=2, auto_pad="SAME_UPPER", oshape=[6, 4]),
    O("oshape_ignores_pads_s2_k3", 1, 2, 2, 3, 3, 3, s=2, pads=[2, 2, 1, 1], oshape=[5, 6],
      note="spec: if output_shape is specified pads values are ignored"),

    # --- conv2d kind ----------------------------------------------------------------
    C("k3_s1_p0", 1, 1, 1, 4, 4, 3),
    C("k3_s1_p1_bias", 2, 3, 2, 5, 4, 3, p=1, bias=True),
    C("k4_s2_p1", 1, 2, 3, 6, 6, 4, s=2, p=1),
    C("k3_s2_p0_leftover", 1, 2, 2, 7, 6, 3, s=2, note="H: the last input row is not covered"),
    C("k3x2_s2x1_p1x0", 1, 2, 2, 5, 4, (3, 2), s=(2, 1), p=(1, 0), bias=True),
    C("d2_k3_p2", 1, 2, 2, 6, 6, 3, d=2, p=2),
    C("d2x3_k2_s1x2_p1x2", 1, 2, 3, 5, 6, 2, s=(1, 2), d=(2, 3), p=(1, 2), bias=True),
    C("g2_k3_p1_bias", 1, 4, 6, 4, 4, 3, p=1, g=2, bias=True),
    C("depthwise_c4_k3_s2_p1", 1, 4, 4, 5, 5, 3, s=2, p=1, g=4),
    C("g4_k1_c8to4", 1, 8, 4, 3, 3, 1, g=4),
    C("k1_s2_bias", 2, 2, 3, 5, 4, 1, s=2, bias=True),
    C("n3_k5x3_s3_p2x1_bias", 3, 2, 2, 8, 7, (5, 3), s=3, p=(2, 1), bias=True),
    C("k2_p2", 1, 1, 2, 3, 3, 2, p=2, note="padding larger than kernel-1: border outputs see only padding"),
    C("in1x1_k1", 2, 3, 2, 1, 1, 1, bias=True),
    C("g2_d3_s3_p3_k3_bias", 1, 2, 4, 9, 8, 3, s=3, d=3, p=3, g=2, bias=True),
]


# ---------------------------------------------------------------------------
# ONNX pad resolution (the spec text quoted above).
# ---------------------------------------------------------------------------

def onnx_full_size(n_in, s, k, d, op):
    return s * (n_in - 1) + op + (k - 1) * d + 1


def onnx_resolve_pads(c):
    """Returns [top, bottom, left, right] following the ONNX spec text, or None if the
    total padding would be negative."""
    begin, end = [0, 0], [0, 0]
    ins = [c["h"], c["w"]]
    for i in range(2):
        full = onnx_full_size(ins[i], c["s"][i], c["k"][i], c["d"][i], c["op"][i])
        if c["oshape"] is not None:
            target = c["oshape"][i]
        elif c["auto_pad"] in ("SAME_UPPER", "SAME_LOWER"):
            target = ins[i] * c["s"][i]
        elif c["auto_pad"] == "VALID":
            target = full
        else:
            pads = c["pads"] or [0, 0, 0, 0]
            begin[i], end[i] = pads[2 * i], pads[2 * i + 1]
            continue
        total = full - target
        if total < 0:
            return None
        if c["auto_pad"] == "SAME_UPPER":
            begin[i], end[i] = total // 2, total - total // 2
        else:
            begin[i], end[i] = total - total // 2, total // 2
    return [begin[0], end[0], begin[1], end[1]]


# ---------------------------------------------------------------------------
# Computation.
# ---------------------------------------------------------------------------

def inputs(c, index):
    """Draws x, w, b, r in float64 from the case's own generator."""
    gen = torch.Generator().manual_seed(BASE_SEED + index)

    def randn(*shape):
        return torch.randn(*shape, generator=gen, dtype=torch.float64)

    x = randn(c["n"], c["cin"], c["h"], c["w"])
    if c["kind"] == "conv2d":
        w = randn(c["cout"], c["cin"] // c["g"], *c["k"])
    else:
        w = randn(c["cin"], c["cout"] // c["g"], *c["k"])
    b = randn(c["cout"]) if c["bias"] else None
    return gen, randn, x, w, b


def forward(c, x, w, b, resolved_pads):
    """Returns y; w and b are leaves that require grad."""
    if c["kind"] == "torch":
        m = torch.nn.ConvTranspose2d(c["cin"], c["cout"], c["k"], stride=c["s"], padding=c["p"],
                                     output_padding=c["op"], groups=c["g"], bias=c["bias"],
                                     dilation=c["d"], dtype=x.dtype)
        # Swap the module's parameters for our leaves so that autograd.grad reaches them.
        del m.weight
        m.weight = w
        if c["bias"]:
            del m.bias
            m.bias = b
        return m(x, output_size=c["osize"])
    if c["kind"] == "onnx":
        full = F.conv_transpose2d(x, w, None, stride=c["s"], padding=0, output_padding=c["op"],
                                  groups=c["g"], dilation=c["d"])
        top, bottom, left, right = resolved_pads
        hf, wf = full.shape[2], full.shape[3]
        y = full[:, :, top:hf - bottom, left:wf - right]
        if b is not None:
            y = y + b.view(1, -1, 1, 1)
        return y
    return F.conv2d(x, w, b, stride=c["s"], padding=c["p"], dilation=c["d"], groups=c["g"])


def compute(c, x, w, b, r, resolved_pads):
    x = x.clone().requires_grad_(True)
    w = torch.nn.Parameter(w.clone())
    if b is not None:
        b = torch.nn.Parameter(b.clone())
    leaves = [x, w] + ([b] if b is not None else [])
    y = forward(c, x, w, b, resolved_pads)
    if y.shape != r.shape:
        raise AssertionError(f"{c['name']}: y {tuple(y.shape)} r {tuple(r.shape)}")
    L = (y * r).sum()
    grads = torch.autograd.grad(L, leaves, create_graph=True)
    P = sum((g * g).sum() for g in grads)
    # db does not depend on anything (y is affine in b), so P does not reach b: allow_unused.
    ggrads = torch.autograd.grad(P, leaves, allow_unused=True)
    ggrads = [torch.zeros_like(l) if g is None else g for g, l in zip(ggrads, leaves)]
    out = {"y": y.detach(), "dx": grads[0].detach(), "dw": grads[1].detach(),
           "ggx": ggrads[0].detach(), "ggw": ggrads[1].detach()}
    if b is not None:
        out["db"] = grads[2].detach()
        out["ggb"] = ggrads[2].detach()
    return out


def output_shape(c, resolved_pads):
    """Spatial output size, from the formulas (an independent check of torch's result)."""
    hw = []
    for i, n_in in enumerate([c["h"], c["w"]]):
        s, k, d = c["s"][i], c["k"][i], c["d"][i]
        if c["kind"] == "torch":
            if c["osize"] is not None:
                hw.append(c["osize"][i])
            else:
                hw.append((n_in - 1) * s - 2 * c["p"][i] + d * (k - 1) + c["op"][i] + 1)
        elif c["kind"] == "onnx":
            hw.append(onnx_full_size(n_in, s, k, d, c["op"][i]) - resolved_pads[2 * i] - resolved_pads[2 * i + 1])
        else:
            hw.append((n_in + 2 * c["p"][i] - d * (k - 1) - 1) // s + 1)
    return hw


def check_onnx_examples():
    """Reproduces three outputs published with the ONNX backend tests
    (onnx/backend/test/case/node/convtranspose.py) through onnx_resolve_pads and
    forward, so that the onnx kind means what ONNX means: the pads order, the side
    that SAME_UPPER pads, and dilation."""
    x = torch.arange(9, dtype=torch.float64).reshape(1, 1, 3, 3)
    ones = torch.ones(1, 2, 3, 3, dtype=torch.float64)
    examples = [
        # test_convtranspose_pads: strides [3, 2], ONNX pads [1, 2, 1, 2] = top 1, left 2, bottom 1, right 2.
        (O("ex_pads", 1, 1, 2, 3, 3, 3, s=(3, 2), pads=[1, 1, 2, 2]), x, ones,
         [[1, 1, 3], [1, 1, 3], [7, 4, 9], [7, 4, 9], [7, 4, 9], [13, 7, 15], [13, 7, 15]]),
        # test_convtranspose_autopad_same: SAME_UPPER, strides [2, 2].
        (O("ex_same_upper", 1, 1, 2, 3, 3, 3, s=2, auto_pad="SAME_UPPER"), x, ones,
         [[0, 0, 1, 1, 3, 2], [0, 0, 1, 1, 3, 2], [3, 3, 8, 5, 12, 7],
          [3, 3, 7, 4, 9, 5], [9, 9, 20, 11, 24, 13], [6, 6, 13, 7, 15, 8]]),
        # test_convtranspose_dilations: dilations [2, 2].
        (O("ex_dilations", 1, 1, 1, 3, 3, 2, d=2),
         torch.tensor([[[[3, 8, 1], [9, 5, 7], [3, 2, 6]]]], dtype=torch.float64),
         torch.tensor([[[[7, 2], [1, 9]]]], dtype=torch.float64),
         [[21, 56, 13, 16, 2], [63, 35, 67, 10, 14], [24, 22, 76, 76, 21], [9, 5, 88, 45, 63],
          [3, 2, 33, 18, 54]]),
    ]
    for c, xe, we, want in examples:
        y = forward(c, xe, we, None, onnx_resolve_pads(c))
        want = torch.tensor(want, dtype=torch.float64)
        for ch in range(y.shape[1]):
            if not torch.equal(y[0, ch], want):
                raise AssertionError(f"{c['name']}: got {y[0, ch].tolist()}, want {want.tolist()}")


# ---------------------------------------------------------------------------
# JSON writing.
# ---------------------------------------------------------------------------

def f32_number(v):
    """Shortest decimal that gives back the float32 v through float64 parsing."""
    f = np.float32(v)
    short = float(str(f))
    if np.float32(short) == f:
        return short
    return float(f)  # exact value of the float32


def tensor_json(t, dtype):
    if t is None:
        return None
    flat = t.detach().contiguous().view(-1).tolist()
    if dtype == "float32":
        data = [f32_number(v) for v in flat]
    else:
        data = [float(v) for v in flat]
    for v in data:
        if not math.isfinite(v):
            raise AssertionError("non-finite value")
    return {"shape": list(t.shape), "data": data}


def close(got, want, tol):
    err = (got - want).abs() / want.abs().clamp(min=1.0)
    return float(err.max()) if err.numel() else 0.0


def make_case(c, index, dtype):
    _, randn, x64, w64, b64 = inputs(c, index)
    resolved = None
    if c["kind"] == "onnx":
        resolved = onnx_resolve_pads(c)
        if resolved is None:
            print(f"skip {c['name']}: negative total padding", file=sys.stderr)
            return None
    n_out = c["cout"]
    hw = output_shape(c, resolved)
    if min(hw) <= 0:
        raise AssertionError(f"{c['name']}: non-positive output size {hw}")
    r64 = randn(c["n"], n_out, *hw)
    tdt = DTYPES[dtype]
    x, w, r = x64.to(tdt), w64.to(tdt), r64.to(tdt)
    b = b64.to(tdt) if b64 is not None else None
    res = compute(c, x, w, b, r, resolved)

    tol = TOL[dtype]
    if dtype == "float32":
        # Self-check: the float32 results must be within the recommended tolerance of the
        # same computation in float64 on the same (float32-exact) inputs.
        ref = compute(c, x.double(), w.double(), b.double() if b is not None else None, r.double(), resolved)
        worst = max(close(res[k].double(), ref[k], tol) for k in res)
        WORST_F32[0] = max(WORST_F32[0], worst)
        if worst > tol / 4:
            raise AssertionError(f"{c['name']}: float32 error {worst:.3g} too close to tolerance {tol}")

    case = {
        "name": f"{c['name']}_{'f64' if dtype == 'float64' else 'f32'}",
        "dtype": dtype,
        "kind": c["kind"],
        "stride": c["s"],
        "padding": c["p"] if c["kind"] in ("torch", "conv2d") else None,
        "output_padding": (([0, 0] if c["osize"] is not None else c["op"]) if c["kind"] == "torch"
                           else c["op"] if c["kind"] == "onnx" else None),
        "dilation": c["d"],
        "groups": c["g"],
        "output_size": c.get("osize"),
        "pads": c.get("pads"),
        "auto_pad": c.get("auto_pad", ""),
        "output_shape": c.get("oshape"),
        "resolved_pads": resolved,
        "x": tensor_json(x, dtype),
        "w": tensor_json(w, dtype),
        "b": tensor_json(b, dtype),
        "r": tensor_json(r, dtype),
        "y": tensor_json(res["y"], dtype),
        "dx": tensor_json(res["dx"], dtype),
        "dw": tensor_json(res["dw"], dtype),
        "db": tensor_json(res.get("db"), dtype),
        "ggx": tensor_json(res["ggx"], dtype),
        "ggw": tensor_json(res["ggw"], dtype),
        "ggb": tensor_json(res.get("ggb"), dtype),
        "tolerance": tol,
    }
    if c["note"]:
        case["note"] = c["note"]
    return case


def write(cases, path):
    compact = dict(separators=(",", ":"))
    with open(path, "w") as f:
        f.write("{\n")
        f.write(f'"generator": {json.dumps(f"testdata/make_golden.py, torch {torch.__version__}")},\n')
        f.write('"cases": [\n')
        for i, case in enumerate(cases):
            fields = [f"  {json.dumps(k)}: {json.dumps(v, **compact)}" for k, v in case.items()]
            f.write(" {\n" + ",\n".join(fields) + "\n }" + ("," if i + 1 < len(cases) else "") + "\n")
        f.write("]\n}\n")


def main():
    names = [c["name"] for c in CONFIGS]
    if len(set(names)) != len(names):
        raise AssertionError("duplicate case names")
    check_onnx_examples()
    cases = []
    for dtype in ("float64", "float32"):
        for index, c in enumerate(CONFIGS):
            case = make_case(c, index, dtype)
            if case is not None:
                cases.append(case)
    write(cases, OUT)
    counts = {}
    for case in cases:
        key = (case["kind"], case["dtype"])
        counts[key] = counts.get(key, 0) + 1
    for (kind, dtype), n in sorted(counts.items()):
        print(f"{kind:7s} {dtype}: {n} cases")
    print(f"float32 self-check: worst |f32 - f64| / max(1, |f64|) = {WORST_F32[0]:.3g}")
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
