"""Catalogued BatchNorm mistakes, each reproduced by a deliberately flawed implementation.

The server runs these flawed layers through the same checks as the submission; a mistake is
diagnosed when its numbers match the user's where the user differs from torch.
"""

from __future__ import annotations

import functools
from typing import Any

import torch
from torch import nn

from quizapp.grading.suite import Mistake

# Flaws a FlawedBatchNorm can have (several may be combined, but the catalog uses one each).
FLAWS = frozenset(
    {
        "unbiased-norm",
        "running-var-biased",
        "momentum-reversed",
        "momentum-none-fixed",
        "momentum-none-raises",
        "eps-outside",
        "dims-batch-only",
        "dims-skip-last",
        "dims-per-sample",
        "batch-stats-eval",
        "detach-stats",
        "buffers-plain",
        "buffers-2d",
        "running-var-zeros",
    }
)


class FlawedBatchNorm(nn.Module):
    """BatchNorm written from plain ops, correct unless given a flaw."""

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        flaw: str = "",
    ) -> None:
        super().__init__()
        assert not flaw or flaw in FLAWS, flaw
        self.flaw = flaw
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        shape = (1, num_features) if flaw == "buffers-2d" else (num_features,)
        if affine:
            self.weight = nn.Parameter(torch.ones(num_features))
            self.bias = nn.Parameter(torch.zeros(num_features))
        if track_running_stats:
            var0 = torch.zeros(shape) if flaw == "running-var-zeros" else torch.ones(shape)
            stats = {
                "running_mean": torch.zeros(shape),
                "running_var": var0,
                "num_batches_tracked": torch.tensor(0, dtype=torch.long),
            }
            for name, value in stats.items():
                if flaw == "buffers-plain":
                    setattr(self, name, value)
                else:
                    self.register_buffer(name, value)

    def _buffer(self, name: str) -> torch.Tensor:
        value = getattr(self, name)
        assert isinstance(value, torch.Tensor)
        return value

    def _dims(self, x: torch.Tensor) -> tuple[int, ...]:
        if self.flaw == "dims-batch-only":
            return (0,)
        if self.flaw == "dims-skip-last" and x.dim() > 2:
            return (0, *range(2, x.dim() - 1))
        if self.flaw == "dims-per-sample" and x.dim() > 2:
            return tuple(range(2, x.dim()))
        return (0, *range(2, x.dim()))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        flaw = self.flaw
        dims = self._dims(x)
        shape = [1, x.shape[1]] + [1] * (x.dim() - 2)
        use_batch = self.training or not self.track_running_stats or flaw == "batch-stats-eval"
        if use_batch:
            mean = x.mean(dims, keepdim=True)
            var = x.var(dims, unbiased=False, keepdim=True)
            norm_var = x.var(dims, unbiased=True, keepdim=True) if flaw == "unbiased-norm" else var
            if flaw == "detach-stats":
                mean, norm_var = mean.detach(), norm_var.detach()
            if self.training and self.track_running_stats:
                self._update(x, dims, mean, var)
        else:
            mean = self._buffer("running_mean").reshape(shape)
            norm_var = self._buffer("running_var").reshape(shape)
        if flaw == "eps-outside":
            y = (x - mean) / (norm_var.sqrt() + self.eps)
        else:
            y = (x - mean) / torch.sqrt(norm_var + self.eps)
        if self.affine:
            y = y * self.weight.reshape(shape) + self.bias.reshape(shape)
        return y

    def _update(
        self, x: torch.Tensor, dims: tuple[int, ...], mean: torch.Tensor, var: torch.Tensor
    ) -> None:
        flaw = self.flaw
        n = x.numel() // mean.numel()
        with torch.no_grad():
            batch_var = var if flaw == "running-var-biased" else var * n / (n - 1)
            tracked = self._buffer("num_batches_tracked")
            tracked += 1
            momentum: Any = self.momentum
            if momentum is None:
                if flaw == "momentum-none-fixed":
                    momentum = 0.1
                elif flaw != "momentum-none-raises":
                    momentum = 1.0 / float(tracked)
            for name, stat in (("running_mean", mean), ("running_var", batch_var)):
                running = getattr(self, name)
                stat = stat.reshape(-1) if stat.numel() == running.numel() else stat.squeeze()
                if flaw == "buffers-2d":
                    stat = stat.reshape(running.shape)
                if flaw == "momentum-reversed":
                    running.mul_(momentum).add_((1 - momentum) * stat)
                else:
                    running.mul_(1 - momentum).add_(momentum * stat)


