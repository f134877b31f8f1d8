"""Wrong on purpose (fold_batchnorm.mutates-layer): folds into the layer it was given."""

import torch
from torch import nn


def fold_batchnorm(layer, bn):
    mean, var = bn.running_mean, bn.running_var
    gamma = bn.weight if bn.affine else torch.ones_like(mean)
    beta = bn.bias if bn.affine else torch.zeros_like(mean)
    with torch.no_grad():
        scale = gamma / torch.sqrt(var + bn.eps)
        bias = layer.bias if layer.bias is not None else torch.zeros_like(mean)
        new_bias = (bias - mean) * scale + beta
        layer.weight.mul_(scale.reshape([-1] + [1] * (layer.weight.dim() - 1)))
    layer.bias = nn.Parameter(new_bias)
    return layer
