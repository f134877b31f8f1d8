"""fuse_bn_to_conv / fuse_bn_to_linear from Deeplite's deeplite-torch-zoo (distillation utils).

Source: https://github.com/Deeplite/deeplite-torch-zoo/blob/ab918c652ddde05e0075db0acc3f010501d51491/deeplite_torch_zoo/utils/kd.py
  (Apache-2.0, LICENSE.md), `fuse_bn_to_conv` and `fuse_bn_to_linear`
Adapted:
- added `fold_batchnorm(layer, bn)`, which calls fuse_bn_to_linear(bn, layer) for nn.Linear and
  fuse_bn_to_conv(bn, layer) otherwise, then returns `layer` (the originals fold into the layer
  in place and return nothing)
- dropped the `LOGGER.info(...)` line at the top of fuse_bn_to_linear
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- fold_batchnorm.mutates-layer: folds into the layer it was given: W.mul_ and bias *= write into
  the layer's own weight and bias storage (state_dict() tensors share it), a bias-less layer
  gains a bias, and the wrapper returns that same object
- interface:fold_batchnorm.no-affine-false: affine=False raises KeyError: 'weight' (the bn
  state_dict has no weight)
- new:fold_batchnorm.float32-bias-for-biasless-layer: for a float64 layer built with
  bias=False the new bias is float32 (torch.zeros(...).float()), so the folded layer's forward
  on float64 input raises (Linear and Conv2d)
"""

import torch
from torch import nn

EXPECTED = [
    "fold_batchnorm.mutates-layer",
    "interface:fold_batchnorm.no-affine-false",
    "new:fold_batchnorm.float32-bias-for-biasless-layer",
]


def fuse_bn_to_conv(bn_layer, conv_layer):
    bn_st_dict = bn_layer.state_dict()
    conv_st_dict = conv_layer.state_dict()

    # BatchNorm params
    eps = bn_layer.eps
    mu = bn_st_dict["running_mean"]
    var = bn_st_dict["running_var"]
    gamma = bn_st_dict["weight"]

    if "bias" in bn_st_dict:
        beta = bn_st_dict["bias"]
    else:
        beta = torch.zeros(gamma.size(0)).float().to(gamma.device)

    # Conv params
    W = conv_st_dict["weight"]
    if "bias" in conv_st_dict:
        bias = conv_st_dict["bias"]
    else:
        bias = torch.zeros(W.size(0)).float().to(gamma.device)

    denom = torch.sqrt(var + eps)
    b = beta - gamma.mul(mu).div(denom)
    A = gamma.div(denom)
    bias *= A
    A = A.expand_as(W.transpose(0, -1)).transpose(0, -1)

    W.mul_(A)
    bias.add_(b)

    conv_layer.weight.data.copy_(W)
    if conv_layer.bias is None:
        conv_layer.bias = torch.nn.Parameter(bias)
    else:
        conv_layer.bias.data.copy_(bias)


def fuse_bn_to_linear(bn_layer, linear_layer):
    bn_st_dict = bn_layer.state_dict()
    conv_st_dict = linear_layer.state_dict()

    # BatchNorm params
    eps = bn_layer.eps
    mu = bn_st_dict["running_mean"]
    var = bn_st_dict["running_var"]
    gamma = bn_st_dict["weight"]

    if "bias" in bn_st_dict:
        beta = bn_st_dict["bias"]
    else:
        beta = torch.zeros(gamma.size(0)).float().to(gamma.device)

    # Conv params
    W = conv_st_dict["weight"]
    if "bias" in conv_st_dict:
        bias = conv_st_dict["bias"]
    else:
        bias = torch.zeros(W.size(0)).float().to(gamma.device)

    denom = torch.sqrt(var + eps)
    b = beta - gamma.mul(mu).div(denom)
    A = gamma.div(denom)
    bias *= A
    A = A.expand_as(W.transpose(0, -1)).transpose(0, -1)

    W.mul_(A)
    bias.add_(b)

    linear_layer.weight.data.copy_(W)
    if linear_layer.bias is None:
        linear_layer.bias = torch.nn.Parameter(bias)
    else:
        linear_layer.bias.data.copy_(bias)


def fold_batchnorm(layer, bn):
    if isinstance(layer, nn.Linear):
        fuse_bn_to_linear(bn, layer)
    else:
        fuse_bn_to_conv(bn, layer)
    return layer