def flawed(flaw: str) -> Any:
    return functools.partial(FlawedBatchNorm, flaw=flaw)


def _m(id_: str, message: str, related: tuple[str, ...], *flaws: str) -> Mistake:
    return Mistake(id_, message, related, tuple(flawed(f) for f in flaws))


BATCHNORM_MISTAKES: tuple[Mistake, ...] = (
    _m(
        "batchnorm.unbiased-normalization",
        "You normalize with the unbiased batch variance (divide by n-1, e.g. x.var() or "
        "x.std()). torch normalizes with the biased variance (divide by n, "
        "unbiased=False) and uses the unbiased one only for running_var.",
        ("batchnorm.biased-variance-1234",),
        "unbiased-norm",
    ),
    _m(
        "batchnorm.running-var-biased",
        "Your running_var tracks the biased batch variance. torch updates running_var with the "
        "unbiased variance (times n/(n-1)), while normalizing the batch with the biased one.",
        ("batchnorm.running-var-is-unbiased",),
        "running-var-biased",
    ),
    _m(
        "batchnorm.momentum-reversed",
        "Your momentum is reversed (running = momentum*running + (1-momentum)*batch, the Keras "
        "convention). In torch, momentum weights the new batch: "
        "running = (1-momentum)*running + momentum*batch.",
        ("batchnorm.momentum-across-frameworks",),
        "momentum-reversed",
    ),
    _m(
        "batchnorm.momentum-none-unsupported",
        "momentum=None is not handled. It means a cumulative moving average: use the factor "
        "1/num_batches_tracked (after incrementing it) instead of a fixed momentum.",
        ("batchnorm.momentum-none-cumulative",),
        "momentum-none-fixed",
        "momentum-none-raises",
    ),
    _m(
        "batchnorm.eps-outside-sqrt",
        "You add eps outside the square root (sqrt(var) + eps). torch divides by "
        "sqrt(var + eps); the difference is large when the variance is small.",
        ("batchnorm.eps-inside-sqrt",),
        "eps-outside",
    ),
    _m(
        "batchnorm.wrong-dims",
        "You reduce over the wrong dimensions. BatchNorm's statistics are per channel (dim 1), "
        "over the batch and every spatial position: dim 0 for (N, C), (0, 2) for (N, C, L), "
        "(0, 2, 3) for (N, C, H, W).",
        ("batchnorm.axes-nchw",),
        "dims-batch-only",
        "dims-skip-last",
        "dims-per-sample",
    ),
    _m(
        "batchnorm.batch-stats-in-eval",
        "In eval mode you normalize with the batch statistics. With track_running_stats=True, "
        "eval must use running_mean and running_var (check self.training).",
        ("batchnorm.test-time-stats-source",),
        "batch-stats-eval",
    ),
    _m(
        "batchnorm.detached-stats",
        "The batch mean and variance are detached from the graph, so the input gradient misses "
        "their terms. Only the running statistics should be updated without gradient; the "
        "batch statistics used to normalize must stay in the graph.",
        ("batchnorm.backward-derivation",),
        "detach-stats",
    ),
    _m(
        "batchnorm.buffers-not-registered",
        "running_mean, running_var and num_batches_tracked are plain attributes, so they are "
        "not in the state_dict and do not follow .to(). Register them with "
        "self.register_buffer(name, tensor).",
        ("batchnorm.running-stats-as-buffers",),
        "buffers-plain",
    ),
    _m(
        "batchnorm.buffers-wrong-shape",
        "Your running statistics have shape (1, C); torch's have shape (C,), so state_dicts "
        "do not interchange. Keep buffers 1-D and reshape only when broadcasting.",
        ("batchnorm.running-stats-as-buffers",),
        "buffers-2d",
    ),
    _m(
        "batchnorm.running-var-init-zeros",
        "running_var starts at zeros; torch starts it at ones (and running_mean at zeros), so "
        "a fresh module in eval mode divides by sqrt(eps).",
        ("batchnorm.fresh-running-stats-identity",),
        "running-var-zeros",
    ),
)
