"""RMSNorm from Meta's Llama 2 inference code (llama/model.py).

Source: https://github.com/meta-llama/llama/blob/8580eb9a896bdb82d376b7040d18a2e7b402b10f/llama/model.py
  (Llama 2 Community License), class RMSNorm
Adapted: constructor accepts `elementwise_affine` and ignores it (the original has no such option)
Adapted: docstrings dropped
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- rmsnorm.wrong-default-eps: default eps is 1e-6 for every dtype (eps=None passed explicitly raises
  TypeError); (6, 8) N(0,1e-6): rel error 0.28 in float32, 0.35 in float64; with
  eps=finfo(float32).eps passed, float32 matches exactly
- new:rmsnorm.float64-computed-in-float32: normalizes x.float() and casts back with type_as, so
  float64 results carry float32 rounding; eps=1e-5 on (6, 8) N(2,9) float64: rel error 8e-8 (torch:
  1e-16)
- rmsnorm.last-dim-only: normalizes over the last dim only; normalized_shape=(5, 8) on (3,
  5, 8) gives rel error ~1 (weight has shape (5, 8) though)
- rmsnorm.elementwise-affine-false-unsupported: elementwise_affine=False still creates `weight`
  (state_dict has it, torch's is empty)
"""

import torch
from torch import nn

EXPECTED = [
    "rmsnorm.wrong-default-eps",
    "new:rmsnorm.float64-computed-in-float32",
    "rmsnorm.last-dim-only",
    "rmsnorm.elementwise-affine-false-unsupported",
]


class RMSNorm(torch.nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6, elementwise_affine=True):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def _norm(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)

    def forward(self, x):
        output = self._norm(x.float()).type_as(x)
        return output * self.weight
