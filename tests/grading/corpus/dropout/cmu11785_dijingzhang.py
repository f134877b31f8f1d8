"""Dropout from a CMU 11-785 (Introduction to Deep Learning) homework solution by dijingzhang.

Source: https://github.com/dijingzhang/DeepLearning/blob/06bb86c977d0727c0a580722211bc88f24d1b67a/mytorch/dropout.py
  (no license file), `Dropout`
Adapted:
- subclasses nn.Module instead of object; __call__ and backward are dropped
- forward(x, train=True) -> forward(x), with train = self.training
- np.random.binomial(1, self.p, x.shape) -> torch.bernoulli(torch.full(x.shape, self.p))
- constructor also accepts `inplace` and ignores it (no such option)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- dropout.p-is-keep: keeps each element with probability p and divides by p: drop rate 0.80 at
  p=0.2 and 0.20 at p=0.8 (kept/x = 5.0 and 1.25); p=1 returns x unchanged in training
- dropout.inplace-not-honoured: training writes the result into the input (`x *= mask`) and
  returns it even with inplace=False; a leaf input with requires_grad=True raises "a leaf
  Variable that requires grad is being used in an in-place operation"
- dropout.p0-not-handled: p=0 in training returns all NaN (nothing kept, then x / 0); torch
  returns x
- dropout.p-not-validated: Dropout(p=1.5) and Dropout(p=-0.1) construct fine; the training
  forward then fails inside torch.bernoulli with RuntimeError; torch raises ValueError
"""

import torch
from torch import nn

EXPECTED = [
    "dropout.p-is-keep",
    "dropout.inplace-not-honoured",
    "dropout.p0-not-handled",
    "dropout.p-not-validated",
]


class Dropout(nn.Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        # Dropout probability
        self.p = p
        self.mask = None

    def forward(self, x):
        train = self.training
        # 1) Get and apply a mask generated from np.random.binomial
        # 2) Scale your output accordingly
        # 3) During test time, you should not apply any mask or scaling.
        mask = torch.bernoulli(torch.full(x.shape, self.p))
        self.mask = mask
        if train:
            x *= mask
            x /= self.p
        return x
