"""Wrong on purpose (fold_batchnorm.dropped-layer-bias): ignores the layer's own bias."""

import copy

import torch
from torch import nn


def fold_batchnorm(layer, bn):
    mean, var = bn.running_mean, bn.running_var
    gamma = bn.weight if bn.affine else torch.ones_like(mean)
    beta = bn.bias if bn.affine else torch.zeros_like(mean)
    with torch.no_grad():
        scale = gamma / torch.sqrt(var + bn.eps)
        shape = [-1] + [1] * (layer.weight.dim() - 1)
        weight = layer.weight * scale.reshape(shape)
        new_bias = beta - mean * scale
    fused = copy.deepcopy(layer)
    fused.weight = nn.Parameter(weight)
    fused.bias = nn.Parameter(new_bias)
    return fused
