"""RMSNorm from the RMSNorm paper's reference code (Zhang & Sennrich 2019, rmsnorm_torch.py).

Source: https://github.com/bzhangGo/rmsnorm/blob/c6691f20ec0af4128c8159c903071f7575404295/rmsnorm_torch.py
  (BSD-3-Clause), class RMSNorm
Adapted: constructor reordered to (d, eps=1e-8, elementwise_affine=True, p=-1.0, bias=False) so the
  drill's eps keyword and positions fit; `elementwise_affine` is accepted and ignored
Adapted: a 1-tuple normalized_shape such as (8,) is unpacked to the int d the original expects
  (marked "glue"); larger tuples are passed through unchanged
Adapted: `super(RMSNorm, self).__init__()` written `super().__init__()` (ruff UP008); __future__
  imports dropped
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- rmsnorm.eps-outside-sqrt: divides by rms + eps; eps=1e-5 on (6, 8) N(0,1e-4) float64: rel error
  0.15
- rmsnorm.wrong-default-eps: default eps is 1e-8 for every dtype (eps=None passed explicitly raises
  TypeError); (6, 8) N(0,1e-6): rel error 0.10 in float32, 3e-5 in float64, N(2,9) float64: 3.5e-9
- rmsnorm.last-dim-only: only an int size is supported; normalized_shape=(5, 8) raises
  TypeError in forward (tuple ** float)
- rmsnorm.elementwise-affine-false-unsupported: elementwise_affine=False still creates `weight`
  (state_dict has it, torch's is empty)
- rmsnorm.param-names: the parameter is scale (plus offset when bias=True), so torch's
  state_dict does not load (torch has weight)
"""

import torch
from torch import nn

EXPECTED = [
    "rmsnorm.eps-outside-sqrt",
    "rmsnorm.wrong-default-eps",
    "rmsnorm.last-dim-only",
    "rmsnorm.elementwise-affine-false-unsupported",
    "rmsnorm.param-names",
]


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-8, elementwise_affine=True, p=-1.0, bias=False):
        """
            Root Mean Square Layer Normalization
        :param d: model size
        :param p: partial RMSNorm, valid value [0, 1], default -1.0 (disabled)
        :param eps:  epsilon value, default 1e-8
        :param bias: whether use bias term for RMSNorm, disabled by
            default because RMSNorm doesn't enforce re-centering invariance.
        """
        super().__init__()
        d = d[0] if isinstance(d, tuple) and len(d) == 1 else d  # glue: drill passes (8,)

        self.eps = eps
        self.d = d
        self.p = p
        self.bias = bias

        self.scale = nn.Parameter(torch.ones(d))
        self.register_parameter("scale", self.scale)

        if self.bias:
            self.offset = nn.Parameter(torch.zeros(d))
            self.register_parameter("offset", self.offset)

    def forward(self, x):
        if self.p < 0.0 or self.p > 1.0:
            norm_x = x.norm(2, dim=-1, keepdim=True)
            d_x = self.d
        else:
            partial_size = int(self.d * self.p)
            partial_x, _ = torch.split(x, [partial_size, self.d - partial_size], dim=-1)

            norm_x = partial_x.norm(2, dim=-1, keepdim=True)
            d_x = partial_size

        rms_x = norm_x * d_x ** (-1.0 / 2)
        x_normed = x / (rms_x + self.eps)

        if self.bias:
            return self.scale * x_normed + self.offset

        return self.scale * x_normed
