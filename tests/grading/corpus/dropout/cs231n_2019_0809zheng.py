"""Dropout from a CS231n (2019) assignment 2 solution by 0809zheng.

Source: https://github.com/0809zheng/CS231n-assignment2019/blob/bfc81c1989e71b4887a9bcd581b273d2faefb90d/assignment2/cs231n/layers.py
  (no license file), `dropout_forward` (the 2019 handout defines p as the keep probability)
Adapted:
- numpy -> torch: np.ones / np.random.rand -> torch.ones / torch.rand, np.random.seed ->
  torch.manual_seed, out.astype(x.dtype, copy=False) -> out.to(x.dtype)
- wrapped in the drill's `Dropout` module: mode is "train" if self.training else "test", the
  cache is discarded; `inplace` is accepted and ignored (no such option)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- dropout.mask-shared-across-batch: the mask has shape (1, D); every row of a (400, 500) batch
  gets the same mask
- new:dropout.scale-by-1-over-p: drops with probability p (drop rate 0.2 at p=0.2) but divides
  the kept units by p, not 1-p: kept/x = 5.0 at p=0.2 and 1.25 at p=0.8 (right only at p=0.5);
  the input gradient has the same factor
- dropout.p0-not-handled: p=0 in training returns x / 0 = +-inf for every element; torch returns x
- dropout.p-not-validated: Dropout(p=1.5) and Dropout(p=-0.1) construct and run with no
  error (p=1.5 zeroes everything, p=-0.1 keeps everything times -10); torch raises ValueError
- interface:dropout.2d-input-only: the mask is (1, x.shape[1]), so (N, C, H, W), (N, C, L) and
  1-D inputs raise (size mismatch or IndexError) in training
- dropout.inplace-not-honoured: inplace=True returns a new tensor and leaves the input unchanged
"""

import torch
from torch import nn

EXPECTED = [
    "dropout.mask-shared-across-batch",
    "new:dropout.scale-by-1-over-p",
    "dropout.p0-not-handled",
    "dropout.p-not-validated",
    "interface:dropout.2d-input-only",
    "dropout.inplace-not-honoured",
]


def dropout_forward(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        torch.manual_seed(dropout_param["seed"])

    mask = None
    out = None

    if mode == "train":
        mask = torch.ones((1, x.shape[1]))
        prop = torch.rand(1, x.shape[1])
        mask[prop < p] = 0
        out = x * mask / p
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
