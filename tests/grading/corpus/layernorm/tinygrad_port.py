"""LayerNorm from tinygrad (nn.LayerNorm and Tensor.layernorm), ported to torch.

Source: https://github.com/tinygrad/tinygrad/blob/a9069c177a9da9cca18593edf55acd2e6073cca6/tinygrad/nn/__init__.py
  (MIT), class LayerNorm; Tensor.layernorm from tinygrad/mixin/op.py at the same commit
Adapted: class is an nn.Module; __call__ renamed forward
Adapted: Tensor.ones/Tensor.zeros replaced by nn.Parameter(torch.ones/zeros(...))
Adapted: the Tensor.layernorm method written as a module-level function layernorm(self, axis, eps)
  with the same body
Adapted: make_tuple(normalized_shape, 1) inlined as the equivalent int/tuple conversion
Adapted: constructor accepts `bias` and ignores it (the original has no such option)
Adapted: docstrings and type annotations dropped
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- layernorm.bias-flag-ignored: bias=False still creates a bias parameter (state_dict key `bias`
  torch lacks); every other configuration matches torch (float64 to 2e-16)
"""

import torch
from torch import nn

EXPECTED = ["layernorm.bias-flag-ignored"]


def layernorm(self, axis=-1, eps: float = 1e-5):
    y = self - self.mean(axis, keepdim=True)
    return y.mul((y * y).mean(axis, keepdim=True).add(eps).rsqrt())


class LayerNorm(nn.Module):
    def __init__(
        self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True, bias=True
    ):
        super().__init__()
        self.normalized_shape = (
            (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        )
        self.axis, self.eps = tuple(-1 - i for i in range(len(self.normalized_shape))), eps
        self.weight = (
            nn.Parameter(torch.ones(*self.normalized_shape)) if elementwise_affine else None
        )
        self.bias = (
            nn.Parameter(torch.zeros(*self.normalized_shape)) if elementwise_affine else None
        )

    def forward(self, x):
        assert self.normalized_shape == x.shape[-len(self.normalized_shape) :], (
            f"last dimensions of {x.shape} must match {self.normalized_shape}"
        )
        x = layernorm(x, eps=self.eps, axis=self.axis)
        if self.weight is None or self.bias is None:
            return x
        return x * self.weight + self.bias
