"""Dropout from Dive into Deep Learning (d2l-en), section 5.6 "Dropout" (PyTorch tab).

Source: https://github.com/d2l-ai/d2l-en/blob/c6134986f1d191cb41a745557acc405311da56f6/chapter_multilayer-perceptrons/dropout.md
  (MIT-0 sample code, LICENSE-SAMPLECODE), `dropout_layer`
Adapted:
- the function has no train/eval flag: it is wrapped in the drill's `Dropout` module, which calls
  it only when `self.training` (as the book's DropoutMLPScratch.forward does) and otherwise
  returns x
- constructor takes the drill's signature; `inplace` is accepted and ignored (no such option)
- the book's one-line `if dropout == 1: return ...` split in two by ruff format
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- dropout.p-not-validated: Dropout(p=1.5) and Dropout(p=-0.1) construct fine;
  the first training forward raises AssertionError (torch raises ValueError in the constructor)
- dropout.inplace-not-honoured: inplace=True returns a new tensor and leaves the input unchanged
"""

import torch
from torch import nn

EXPECTED = ["dropout.p-not-validated", "dropout.inplace-not-honoured"]


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    mask = (torch.rand(X.shape) > dropout).float()
    return mask * X / (1.0 - dropout)


class Dropout(nn.Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        self.p = p
        self.inplace = inplace

    def forward(self, x):
        if self.training:
            return dropout_layer(x, self.p)
        return x
