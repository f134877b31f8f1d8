"""Inverted dropout from a CS231n (Spring 2017) assignment 2 solution by AKSoo.

Source: https://github.com/AKSoo/CS231n-2017/blob/1cf6afb9ce19229e2a57b9e7ae3f8faba558fd78/assignment2/cs231n/layers.py
  (no license file), `dropout_forward`
Adapted:
- numpy -> torch: np.random.random(x.shape) -> torch.rand(x.shape), np.random.seed ->
  torch.manual_seed, out.astype(x.dtype, copy=False) -> out.to(x.dtype)
- wrapped in the drill's `Dropout` module: mode is "train" if self.training else "test", the
  cache is discarded; `inplace` is accepted and ignored (no such option)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- dropout.p1-not-handled: p=1 in training returns all NaN (the mask is False / 0 = 0/0); torch
  returns zeros
- dropout.p-not-validated: Dropout(p=1.5) and Dropout(p=-0.1) construct and run with no
  error (p=1.5 zeroes everything, p=-0.1 keeps everything times 1/1.1); torch raises ValueError
- dropout.inplace-not-honoured: inplace=True returns a new tensor and leaves the input unchanged
"""

import torch
from torch import nn

EXPECTED = ["dropout.p1-not-handled", "dropout.p-not-validated", "dropout.inplace-not-honoured"]


def dropout_forward(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        torch.manual_seed(dropout_param["seed"])

    mask = None
    pr = 1 - p

    if mode == "train":
        mask = (torch.rand(x.shape) < pr) / pr
        out = x * mask
    elif mode == "test":
        out = x

    cache = (dropout_param, mask)
    out = out.to(x.dtype)

    return out, cache


class Dropout(nn.Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        self.p = p
        self.inplace = inplace

    def forward(self, x):
        mode = "train" if self.training else "test"
        out, _ = dropout_forward(x, {"p": self.p, "mode": mode})
        return out
