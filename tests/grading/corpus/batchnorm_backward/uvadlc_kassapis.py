"""Batch norm backward from a UvA Deep Learning course (uvadlc practicals 2019) solution.

Source: https://github.com/EliasKassapis/Deep-Learning/blob/aaec5502ff777c7ef8cbdb315639196213a41f51/assignment_1/code/custom_batchnorm.py
  (no license stated), class CustomBatchNormManualFunction
Adapted:
- class CustomBatchNormManualFunction renamed BatchNormFunction; forward's `eps=1e-5` default
  kept
- dropped the docstrings, the "PUT YOUR CODE HERE" banners and the commented-out
  `raise NotImplementedError` lines
- `# noqa: RUF059, SIM108` comments added so ruff passes
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- new:batchnorm_backward.frozen-weight-crashes: when weight does not require grad,
  grad_gamma is never assigned and backward raises UnboundLocalError (x requiring grad with a
  frozen weight, e.g. affine parameters fixed); torch returns dx.
Otherwise output and gradients match autograd within 1e-9 (float64) and 1e-4 (float32) for
N = 2 to 64 and inputs of very different magnitudes; gradcheck passes.
"""

import torch

EXPECTED = ["new:batchnorm_backward.frozen-weight-crashes"]


class BatchNormFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input, gamma, beta, eps=1e-5):
        mu = input.mean(dim=0)
        var = torch.var(input, dim=0, unbiased=False)

        x_center = input - mu
        x_uvar = torch.sqrt(var + eps)
        x_hat = x_center / x_uvar

        out = gamma * x_hat + beta

        ctx.save_for_backward(x_center, x_uvar, gamma, beta)

        return out

    @staticmethod
    def backward(ctx, grad_output):
        b_size = grad_output.size(dim=0)

        x_center, x_uvar, gamma, beta = ctx.saved_tensors  # noqa: RUF059

        x_hat = x_center / x_uvar

        if ctx.needs_input_grad[0]:
            dx_hat = grad_output * gamma
            grad_input = (
                (1 / b_size)
                * (1 / x_uvar)
                * (
                    b_size * dx_hat
                    - torch.sum(dx_hat, dim=0)
                    - x_hat * torch.sum(dx_hat * x_hat, dim=0)
                )
            )
        else:
            grad_input = None

        if ctx.needs_input_grad[1]:
            grad_gamma = torch.sum(x_hat * grad_output, dim=0)

        if ctx.needs_input_grad[2]:  # noqa: SIM108
            grad_beta = torch.sum(grad_output, dim=0)
        else:
            grad_beta = None

        # return gradients of the three tensor inputs and None for the constant eps
        return grad_input, grad_gamma, grad_beta, None
