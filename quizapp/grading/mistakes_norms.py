"""Catalogued LayerNorm, RMSNorm and GroupNorm mistakes, each a flawed layer run in the server."""

from __future__ import annotations

import functools
from typing import Any

import torch
from torch import nn

from quizapp.grading.suite import Mistake


def _shape(normalized_shape: Any) -> tuple[int, ...]:
    if isinstance(normalized_shape, int):
        return (normalized_shape,)
    return tuple(normalized_shape)


class FlawedLayerNorm(nn.Module):
    """LayerNorm from plain ops, correct unless given a flaw."""

    def __init__(
        self,
        normalized_shape: Any,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        flaw: str = "",
    ) -> None:
        super().__init__()
        self.flaw = flaw
        self.normalized_shape = _shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        self.weight: nn.Parameter | None = None
        self.bias: nn.Parameter | None = None
        if elementwise_affine:
            self.weight = nn.Parameter(torch.ones(self.normalized_shape))
            if bias or flaw == "bias-flag-ignored":
                self.bias = nn.Parameter(torch.zeros(self.normalized_shape))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        k = len(self.normalized_shape)
        dims = tuple(range(x.dim() - k, x.dim()))
        if self.flaw == "last-dim-only":
            dims = (x.dim() - 1,)
        elif self.flaw == "batch-dim":
            dims = (0,)
        mean = x.mean(dims, keepdim=True)
        var = x.var(dims, unbiased=self.flaw == "unbiased-variance", keepdim=True)
        if self.flaw == "eps-outside":
            y = (x - mean) / (var.sqrt() + self.eps)
        else:
            y = (x - mean) / torch.sqrt(var + self.eps)
        if self.weight is not None:
            y = y * self.weight
        if self.bias is not None:
            y = y + self.bias
        return y


class FlawedRMSNorm(nn.Module):
    """RMSNorm from plain ops, correct unless given a flaw."""

    def __init__(
        self,
        normalized_shape: Any,
        eps: float | None = None,
        elementwise_affine: bool = True,
        *,
        flaw: str = "",
    ) -> None:
        super().__init__()
        self.flaw = flaw
        self.normalized_shape = _shape(normalized_shape)
        self.eps = eps
        self.weight: nn.Parameter | None = None
        if elementwise_affine:
            self.weight = nn.Parameter(torch.ones(self.normalized_shape))
        if flaw == "has-bias" and elementwise_affine:
            self.bias = nn.Parameter(torch.zeros(self.normalized_shape))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dims = tuple(range(x.dim() - len(self.normalized_shape), x.dim()))
        eps = self.eps
        if eps is None:
            if self.flaw == "eps-1e-6":
                eps = 1e-6
            elif self.flaw == "eps-float32-always":
                eps = torch.finfo(torch.float32).eps
            else:
                eps = torch.finfo(x.dtype).eps
        if self.flaw == "subtracts-mean":
            x = x - x.mean(dims, keepdim=True)
        ms = x.pow(2).mean(dims, keepdim=True)
        y = x / (ms.sqrt() + eps) if self.flaw == "eps-outside" else x * torch.rsqrt(ms + eps)
        if self.weight is not None:
            y = y * self.weight
        return y


