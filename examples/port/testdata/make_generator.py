"""Trains a tiny DCGAN-style generator in PyTorch 1.13 and saves what the Go
port needs to reproduce it:

    /usr/bin/python3 examples/port/testdata/make_generator.py

generator.safetensors  the state_dict (ConvTranspose2d weights and bias,
                       BatchNorm2d affine parameters and running statistics)
z.npy                  a fixed batch of latent vectors, (4, 8, 1, 1)
want.npy               torch's output for z in eval mode, (4, 1, 16, 16)

The generator is trained for 30 Adam steps in train mode against random
targets, so that its weights have moved from their initialisation and its
BatchNorm running statistics are real. Everything is float32, seeded, and
runs in a second on a CPU.
"""
import os
import sys

import numpy as np
import torch
from torch import nn

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "weights", "testdata"))
from safetensors_writer import save_file  # noqa: E402

torch.manual_seed(2016)
torch.set_num_threads(1)

# z (N, 8, 1, 1) -> (N, 16, 4, 4) -> (N, 8, 8, 8) -> (N, 1, 16, 16)
generator = nn.Sequential(
    nn.ConvTranspose2d(8, 16, kernel_size=4, stride=1, padding=0, bias=False),
    nn.BatchNorm2d(16),
    nn.ReLU(),
    nn.ConvTranspose2d(16, 8, kernel_size=4, stride=2, padding=1, bias=False),
    nn.BatchNorm2d(8),
    nn.ReLU(),
    nn.ConvTranspose2d(8, 1, kernel_size=3, stride=2, padding=1, output_padding=1),
    nn.Tanh(),
)

opt = torch.optim.Adam(generator.parameters(), lr=2e-3, betas=(0.5, 0.999))
targets = torch.rand(32, 1, 16, 16) * 2 - 1
generator.train()
for step in range(30):
    z = torch.randn(32, 8, 1, 1)
    loss = (generator(z) - targets).square().mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"loss after 30 steps: {loss.item():.4f}")

generator.eval()
z = torch.randn(4, 8, 1, 1)
with torch.no_grad():
    want = generator(z)

save_file(generator.state_dict(), os.path.join(here, "generator.safetensors"),
          {"format": "pt", "model": "tiny DCGAN generator", "torch": torch.__version__})
np.save(os.path.join(here, "z.npy"), z.numpy())
np.save(os.path.join(here, "want.npy"), want.numpy())
print("state_dict:", {k: tuple(v.shape) for k, v in generator.state_dict().items()})
