"""GroupNorm from tinygrad (nn.GroupNorm and Tensor.layernorm), ported to torch.

Source: https://github.com/tinygrad/tinygrad/blob/a9069c177a9da9cca18593edf55acd2e6073cca6/tinygrad/nn/__init__.py
  (MIT), class GroupNorm; Tensor.layernorm from tinygrad/mixin/op.py at the same commit
Adapted: class is an nn.Module; __call__ renamed forward
Adapted: Tensor.ones/Tensor.zeros replaced by nn.Parameter(torch.ones/zeros(...))
Adapted: x.reshape(...).layernorm(eps=...) written layernorm(x.reshape(...), eps=...), a
  module-level function with the body of Tensor.layernorm
Adapted: docstrings and type annotations dropped
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
(none: every configuration, shape, dtype and gradient matched torch; this is one of the correct
  entries)
"""

import torch
from torch import nn

EXPECTED = []


def layernorm(self, axis=-1, eps: float = 1e-5):
    y = self - self.mean(axis, keepdim=True)
    return y.mul((y * y).mean(axis, keepdim=True).add(eps).rsqrt())


class GroupNorm(nn.Module):
    def __init__(self, num_groups: int, num_channels: int, eps=1e-5, affine=True):
        super().__init__()
        self.num_groups, self.num_channels, self.eps = num_groups, num_channels, eps
        self.weight = nn.Parameter(torch.ones(num_channels)) if affine else None
        self.bias = nn.Parameter(torch.zeros(num_channels)) if affine else None

    def forward(self, x):
        # reshape for layernorm to work as group norm
        # subtract mean and divide stddev
        x = layernorm(x.reshape(x.shape[0], self.num_groups, -1), eps=self.eps).reshape(x.shape)

        if self.weight is None or self.bias is None:
            return x
        # elementwise_affine on channels
        return x * self.weight.reshape(1, -1, *[1] * (x.ndim - 2)) + self.bias.reshape(
            1, -1, *[1] * (x.ndim - 2)
        )
