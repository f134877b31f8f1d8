"""BatchNorm1d from tinygrad (nn.BatchNorm, aliased BatchNorm2d/BatchNorm3d), ported to torch.

Source: https://github.com/tinygrad/tinygrad/blob/52c9e5a99e017e4d3fc1186c5db8e4a50bc6c258/tinygrad/nn/__init__.py
  (MIT), class BatchNorm; Tensor.batchnorm from tinygrad/mixin/op.py at the same commit
Adapted:
- class BatchNorm renamed BatchNorm1d, subclasses nn.Module; __call__ renamed forward
- constructor takes the drill's signature (tinygrad's order is sz, eps, affine,
  track_running_stats, momentum)
- tinygrad to torch: Tensor.ones/zeros -> nn.Parameter(torch.ones/zeros); tensors marked
  is_param_(False) (in tinygrad's state dict) -> register_buffer; the global TRAINING flag ->
  self.training; Tensor.assign(v) -> copy_(v); mean(axis=...) -> mean(dim=...);
  reshape(shape=s) -> reshape(s); x.batchnorm(...) -> the helper batchnorm() below, a copy of
  Tensor.batchnorm (argfix(axis) -> tuple)
- dropped the docstring (a usage example)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- batchnorm.momentum-none-unsupported: momentum=None raises TypeError (1 - None).
- batchnorm.track-running-stats-false-unsupported: num_batches_tracked is registered
  even with track_running_stats=False, so that state_dict has an extra key
  (weight, bias, num_batches_tracked vs torch's weight, bias); it stays 0 there.
Outputs, running statistics, num_batches_tracked and gradients match torch for (N, C) and
(N, C, L) inputs, float32 and float64, train and eval, in every other configuration tried.
"""

import torch
from torch import nn

EXPECTED = [
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


class BatchNorm1d(nn.Module):
    def __init__(self, sz: int, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True):
        super().__init__()
        self.eps, self.track_running_stats, self.momentum = eps, track_running_stats, momentum

        self.weight = nn.Parameter(torch.ones(sz)) if affine else None
        self.bias = nn.Parameter(torch.zeros(sz)) if affine else None

        self.register_buffer("num_batches_tracked", torch.zeros((), dtype=torch.long))
        if track_running_stats:
            self.register_buffer("running_mean", torch.zeros(sz))
            self.register_buffer("running_var", torch.ones(sz))

    def calc_stats(self, x):
        shape_mask: list[int] = [1, -1, *([1] * (x.ndim - 2))]
        if self.track_running_stats and not self.training:
            return self.running_mean, self.running_var.reshape(shape_mask)
        # This requires two full memory accesses to x
        # https://github.com/pytorch/pytorch/blob/c618dc13d2aa23625cb0d7ada694137532a4fa33/aten/src/ATen/native/cuda/Normalization.cuh
        # There's "online" algorithms that fix this, like https://en.wikipedia.org/wiki/Algorithms_for_calculating_variance#Welford's_Online_algorithm
        batch_mean = x.mean(dim=(reduce_axes := tuple(x for x in range(x.ndim) if x != 1)))
        y = x - batch_mean.detach().reshape(shape_mask)  # d(var)/d(mean) = 0
        batch_var = (y * y).mean(dim=reduce_axes)
        return batch_mean, batch_var

    def forward(self, x):
        batch_mean, batch_var = self.calc_stats(x)
        # NOTE: wow, this is done all throughout training in most PyTorch models
        if self.track_running_stats and self.training:
            self.running_mean.copy_(
                (1 - self.momentum) * self.running_mean + self.momentum * batch_mean.detach()
            )
            self.running_var.copy_(
                (1 - self.momentum) * self.running_var
                + self.momentum * x.numel() / (x.numel() - x.shape[1]) * batch_var.detach()
            )
            self.num_batches_tracked += 1
        return batchnorm(x, self.weight, self.bias, batch_mean, batch_var.add(self.eps).rsqrt())
