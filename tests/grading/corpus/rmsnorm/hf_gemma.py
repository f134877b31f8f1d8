"""RMSNorm from Hugging Face transformers (GemmaRMSNorm, scales by 1 + weight).

Source: https://github.com/huggingface/transformers/blob/0125ac68d92d1866341d531c52af7165af06f3e9/src/transformers/models/gemma/modeling_gemma.py
  (Apache-2.0), class GemmaRMSNorm
Adapted: class renamed RMSNorm
Adapted: constructor accepts `elementwise_affine` and ignores it (the original has no such option)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- new:rmsnorm.unit-offset-weight: the output is scaled by (1 + weight) and weight starts at zeros; a
  fresh layer matches a fresh torch layer, but any given weight w acts like torch's 1 + w (torch's
  state_dict loads but weights in [0.5, 1.5] then give 1.7-3x the output; the gradient wrt weight
  still matches)
- rmsnorm.wrong-default-eps: default eps is 1e-6 for every dtype (eps=None passed explicitly raises
  TypeError); (6, 8) N(0,1e-6) at weight 0: rel error 0.29 in float32, 0.27 in float64
- new:rmsnorm.float64-computed-in-float32: normalizes x.float() (and weight.float()) and casts back
  with type_as, so float64 results carry float32 rounding; eps=1e-5 on (6, 8) N(2,9) float64: rel
  error 1e-7 (torch: 1e-16)
- rmsnorm.last-dim-only: normalizes over the last dim only; normalized_shape=(5, 8) on (3,
  5, 8) gives rel error ~1 (weight has shape (5, 8) though)
- rmsnorm.elementwise-affine-false-unsupported: elementwise_affine=False still creates `weight`
  (state_dict has it, torch's is empty)
"""

import torch
from torch import nn

EXPECTED = [
    "new:rmsnorm.unit-offset-weight",
    "rmsnorm.wrong-default-eps",
    "new:rmsnorm.float64-computed-in-float32",
    "rmsnorm.last-dim-only",
    "rmsnorm.elementwise-affine-false-unsupported",
]


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6, elementwise_affine=True):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.zeros(dim))

    def _norm(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)

    def forward(self, x):
        output = self._norm(x.float())
        # Llama does x.to(float16) * w whilst Gemma is (x * w).to(float16)
        # See https://github.com/huggingface/transformers/pull/29402
        output = output * (1.0 + self.weight.float())
        return output.type_as(x)

    def extra_repr(self):
        return f"{tuple(self.weight.shape)}, eps={self.eps}"
