"""GroupNorm from Lyken17/GroupNorm.pytorch.

Source: https://github.com/Lyken17/GroupNorm.pytorch/blob/7c3dc2ae06c6003614dedc13681e4a3ba4e80c14/group_norm.py
  (no license file found), class GroupNorm
Adapted: constructor (num_features, num_groups=32, eps=1e-5) reordered to (num_groups, num_features,
  eps=1e-5, affine=True) to fit the drill's positional order; num_groups loses its default; `affine`
  is accepted and ignored
Adapted: `super(GroupNorm, self).__init__()` written `super().__init__()` (ruff UP008); unused `from
  torch.nn import Parameter` and the GroupNormMoving class dropped
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- groupnorm.param-shape: weight and bias have shape (1, C, 1, 1), not (C,); torch's
  state_dict does not load (size mismatch)
- groupnorm.unbiased-variance: x.var() is the unbiased variance; (4, 6, 3, 3) N(2,9), 2 groups of 27
  values, no affine: rel error 1.87% (= sqrt(27/26) - 1)
- interface:groupnorm.4d-input-only: `N, C, H, W = x.size()` raises ValueError for (N, C), (N, C, L)
  and 5-D inputs
- groupnorm.affine-false-unsupported: affine=False still creates weight and bias (state_dict has
  them, torch's is empty)
"""

import torch
from torch import nn

EXPECTED = [
    "groupnorm.param-shape",
    "groupnorm.unbiased-variance",
    "interface:groupnorm.4d-input-only",
    "groupnorm.affine-false-unsupported",
]


class GroupNorm(nn.Module):
    def __init__(self, num_groups, num_features, eps=1e-5, affine=True):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(1, num_features, 1, 1))
        self.bias = nn.Parameter(torch.zeros(1, num_features, 1, 1))
        self.num_groups = num_groups
        self.eps = eps

    def forward(self, x):
        N, C, H, W = x.size()
        G = self.num_groups
        assert C % G == 0

        x = x.view(N, G, -1)
        mean = x.mean(-1, keepdim=True)
        var = x.var(-1, keepdim=True)

        x = (x - mean) / (var + self.eps).sqrt()
        x = x.view(N, C, H, W)
        return x * self.weight + self.bias
