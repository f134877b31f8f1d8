"""Wrong on purpose (fold_batchnorm.eps-outside-sqrt): adds eps outside the square root."""

import copy

import torch
from torch import nn


def fold_batchnorm(layer, bn):
    mean, var = bn.running_mean, bn.running_var
    gamma = bn.weight if bn.affine else torch.ones_like(mean)
    beta = bn.bias if bn.affine else torch.zeros_like(mean)
    bias = layer.bias if layer.bias is not None else torch.zeros_like(mean)
    with torch.no_grad():
        scale = gamma / (torch.sqrt(var) + bn.eps)
        shape = [-1] + [1] * (layer.weight.dim() - 1)
        weight = layer.weight * scale.reshape(shape)
        new_bias = (bias - mean) * scale + beta
    fused = copy.deepcopy(layer)
    fused.weight = nn.Parameter(weight)
    fused.bias = nn.Parameter(new_bias)
    return fused
