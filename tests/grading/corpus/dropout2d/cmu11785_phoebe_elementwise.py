"""Dropout2d from a CMU 11-785 (Introduction to Deep Learning) HW2 bonus solution by phoebe97629.

Source: https://github.com/phoebe97629/CMU-Deep-Learning_11785/blob/4368a75b208bef942309b3e54a76dd6280f9196f/mytorch/dropout.py
  (no license file), `Dropout2d`
Adapted:
- subclasses nn.Module instead of object; __call__ and backward are dropped
- forward(x, train=True) -> forward(x), with train = self.training
- np.random.binomial(1, q, x.shape) -> torch.bernoulli(torch.full(x.shape, q))
- constructor also accepts `inplace` and ignores it (no such option)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- dropout2d.elementwise-mask: the mask has the input's full shape, so single elements are
  dropped: at p=0.5 every (sample, channel) map of a (64, 32, 6, 5) input is partly zeroed and
  none is zeroed whole
- dropout.inplace-not-honoured: training writes the result into the input (`x *= sample`) and
  returns it even with inplace=False; a leaf input with requires_grad=True raises "a leaf
  Variable that requires grad is being used in an in-place operation"
- dropout.p1-not-handled: p=1 in training returns all NaN (x * 0 / 0); torch returns zeros
- dropout.p-not-validated: Dropout2d(p=1.5) and Dropout2d(p=-0.1) construct fine; the
  training forward then fails inside torch.bernoulli with RuntimeError; torch raises ValueError
"""

import torch
from torch import nn

EXPECTED = [
    "dropout2d.elementwise-mask",
    "dropout.inplace-not-honoured",
    "dropout.p1-not-handled",
    "dropout.p-not-validated",
]


class Dropout2d(nn.Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        # Dropout probability
        self.p = p

    def forward(self, x):
        train = self.training
        # 1) Get and apply a per-channel mask generated from np.random.binomial
        # 2) Scale your output accordingly
        # 3) During test time, you should not apply any mask or scaling.

        # zerp out entir channel

        retain_prob = 1 - self.p
        if train:
            sample = torch.bernoulli(torch.full(x.shape, retain_prob))

            x *= sample
            x /= retain_prob
        return x
