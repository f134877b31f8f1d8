"""GroupNorm from taokong/group_normalization (GroupBatchnorm2d, later copied into SCConv).

Source: https://github.com/taokong/group_normalization/blob/31ea5fbe83a86d4321190dbb27a79ae399452b33/group_norm.py
  (no license file found), class GroupBatchnorm2d
Adapted: class renamed GroupNorm
Adapted: constructor (c_num, group_num=16, eps=1e-10) reordered to (group_num, c_num, eps=1e-10,
  affine=True) to fit the drill's positional order; group_num loses its default; `affine` is
  accepted and ignored
Adapted: `super(GroupBatchnorm2d, self).__init__()` written `super().__init__()` (ruff UP008)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- groupnorm.param-shape: weight and bias have shape (C, 1, 1), not (C,); torch's
  state_dict does not load (size mismatch)
- groupnorm.unbiased-variance: x.std() is the unbiased std; (4, 6, 3, 3) N(2,9), 2 groups of 27
  values, no affine: rel error 1.87% (= sqrt(27/26) - 1)
- groupnorm.eps-outside-sqrt: divides by std + eps; eps=1e-3 on (4, 6, 3, 3) N(0,1e-4): rel error
  ~45
- new:groupnorm.wrong-default-eps: default eps is 1e-10, not 1e-5; on N(0,1e-6) inputs the layer's
  own default vs eps=1e-5 differ by 0.98% relative (0.1% on N(0,1e-4))
- interface:groupnorm.4d-input-only: `N, C, H, W = x.size()` raises ValueError for (N, C), (N, C, L)
  and 5-D inputs
- groupnorm.affine-false-unsupported: affine=False still creates weight and bias (state_dict has
  them, torch's is empty)
- groupnorm.param-names: parameters are gamma/beta, so torch's state_dict does not load (torch
  has weight/bias)
"""

import torch
from torch import nn

EXPECTED = [
    "groupnorm.param-shape",
    "groupnorm.unbiased-variance",
    "groupnorm.eps-outside-sqrt",
    "new:groupnorm.wrong-default-eps",
    "interface:groupnorm.4d-input-only",
    "groupnorm.affine-false-unsupported",
    "groupnorm.param-names",
]


class GroupNorm(nn.Module):
    def __init__(self, group_num, c_num, eps=1e-10, affine=True):
        super().__init__()
        self.group_num = group_num
        self.gamma = nn.Parameter(torch.ones(c_num, 1, 1))
        self.beta = nn.Parameter(torch.zeros(c_num, 1, 1))
        self.eps = eps

    def forward(self, x):
        N, C, H, W = x.size()

        x = x.view(N, self.group_num, -1)

        self.mean = x.mean(dim=2, keepdim=True)
        self.std = x.std(dim=2, keepdim=True)

        x = (x - self.mean) / (self.std + self.eps)
        x = x.view(N, C, H, W)

        return x * self.gamma + self.beta
