"""Writes the files that weights' tests read, with PyTorch 1.13 and NumPy.

    /usr/bin/python3 weights/testdata/make_testdata.py

module.safetensors: the state_dict of a small nn.Sequential(ConvTranspose2d,
BatchNorm2d) after one training step (so the BatchNorm statistics and its
int64 num_batches_tracked are real), plus the same convolution weight in
float64, float16 and bfloat16 and a bool mask.
module.json: every tensor of module.safetensors as torch sees it (dtype,
shape, and values converted by torch to float64 or int), for the test to
compare with.
weight_f32.npy, weight_f64.npy, mask.npy: numpy.save of three tensors.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_writer import save_file  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(7)
m = torch.nn.Sequential(torch.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1), torch.nn.BatchNorm2d(3))
opt = torch.optim.SGD(m.parameters(), lr=0.1)
x = torch.randn(4, 2, 3, 3)
loss = m(x).square().mean()
loss.backward()
opt.step()

tensors = dict(m.state_dict())
w = tensors["0.weight"]
tensors["extra.weight_f64"] = w.double()
tensors["extra.weight_f16"] = w.half()
tensors["extra.weight_bf16"] = w.bfloat16()
tensors["extra.mask"] = w > 0
save_file(tensors, os.path.join(here, "module.safetensors"), {"format": "pt"})

golden = {}
for name, t in sorted(tensors.items()):
    values = t.long().flatten().tolist() if t.dtype in (torch.int64, torch.bool) else t.double().flatten().tolist()
    golden[name] = {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "values": values}
with open(os.path.join(here, "module.json"), "w") as f:
    json.dump(golden, f, indent=1)
    f.write("\n")

np.save(os.path.join(here, "weight_f32.npy"), w.numpy())
np.save(os.path.join(here, "weight_f64.npy"), w.double().numpy())
np.save(os.path.join(here, "mask.npy"), (w > 0).numpy())