class FlawedGroupNorm(nn.Module):
    """GroupNorm from plain ops, correct unless given a flaw."""

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        *,
        flaw: str = "",
    ) -> None:
        super().__init__()
        self.flaw = flaw
        self.num_groups = num_groups
        self.eps = eps
        self.weight: nn.Parameter | None = None
        self.bias: nn.Parameter | None = None
        if affine:
            self.weight = nn.Parameter(torch.ones(num_channels))
            self.bias = nn.Parameter(torch.zeros(num_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c = x.shape[0], x.shape[1]
        g = self.num_groups
        if self.flaw == "strided-groups":
            # channel c goes to group c % G: move it next to its group-mates first
            order = torch.arange(c).view(c // g, g).t().reshape(-1)
            grouped = x[:, order].reshape(n, g, -1)
        else:
            grouped = x.reshape(n, g, -1)
        mean = grouped.mean(-1, keepdim=True)
        var = grouped.var(-1, unbiased=self.flaw == "unbiased-variance", keepdim=True)
        if self.flaw == "eps-outside":
            normed = (grouped - mean) / (var.sqrt() + self.eps)
        else:
            normed = (grouped - mean) / torch.sqrt(var + self.eps)
        if self.flaw == "strided-groups":
            inverse = torch.argsort(order)
            y = normed.reshape(n, c, -1)[:, inverse].reshape(x.shape)
        else:
            y = normed.reshape(x.shape)
        shape = [1, c] + [1] * (x.dim() - 2)
        if self.weight is not None and self.bias is not None:
            y = y * self.weight.view(shape) + self.bias.view(shape)
        return y


def _mistake(
    cls: Any, id_: str, message: str, related: str | tuple[str, ...], *flaws: str
) -> Mistake:
    ids = (related,) if isinstance(related, str) else related
    return Mistake(id_, message, ids, tuple(functools.partial(cls, flaw=f) for f in flaws))


LAYERNORM_MISTAKES: tuple[Mistake, ...] = (
    _mistake(
        FlawedLayerNorm,
        "layernorm.unbiased-variance",
        "You normalize with the unbiased variance (x.var() or x.std() divide by n-1). "
        "LayerNorm uses the biased variance: x.var(dims, unbiased=False).",
        "norms.layernorm-biased-variance",
        "unbiased-variance",
    ),
    _mistake(
        FlawedLayerNorm,
        "layernorm.eps-outside-sqrt",
        "You add eps outside the square root. torch divides by sqrt(var + eps).",
        "norms.eps-inside-sqrt",
        "eps-outside",
    ),
    _mistake(
        FlawedLayerNorm,
        "layernorm.wrong-dims",
        "You reduce over the wrong dimensions. LayerNorm normalizes each sample over its last "
        "len(normalized_shape) dimensions, never over the batch.",
        ("norms.layernorm-wrong-normalized-shape-image", "norms.bn-vs-ln-axes-2d"),
        "last-dim-only",
        "batch-dim",
    ),
    _mistake(
        FlawedLayerNorm,
        "layernorm.bias-flag-ignored",
        "bias=False is ignored: your layer still has a bias parameter. With bias=False torch's "
        "LayerNorm has a weight only.",
        "norms.layernorm-bias-false",
        "bias-flag-ignored",
    ),
)

RMSNORM_MISTAKES: tuple[Mistake, ...] = (
    _mistake(
        FlawedRMSNorm,
        "rmsnorm.subtracts-mean",
        "You subtract the mean: that is LayerNorm. RMSNorm scales by the root mean square only, "
        "x * rsqrt(mean(x^2) + eps) * weight.",
        "norms.rmsnorm-equals-layernorm-zero-mean",
        "subtracts-mean",
    ),
    _mistake(
        FlawedRMSNorm,
        "rmsnorm.wrong-default-eps",
        "With eps=None torch uses the float64 eps (2.2e-16) for float64 inputs and the float32 "
        "eps (1.19e-7) for everything else, float16 and bfloat16 included; not a fixed 1e-6 or "
        "the float32 value everywhere. It matters for small inputs.",
        "norms.rmsnorm-default-eps-torch-2-13",
        "eps-1e-6",
        "eps-float32-always",
    ),
    _mistake(
        FlawedRMSNorm,
        "rmsnorm.eps-outside-sqrt",
        "You add eps outside the square root. torch computes x * rsqrt(mean(x^2) + eps).",
        "norms.eps-inside-sqrt",
        "eps-outside",
    ),
    _mistake(
        FlawedRMSNorm,
        "rmsnorm.has-bias",
        "Your RMSNorm has a bias parameter; torch's has only `weight`, so state_dicts differ.",
        "norms.layernorm-bias-false",
        "has-bias",
    ),
)

GROUPNORM_MISTAKES: tuple[Mistake, ...] = (
    _mistake(
        FlawedGroupNorm,
        "groupnorm.strided-groups",
        "Your groups take every G-th channel (c % G). torch groups contiguous channels: "
        "x.view(N, G, -1) puts channels 0..C/G-1 in group 0.",
        "norms.groupnorm-contiguous-groups",
        "strided-groups",
    ),
    _mistake(
        FlawedGroupNorm,
        "groupnorm.unbiased-variance",
        "You normalize with the unbiased variance; GroupNorm uses the biased one "
        "(unbiased=False) over each group's channels and positions.",
        "numerics.groupnorm-two-groups",
        "unbiased-variance",
    ),
    _mistake(
        FlawedGroupNorm,
        "groupnorm.eps-outside-sqrt",
        "You add eps outside the square root. torch divides by sqrt(var + eps).",
        "norms.eps-inside-sqrt",
        "eps-outside",
    ),
)
