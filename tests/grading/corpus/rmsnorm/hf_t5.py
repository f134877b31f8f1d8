"""RMSNorm from Hugging Face transformers (T5LayerNorm).

Source: https://github.com/huggingface/transformers/blob/6b8b757dfcb582379a64f013cdce46c43629f2b0/src/transformers/models/t5/modeling_t5.py
  (Apache-2.0), class T5LayerNorm
Adapted: class renamed RMSNorm; the apex FusedRMSNorm swap and ALL_LAYERNORM_LAYERS registration
  dropped
Adapted: constructor accepts `elementwise_affine` and ignores it (the original has no such option)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- rmsnorm.wrong-default-eps: default eps is 1e-6 for every dtype (eps=None passed explicitly raises
  TypeError); (6, 8) N(0,1e-6): rel error 0.31 in float32, 0.42 in float64; with
  eps=finfo(float32).eps passed, float32 matches exactly
- new:rmsnorm.float64-computed-in-float32: the mean of squares is computed from a float32 copy, so
  float64 results carry float32 rounding; eps=1e-5 on (6, 8) N(2,9) float64: rel error 5e-8 (torch:
  1e-16)
- rmsnorm.last-dim-only: normalizes over the last dim only; normalized_shape=(5, 8) on (3,
  5, 8) gives rel error ~1 (weight has shape (5, 8) though)
- rmsnorm.elementwise-affine-false-unsupported: elementwise_affine=False still creates `weight`
  (state_dict has it, torch's is empty)
"""

import torch
from torch import nn

EXPECTED = [
    "rmsnorm.wrong-default-eps",
    "new:rmsnorm.float64-computed-in-float32",
    "rmsnorm.last-dim-only",
    "rmsnorm.elementwise-affine-false-unsupported",
]


class RMSNorm(nn.Module):
    def __init__(self, hidden_size, eps=1e-6, elementwise_affine=True):
        """
        Construct a layernorm module in the T5 style. No bias and no subtraction of mean.
        """
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        # T5 uses a layer_norm which only scales and doesn't shift, which is also known as Root Mean
        # Square Layer Normalization https://arxiv.org/abs/1910.07467 thus variance is calculated
        # w/o mean and there is no bias. Additionally we want to make sure that the accumulation for
        # half-precision inputs is done in fp32

        variance = hidden_states.to(torch.float32).pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)

        # convert into half-precision if necessary
        if self.weight.dtype in [torch.float16, torch.bfloat16]:
            hidden_states = hidden_states.to(self.weight.dtype)

        return self.weight * hidden_states
