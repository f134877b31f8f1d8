"""Wrong on purpose (batchnorm_backward.uses-builtin): torch's native batch norm ops via aten."""

import torch

aten = torch.ops.aten


class BatchNormFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, eps):
        out, mean, invstd = aten.native_batch_norm(x, weight, bias, None, None, True, 0.0, eps)
        ctx.save_for_backward(x, weight, mean, invstd)
        ctx.eps = eps
        return out

    @staticmethod
    def backward(ctx, dy):
        x, weight, mean, invstd = ctx.saved_tensors
        mask = [True, True, True]
        dx, dweight, dbias = aten.native_batch_norm_backward(
            dy, x, weight, None, None, mean, invstd, True, ctx.eps, mask
        )
        return dx, dweight, dbias, None
