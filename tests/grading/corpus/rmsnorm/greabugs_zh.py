"""RMSNorm from GreaBugs/Daily-Code-Warehouse (a Chinese deep-learning basics notebook).

Source: https://github.com/GreaBugs/Daily-Code-Warehouse/blob/6b7dffaf5d82494a6968b0e53dddd8e80ea7b117/深度学习基础/6.CNN组件/03RMSNorm.py
  (no license file found), class RMSNorm
Adapted: constructor accepts `elementwise_affine` and ignores it (the original has no such option)
Adapted: `super(RMSNorm, self).__init__()` written `super().__init__()` (ruff UP008)
Adapted: the `from Python._logging import create_logger` import and the __main__ comparison block
  dropped
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- new:rmsnorm.normalizes-all-non-batch-dims: reduces over dims 1..n-1 whatever normalized_shape is;
  normalized_shape=(8,) on (3, 5, 8) float64 N(2,9): rel error 0.41 ((6, 8) inputs and (5, 8) on (3,
  5, 8) reduce over the right dims)
- rmsnorm.wrong-default-eps: default eps is 1e-8 for every dtype (eps=None passed explicitly raises
  TypeError); (6, 8) N(0,1e-6): rel error 0.11 in float32 and float64; with eps=finfo(dtype).eps
  passed, both match
- interface:rmsnorm.int-shape-unsupported: an int normalized_shape raises TypeError
  (torch.ones(tuple(8))); only tuples/lists work
- rmsnorm.elementwise-affine-false-unsupported: elementwise_affine=False still creates `weight`
  (state_dict has it, torch's is empty)
"""

import torch
from torch import nn

EXPECTED = [
    "new:rmsnorm.normalizes-all-non-batch-dims",
    "rmsnorm.wrong-default-eps",
    "interface:rmsnorm.int-shape-unsupported",
    "rmsnorm.elementwise-affine-false-unsupported",
]


# 定义RMSNorm层
class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-8, elementwise_affine=True):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(tuple(dim)))

    def forward(self, x):
        # x: (bs, seq_n, dim)
        # 计算均方根
        _dim = [i for i in range(1, len(x.shape))]

        norm = torch.sqrt(torch.mean(x**2, dim=_dim, keepdim=True) + self.eps)
        return self.weight * x / norm
