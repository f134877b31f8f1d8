"""Catalogued batchnorm_backward mistakes, each a hand-written autograd.Function with one flaw.

Every flawed Function computes training-mode batch norm over dim 0 of an (N, C) input and a
closed-form backward, correct unless given a flaw. The server runs them through the same checks
as the submission; a mistake is diagnosed when its numbers match the user's where the user
differs from the reference.
"""

from __future__ import annotations

from typing import Any

import torch

from quizapp.grading.suite import Mistake

FLAWS = frozenset(
    {
        "no-mean-term",
        "no-xhat-term",
        "unbiased",
        "unbiased-consistent",
        "param-grads-axis-1",
        "no-divide-n",
        "no-divide-n-staged",
        "wrong-order",
    }
)


def flawed_function(flaw: str = "") -> type[torch.autograd.Function]:
    """A BatchNormFunction class with a hand-written backward and the given flaw."""
    assert not flaw or flaw in FLAWS, flaw

    # Named like the entry, so autograd's messages about it read the same as about the user's.
    class BatchNormFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any, weight: Any, bias: Any, eps: float) -> Any:
            unbiased = flaw in ("unbiased", "unbiased-consistent")
            std = torch.sqrt(x.var(0, unbiased=unbiased) + eps)
            xhat = (x - x.mean(0)) / std
            ctx.save_for_backward(xhat, std, weight)
            return xhat * weight + bias

        @staticmethod
        def backward(ctx: Any, dy: Any) -> Any:
            xhat, std, weight = ctx.saved_tensors
            n = dy.shape[0]
            axis = 1 if flaw == "param-grads-axis-1" else 0
            dbias = dy.sum(axis)
            dweight = (dy * xhat).sum(axis)
            sum_dy = dy.sum(0)
            sum_dy_xhat = (dy * xhat).sum(0)
            if flaw == "no-mean-term":
                dx = weight / (n * std) * (n * dy - xhat * sum_dy_xhat)
            elif flaw == "no-xhat-term":
                dx = weight / (n * std) * (n * dy - sum_dy)
            elif flaw == "unbiased-consistent":
                dx = weight / std * (dy - sum_dy / n - xhat * sum_dy_xhat / (n - 1))
            elif flaw == "no-divide-n":
                dx = weight / std * (n * dy - sum_dy - xhat * sum_dy_xhat)
            elif flaw == "no-divide-n-staged":
                dx = weight / std * (dy - sum_dy - xhat * sum_dy_xhat)
            else:
                dx = weight / (n * std) * (n * dy - sum_dy - xhat * sum_dy_xhat)
            if flaw == "wrong-order":
                return dx, dbias, dweight, None
            return dx, dweight, dbias, None

    BatchNormFunction.__qualname__ = f"FlawedBatchNormFunction[{flaw or 'none'}]"
    return BatchNormFunction


def _m(id_: str, message: str, related: tuple[str, ...], *flaws: str) -> Mistake:
    return Mistake(id_, message, related, tuple(flawed_function(f) for f in flaws))


DERIVATION = "batchnorm.backward-derivation"
AUTOGRAD_CHECK = "batchnorm.backward-autograd-check"

BACKWARD_MISTAKES: tuple[Mistake, ...] = (
    _m(
        "batchnorm_backward.dx-missing-mean-term",
        "Your input gradient misses the term that comes through the batch mean (-sum(dy)). "
        "dx = weight / (N * std) * (N * dy - dy.sum(0) - xhat * (dy * xhat).sum(0)).",
        (DERIVATION, AUTOGRAD_CHECK),
        "no-mean-term",
    ),
    _m(
        "batchnorm_backward.dx-missing-xhat-term",
        "Your input gradient misses the term that comes through the batch variance "
        "(-xhat * sum(dy * xhat)). dx = weight / (N * std) * (N * dy - dy.sum(0) - "
        "xhat * (dy * xhat).sum(0)).",
        (DERIVATION, AUTOGRAD_CHECK),
        "no-xhat-term",
    ),
    _m(
        "batchnorm_backward.unbiased-variance",
        "You normalize with the unbiased variance (divide by N-1, x.var(0) or x.std(0)). "
        "Training-mode batch norm uses the biased one: x.var(0, unbiased=False).",
        ("batchnorm.biased-variance-1234", DERIVATION),
        "unbiased",
        "unbiased-consistent",
    ),
    _m(
        "batchnorm_backward.param-grads-wrong-axis",
        "The weight and bias gradients are summed over the features (dim 1). They are sums "
        "over the batch, one per feature: dweight = (dy * xhat).sum(0), dbias = dy.sum(0).",
        (DERIVATION,),
        "param-grads-axis-1",
    ),
    _m(
        "batchnorm_backward.forgot-divide-by-n",
        "Your input gradient is missing the 1/N of the mean and variance: the statistics are "
        "averages, so their derivatives carry 1/N. dx = weight / (N * std) * (N * dy - "
        "dy.sum(0) - xhat * (dy * xhat).sum(0)).",
        (DERIVATION,),
        "no-divide-n",
        "no-divide-n-staged",
    ),
    _m(
        "batchnorm_backward.grads-wrong-order",
        "backward returns the weight and bias gradients swapped. It must return one gradient "
        "per forward input, in order: (dx, dweight, dbias, None), None for eps.",
        (AUTOGRAD_CHECK,),
        "wrong-order",
    ),
)
