"""LayerNorm from Andrej Karpathy's llm.c (the PyTorch reference in the LayerNorm tutorial).

Source: https://github.com/karpathy/llm.c/blob/07bf4ce08b789effa05ffead233cc3a943701aed/doc/layernorm/layernorm.py
  (MIT), class LayerNorm (static forward/backward) and module-level eps
Adapted: the original class LayerNorm (static forward/backward on explicit w, b) renamed
  LayerNormOps
Adapted: added _LayerNormFunction (torch.autograd.Function) so autograd uses the hand-written
  backward; the cache is kept on ctx
Adapted: added the module LayerNorm that owns `weight`/`bias` parameters and calls the function
Adapted: the module accepts `eps`, `elementwise_affine` and `bias` and ignores them (the original
  uses the global eps = 1e-5)
Adapted: the test and file-writing code after the class dropped
Adapted: `# noqa: RUF059` added on the `B, T, C = x.size()` line (B, T unused)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- interface:layernorm.3d-input-only: `B, T, C = x.size()` raises ValueError for (6, 8) and (2, 4, 5,
  8) inputs; (3, 5, 8) forward and all gradients match torch (1e-16)
- layernorm.eps-argument-ignored: eps passed to the constructor has no effect (global 1e-5);
  eps=1e-3 on (3, 5, 8) N(0,1e-4) gives rel error 2.2
- layernorm.last-dim-only: reduces over the last dim only; normalized_shape=(5, 8) on (3,
  5, 8) gives rel error ~10-100, and backward fails (dw has shape (8,), weight (5, 8))
- layernorm.elementwise-affine-false-unsupported: elementwise_affine=False still creates weight and
  bias (state_dict has them, torch's is empty)
- layernorm.bias-flag-ignored: bias=False still creates a bias parameter (state_dict key `bias`
  torch lacks)
"""

import torch
from torch import nn

EXPECTED = [
    "interface:layernorm.3d-input-only",
    "layernorm.eps-argument-ignored",
    "layernorm.last-dim-only",
    "layernorm.elementwise-affine-false-unsupported",
    "layernorm.bias-flag-ignored",
]

eps = 1e-5


class LayerNormOps:
    @staticmethod
    def forward(x, w, b):
        B, T, C = x.size()  # noqa: RUF059
        mean = x.sum(-1, keepdim=True) / C  # B,T,1
        xshift = x - mean  # B,T,C
        var = (xshift**2).sum(-1, keepdim=True) / C  # B,T,1
        rstd = (var + eps) ** -0.5  # B,T,1
        norm = xshift * rstd  # B,T,C
        out = norm * w + b  # B,T,C

        cache = (x, w, mean, rstd)
        return out, cache

    @staticmethod
    def backward(dout, cache):
        x, w, mean, rstd = cache
        # recompute the norm (save memory at the cost of compute)
        norm = (x - mean) * rstd
        # gradients for weights, bias
        db = dout.sum((0, 1))
        dw = (dout * norm).sum((0, 1))
        # gradients for input
        dnorm = dout * w
        dx = dnorm - dnorm.mean(-1, keepdim=True) - norm * (dnorm * norm).mean(-1, keepdim=True)
        dx *= rstd
        return dx, dw, db


class _LayerNormFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w, b):
        out, cache = LayerNormOps.forward(x, w, b)
        ctx.cache = cache
        return out

    @staticmethod
    def backward(ctx, dout):
        return LayerNormOps.backward(dout, ctx.cache)


class LayerNorm(nn.Module):
    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(normalized_shape))
        self.bias = nn.Parameter(torch.zeros(normalized_shape))

    def forward(self, x):
        return _LayerNormFunction.apply(x, self.weight, self.bias)
