"""LayerNorm from Umar Jamil's "Coding a Transformer from scratch" (hkproj/pytorch-transformer).

Source: https://github.com/hkproj/pytorch-transformer/blob/023b8a0be4ad9cc50ee62c0db9880dc76da9c0ad/model.py
  (no license file found), class LayerNormalization
Adapted: class renamed LayerNorm
Adapted: constructor accepts `normalized_shape`, `elementwise_affine` and `bias` and ignores them
  (the original takes only eps)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- layernorm.param-shape: weight and bias have shape (1,) (one scalar each), not
  normalized_shape; torch's state_dict does not load (size mismatch) and per-feature weights cannot
  be expressed
- layernorm.unbiased-variance: x.std() is the unbiased std; with affine off, (6, 8) N(2,9) float64
  output is off by sqrt(8/7)-1 = 6.46% relative
- layernorm.eps-outside-sqrt: divides by std + eps; eps=1e-3 on N(0,1e-4) inputs gives rel error 2.2
- new:layernorm.wrong-default-eps: default eps is 1e-6, not 1e-5; on N(0,1e-6) inputs the layer's
  own default vs eps=1e-5 differ by 1.3% relative
- layernorm.last-dim-only: always reduces over the last dim only; normalized_shape=(5, 8)
  on (3, 5, 8) gives rel error ~50
- layernorm.elementwise-affine-false-unsupported: elementwise_affine=False still creates weight and
  bias (state_dict has them, torch's is empty)
- layernorm.bias-flag-ignored: bias=False still creates a bias parameter (state_dict key `bias`
  torch lacks)
- layernorm.param-names: parameters are alpha/bias, so torch's state_dict does not load (torch
  has weight/bias)
"""

import torch
from torch import nn

EXPECTED = [
    "layernorm.param-shape",
    "layernorm.unbiased-variance",
    "layernorm.eps-outside-sqrt",
    "new:layernorm.wrong-default-eps",
    "layernorm.last-dim-only",
    "layernorm.elementwise-affine-false-unsupported",
    "layernorm.bias-flag-ignored",
    "layernorm.param-names",
]


class LayerNorm(nn.Module):
    def __init__(self, normalized_shape, eps: float = 10**-6, elementwise_affine=True, bias=True):
        super().__init__()
        self.eps = eps
        self.alpha = nn.Parameter(torch.ones(1))  # alpha is a learnable parameter
        self.bias = nn.Parameter(torch.zeros(1))  # bias is a learnable parameter

    def forward(self, x):
        # x: (batch, seq_len, hidden_size)
        # Keep the dimension for broadcasting
        mean = x.mean(dim=-1, keepdim=True)  # (batch, seq_len, 1)
        # Keep the dimension for broadcasting
        std = x.std(dim=-1, keepdim=True)  # (batch, seq_len, 1)
        # eps is to prevent dividing by zero or when std is very small
        return self.alpha * (x - mean) / (std + self.eps) + self.bias
