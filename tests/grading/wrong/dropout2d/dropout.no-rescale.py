"""Wrong on purpose (dropout.no-rescale): keeps units without rescaling."""

import torch
from torch import nn


class Dropout2d(nn.Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def mask_shape(self, x):
        return (*x.shape[:2], *([1] * (x.dim() - 2)))

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        if self.p == 1:
            return x.mul_(0) if self.inplace else x * 0
        mask = torch.empty(self.mask_shape(x), dtype=x.dtype).bernoulli_(1 - self.p)
        return x.mul_(mask) if self.inplace else x * mask
