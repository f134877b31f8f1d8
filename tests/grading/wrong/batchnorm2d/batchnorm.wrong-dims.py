"""Wrong on purpose (batchnorm.wrong-dims): reduces over (0, 2) and forgets W."""

import torch
from torch import nn


class BatchNorm2d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True):
        super().__init__()
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = nn.Parameter(torch.ones(num_features))
            self.bias = nn.Parameter(torch.zeros(num_features))
        if track_running_stats:
            self.register_buffer("running_mean", torch.zeros(num_features))
            self.register_buffer("running_var", torch.ones(num_features))
            self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def forward(self, x):
        shape = (1, -1, 1, 1)
        if self.training or not self.track_running_stats:
            mean = x.mean((0, 2), keepdim=True)  # (1, C, 1, W): W is not reduced
            var = x.var((0, 2), unbiased=False, keepdim=True)
            if self.training and self.track_running_stats:
                n = x.shape[0] * x.shape[2]
                with torch.no_grad():
                    self.num_batches_tracked += 1
                    m = (
                        1.0 / self.num_batches_tracked.item()
                        if self.momentum is None
                        else self.momentum
                    )
                    self.running_mean.mul_(1 - m).add_(m * mean.squeeze())
                    self.running_var.mul_(1 - m).add_(m * var.squeeze() * n / (n - 1))
        else:
            mean, var = self.running_mean.view(shape), self.running_var.view(shape)
        y = (x - mean) / torch.sqrt(var + self.eps)
        if self.affine:
            y = y * self.weight.view(shape) + self.bias.view(shape)
        return y
