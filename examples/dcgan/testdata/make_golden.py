"""Writes golden.json: the DCGAN's two losses and their gradients, computed by PyTorch.

Run with a Python that has torch (1.13 was used):  python3 make_golden.py
The weights, latent vectors and "real" images are drawn here (seeded); the Go test binds them into the
example's graphs and compares its losses and gradients with the ones below. The networks are those of
generator.go and discriminator.go at Arch{Z: 8, GenWidth: 8, DiscWidth: 8}, batch 4, in float64.
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(20151119)  # the DCGAN paper's arXiv date
Z, CG, CD, N = 8, 8, 8, 4
f64 = torch.float64


def randn(*shape, mean=0.0, std=0.2):
    return (mean + std * torch.randn(*shape, dtype=f64)).requires_grad_()


W = {
    "g.project": randn(Z, CG, 7, 7),
    "g.bn0.scale": randn(1, CG, 1, 1, mean=1.0),
    "g.bn0.shift": randn(1, CG, 1, 1),
    "g.up1": randn(CG, CG // 2, 4, 4),
    "g.bn1.scale": randn(1, CG // 2, 1, 1, mean=1.0),
    "g.bn1.shift": randn(1, CG // 2, 1, 1),
    "g.up2": randn(CG // 2, 1, 4, 4),
    "d.conv1": randn(CD // 2, 1, 4, 4),
    "d.conv2": randn(CD, CD // 2, 4, 4),
    "d.bn2.scale": randn(1, CD, 1, 1, mean=1.0),
    "d.bn2.shift": randn(1, CD, 1, 1),
    "d.out": randn(1, CD, 7, 7),
}
z = torch.randn(N, Z, dtype=f64)
real = torch.rand(N, 1, 28, 28, dtype=f64) * 2 - 1


def bn(x, scale, shift, eps=1e-5):
    mean = x.mean((0, 2, 3), keepdim=True)
    var = ((x - mean) ** 2).mean((0, 2, 3), keepdim=True)  # biased, as in training mode
    return (x - mean) / torch.sqrt(var + eps) * scale + shift


def generator(z):
    x = z.reshape(N, Z, 1, 1)
    x = F.relu(bn(F.conv_transpose2d(x, W["g.project"]), W["g.bn0.scale"], W["g.bn0.shift"]))
    x = F.relu(bn(F.conv_transpose2d(x, W["g.up1"], stride=2, padding=1), W["g.bn1.scale"], W["g.bn1.shift"]))
    return torch.tanh(F.conv_transpose2d(x, W["g.up2"], stride=2, padding=1))


def discriminator(x):
    h = F.leaky_relu(F.conv2d(x, W["d.conv1"], stride=2, padding=1), 0.2)
    h = F.leaky_relu(bn(F.conv2d(h, W["d.conv2"], stride=2, padding=1), W["d.bn2.scale"], W["d.bn2.shift"]), 0.2)
    return F.conv2d(h, W["d.out"]).reshape(N)


def bce(logits, target):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


gnames = [k for k in W if k.startswith("g.")]
dnames = [k for k in W if k.startswith("d.")]
fake = generator(z)
d_loss = bce(discriminator(real), 1.0) + bce(discriminator(fake.detach()), 0.0)
d_grads = torch.autograd.grad(d_loss, [W[k] for k in dnames])
g_loss = bce(discriminator(fake), 1.0)
g_grads = torch.autograd.grad(g_loss, [W[k] for k in gnames])


def flat(t):
    return {"shape": list(t.shape), "data": [float(f"{v:.9g}") for v in t.detach().flatten().tolist()]}


out = {
    "arch": {"Z": Z, "GenWidth": CG, "DiscWidth": CD},
    "weights": {k: flat(v) for k, v in W.items()},
    "z": flat(z),
    "real": flat(real),
    "d_loss": d_loss.item(),
    "g_loss": g_loss.item(),
    "d_grads": {k: flat(g) for k, g in zip(dnames, d_grads)},
    "g_grads": {k: flat(g) for k, g in zip(gnames, g_grads)},
}
with open("golden.json", "w") as f:
    json.dump(out, f)
print("D loss", d_loss.item(), "G loss", g_loss.item())
