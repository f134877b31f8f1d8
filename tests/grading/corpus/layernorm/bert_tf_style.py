"""LayerNorm from Hugging Face pytorch-pretrained-BERT (BertLayerNorm, "TF style").

Source: https://github.com/huggingface/transformers/blob/056789566f230076b7a133e0b04dfd0f452d5455/pytorch_pretrained_bert/modeling.py
  (Apache-2.0), class BertLayerNorm (the fallback defined when apex is missing)
Adapted: class renamed LayerNorm (module-level instead of inside `except ImportError:`)
Adapted: constructor accepts `elementwise_affine` and `bias` and ignores them (the original has no
  such options)
Adapted: `super(BertLayerNorm, self).__init__()` written `super().__init__()` (ruff UP008)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- new:layernorm.wrong-default-eps: default eps is 1e-12, not 1e-5; default layer vs torch on (3, 5,
  8) float64: N(2,9) rel 1.6e-6, N(0,1e-4) rel 0.11, N(0,1e-6) rel 1.9 (with eps=1e-3 passed it
  matches to 2e-16)
- layernorm.last-dim-only: always reduces over the last dim only; normalized_shape=(5, 8)
  on (3, 5, 8) gives rel error ~20-3000
- layernorm.elementwise-affine-false-unsupported: elementwise_affine=False still creates weight and
  bias (state_dict has them, torch's is empty)
- layernorm.bias-flag-ignored: bias=False still creates a bias parameter (state_dict key `bias`
  torch lacks)
"""

import torch
from torch import nn

EXPECTED = [
    "new:layernorm.wrong-default-eps",
    "layernorm.last-dim-only",
    "layernorm.elementwise-affine-false-unsupported",
    "layernorm.bias-flag-ignored",
]


class LayerNorm(nn.Module):
    def __init__(self, hidden_size, eps=1e-12, elementwise_affine=True, bias=True):
        """Construct a layernorm module in the TF style (epsilon inside the square root)."""
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.bias = nn.Parameter(torch.zeros(hidden_size))
        self.variance_epsilon = eps

    def forward(self, x):
        u = x.mean(-1, keepdim=True)
        s = (x - u).pow(2).mean(-1, keepdim=True)
        x = (x - u) / torch.sqrt(s + self.variance_epsilon)
        return self.weight * x + self.bias
