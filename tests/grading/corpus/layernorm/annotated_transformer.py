"""LayerNorm from The Annotated Transformer (Harvard NLP).

Source: https://github.com/harvardnlp/annotated-transformer/blob/debc9fd747bb2123160a98046ad1c2d4da44a567/the_annotated_transformer.py
  (MIT), class LayerNorm
Adapted: first argument `features` renamed `normalized_shape`
Adapted: constructor accepts `elementwise_affine` and `bias` and ignores them (the original has no
  such options)
Adapted: `super(LayerNorm, self).__init__()` written `super().__init__()` (ruff UP008)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- layernorm.unbiased-variance: x.std() is the unbiased std; with affine off, (6, 8) N(2,9) float64
  output is off by exactly sqrt(8/7)-1 = 6.46% relative
- layernorm.eps-outside-sqrt: divides by std + eps; eps=1e-3 on N(0,1e-4) inputs gives rel error 2.1
  (1.0 of it beyond the 6.5% from the std)
- new:layernorm.wrong-default-eps: default eps is 1e-6, not 1e-5; on N(0,1e-6) inputs the layer's
  own default vs eps=1e-5 differ by 1.2% relative
- layernorm.last-dim-only: always reduces over the last dim only; normalized_shape=(5, 8)
  on (3, 5, 8) gives rel error ~20-3000 (weight has shape (5, 8) though)
- layernorm.elementwise-affine-false-unsupported: elementwise_affine=False still creates weight and
  bias (state_dict has them, torch's is empty)
- layernorm.bias-flag-ignored: bias=False still creates a bias parameter (state_dict key `bias`
  torch lacks)
- layernorm.param-names: parameters are a_2/b_2, so torch's state_dict does not load (torch has
  weight/bias)
"""

import torch
from torch import nn

EXPECTED = [
    "layernorm.unbiased-variance",
    "layernorm.eps-outside-sqrt",
    "new:layernorm.wrong-default-eps",
    "layernorm.last-dim-only",
    "layernorm.elementwise-affine-false-unsupported",
    "layernorm.bias-flag-ignored",
    "layernorm.param-names",
]


class LayerNorm(nn.Module):
    "Construct a layernorm module (See citation for details)."

    def __init__(self, normalized_shape, eps=1e-6, elementwise_affine=True, bias=True):
        super().__init__()
        self.a_2 = nn.Parameter(torch.ones(normalized_shape))
        self.b_2 = nn.Parameter(torch.zeros(normalized_shape))
        self.eps = eps

    def forward(self, x):
        mean = x.mean(-1, keepdim=True)
        std = x.std(-1, keepdim=True)
        return self.a_2 * (x - mean) / (std + self.eps) + self.b_2
