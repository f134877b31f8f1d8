"""RMSNorm from Hugging Face transformers (LlamaRMSNorm).

Source: https://github.com/huggingface/transformers/blob/002272831fba584eb30dca9729c1be456836960a/src/transformers/models/llama/modeling_llama.py
  (Apache-2.0), class LlamaRMSNorm
Adapted: class renamed RMSNorm; the ALL_LAYERNORM_LAYERS registration dropped
Adapted: constructor accepts `elementwise_affine` and ignores it (the original has no such option)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- rmsnorm.wrong-default-eps: default eps is 1e-6 for every dtype (eps=None passed explicitly raises
  TypeError); (6, 8) N(0,1e-6): rel error 0.33 in float32, 0.71 in float64; with
  eps=finfo(float32).eps passed, float32 matches exactly
- new:rmsnorm.float64-computed-in-float32: casts the input to float32 and back, so float64 results
  carry float32 rounding; eps=1e-5 on (6, 8) N(2,9) float64: rel error 1e-7 (torch: 1e-16)
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
        LlamaRMSNorm is equivalent to T5LayerNorm
        """
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        input_dtype = hidden_states.dtype
        hidden_states = hidden_states.to(torch.float32)
        variance = hidden_states.pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)
        return self.weight * hidden_states.to(input_dtype)
