"""Wrong on purpose (batchnorm_backward.dx-missing-xhat-term): dx misses the xhat term."""

import torch


class BatchNormFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, eps):
        mean = x.mean(0)
        std = torch.sqrt(x.var(0, unbiased=False) + eps)
        xhat = (x - mean) / std
        ctx.save_for_backward(xhat, std, weight)
        return xhat * weight + bias

    @staticmethod
    def backward(ctx, dy):
        xhat, std, weight = ctx.saved_tensors
        n = dy.shape[0]
        dbias = dy.sum(0)
        dweight = (dy * xhat).sum(0)
        dx = weight / (n * std) * (n * dy - dy.sum(0))
        return dx, dweight, dbias, None
