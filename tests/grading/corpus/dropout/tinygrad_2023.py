"""Tensor.dropout from tinygrad (December 2023).

Source: https://github.com/tinygrad/tinygrad/blob/2dc99af169532b08f91bb4b906565529bf112b03/tinygrad/tensor.py
  (MIT), `Tensor.dropout`
Adapted:
- the Tensor method became the drill's `Dropout` module: self -> x, the argument p is bound
  from self.p (`p = self.p`), Tensor.training -> self.training
- Tensor.rand(*shape, requires_grad=False, device=...) -> torch.rand(same arguments)
- constructor takes the drill's signature; `inplace` is accepted and ignored (no such option)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- dropout.p1-not-handled: p=1 in training raises ZeroDivisionError (1 / (1.0 - p));
  torch returns zeros
- dropout.p-not-validated: Dropout(p=1.5) and Dropout(p=-0.1) construct and run with no
  error (p=1.5 zeroes everything, p=-0.1 keeps everything times 1/1.1); torch raises ValueError
- dropout.inplace-not-honoured: inplace=True returns a new tensor and leaves the input unchanged
"""

import torch
from torch import nn

EXPECTED = [
    "dropout.p1-not-handled",
    "dropout.p-not-validated",
    "dropout.inplace-not-honoured",
]


class Dropout(nn.Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        self.p = p
        self.inplace = inplace

    def forward(self, x):
        p = self.p
        if not self.training or p == 0:
            return x
        return (
            x * (torch.rand(*x.shape, requires_grad=False, device=x.device) >= p) * (1 / (1.0 - p))
        )
