"""Dropout layer from a numpy CNN student project (M1_CNN) by nilbahaaeddine.

Source: https://github.com/nilbahaaeddine/M1_CNN/blob/011ef05fd69ad2b0832a0b629242c509df7a55a6/src/classes/dropout.py
  (no license file), `Dropout`
Adapted:
- subclasses nn.Module instead of a plain class; backprop is dropped
- constructor takes the drill's signature: the required drop_probability argument becomes p
  with the drill's default 0.5 (the original has no default) and is stored as
  self.drop_probability; `inplace` is accepted and ignored (no such option)
- np.random.binomial(1, q, size=shape) -> torch.bernoulli(torch.full(shape, q))
- the original has no train/eval flag, so forward drops in both modes, as it did
- `# noqa: RET504` on the original's `out = ...; return out`
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- dropout.p-is-keep: keeps each element with probability p and divides by p: drop rate 0.80 at
  p=0.2 and 0.20 at p=0.8 (kept/x = 5.0 and 1.25); p=1 returns x unchanged
- dropout.active-in-eval: eval mode still drops and rescales (y/x in {0, 2} at p=0.5)
- dropout.p0-not-handled: p=0 returns all NaN (nothing kept, then 0 / 0); torch returns x
- dropout.p-not-validated: Dropout(p=1.5) and Dropout(p=-0.1) construct fine; forward then
  fails inside torch.bernoulli with RuntimeError; torch raises ValueError
- dropout.inplace-not-honoured: inplace=True returns a new tensor and leaves the input unchanged
"""

import torch
from torch import nn

EXPECTED = [
    "dropout.p-is-keep",
    "dropout.active-in-eval",
    "dropout.p0-not-handled",
    "dropout.p-not-validated",
    "dropout.inplace-not-honoured",
]


class Dropout(nn.Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        self.drop_probability = p
        self.mask = None

    def forward(self, input):
        mask = (
            torch.bernoulli(torch.full(input.shape, self.drop_probability)) / self.drop_probability
        )
        self.mask = mask
        out = input * mask
        return out  # noqa: RET504
