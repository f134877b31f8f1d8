"""The trusted BatchNorm fold and the catalogued fold_batchnorm mistakes.

`fold(layer, bn)` folds an eval-mode BatchNorm into the Linear or Conv2d before it: with
`s = gamma / sqrt(running_var + eps)`, `W' = W * s` per output channel (dim 0 of the weight) and
`b' = (b - running_mean) * s + beta`, `b = 0` when the layer has no bias. It is the drill's
reference; given a flaw it makes one mistake people make deriving W' and b', and the server runs
it through the same checks as the submission to recognise that mistake by its numbers.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import torch
from torch import nn

from quizapp.grading.suite import Mistake

FLAWS = frozenset(
    {
        "eps-outside",
        "no-mean-shift",
        "bias-not-scaled",
        "no-std",
        "divide-by-var",
        "dropped-bias",
        "input-axis",
        "mutate-return-same",
        "mutate-shallow-copy",
    }
)


def _param(module: nn.Module, name: str) -> torch.Tensor | None:
    value = getattr(module, name, None)
    return value.detach() if isinstance(value, torch.Tensor) else None


def folded_weight_and_bias(
    layer: nn.Module, bn: nn.Module, flaw: str = ""
) -> tuple[torch.Tensor, torch.Tensor]:
    """W' and b' of the fold, in the layer's dtype (with the flaw's mistake, if any)."""
    weight = _param(layer, "weight")
    mean, var = _param(bn, "running_mean"), _param(bn, "running_var")
    assert weight is not None and mean is not None and var is not None
    bias = _param(layer, "bias")
    bias = torch.zeros_like(mean) if bias is None else bias
    gamma = _param(bn, "weight")
    beta = _param(bn, "bias")
    gamma = torch.ones_like(mean) if gamma is None else gamma
    beta = torch.zeros_like(mean) if beta is None else beta
    eps = float(bn.eps)  # type: ignore[arg-type]
    std = var.sqrt() + eps if flaw == "eps-outside" else torch.sqrt(var + eps)
    if flaw == "no-std":
        scale = gamma
    elif flaw == "divide-by-var":
        scale = gamma / (var + eps)
    else:
        scale = gamma / std
    if flaw == "input-axis":
        shape = [1, -1] + [1] * (weight.dim() - 2)
    else:
        shape = [-1] + [1] * (weight.dim() - 1)
    new_weight = weight * scale.reshape(shape)
    if flaw == "no-mean-shift":
        new_bias = bias * scale + beta
    elif flaw == "bias-not-scaled":
        new_bias = bias - mean * scale + beta
    elif flaw == "dropped-bias":
        new_bias = beta - mean * scale
    else:
        new_bias = (bias - mean) * scale + beta
    return new_weight.to(weight.dtype), new_bias.to(weight.dtype)


def fold(layer: nn.Module, bn: nn.Module, *, flaw: str = "") -> nn.Module:
    """A new module like `layer` that computes bn(layer(x)) for an eval-mode `bn`."""
    assert not flaw or flaw in FLAWS, flaw
    weight, bias = folded_weight_and_bias(layer, bn, flaw)
    if flaw == "mutate-return-same":
        with torch.no_grad():
            layer.weight.copy_(weight)  # type: ignore[operator]
            if isinstance(layer.bias, torch.Tensor):
                layer.bias.copy_(bias)
            else:
                layer.bias = nn.Parameter(bias)
        return layer
    # copy.copy shares the parameter dict with `layer`: assigning to it changes `layer` too.
    fused = copy.copy(layer) if flaw == "mutate-shallow-copy" else copy.deepcopy(layer)
    fused.weight = nn.Parameter(weight)
    fused.bias = nn.Parameter(bias)
    return fused


def reference_fold(layer: nn.Module, bn: nn.Module) -> nn.Module:
    """The drill's reference: the correct fold."""
    return fold(layer, bn)


def _m(id_: str, message: str, related: tuple[str, ...], *flaws: str) -> Mistake:
    impls: tuple[Any, ...] = tuple(functools.partial(fold, flaw=f) for f in flaws)
    return Mistake(id_, message, related, impls)


DERIVATION = "batchnorm.conv-bn-folding-derivation"
BIAS_NUMERIC = "batchnorm.fold-bias-numeric"

FOLD_MISTAKES: tuple[Mistake, ...] = (
    _m(
        "fold_batchnorm.eps-outside-sqrt",
        "You add eps outside the square root (sqrt(running_var) + eps). BatchNorm divides by "
        "sqrt(running_var + eps): s = gamma / sqrt(running_var + eps).",
        ("batchnorm.eps-inside-sqrt", DERIVATION),
        "eps-outside",
    ),
    _m(
        "fold_batchnorm.no-mean-shift",
        "The folded bias misses the running_mean shift. Eval-mode BN subtracts running_mean "
        "before scaling: b' = (b - running_mean) * s + beta.",
        (BIAS_NUMERIC, DERIVATION),
        "no-mean-shift",
    ),
    _m(
        "fold_batchnorm.bias-not-scaled",
        "The layer's bias is not multiplied by s (b - running_mean * s + beta, an operator "
        "precedence slip). The whole pre-BN value is scaled: b' = (b - running_mean) * s + beta.",
        (BIAS_NUMERIC, DERIVATION),
        "bias-not-scaled",
    ),
    _m(
        "fold_batchnorm.std-not-divided",
        "You scale by gamma alone. The per-channel factor is gamma divided by the running "
        "standard deviation: s = gamma / sqrt(running_var + eps), for the weight and the bias.",
        (DERIVATION,),
        "no-std",
    ),
    _m(
        "fold_batchnorm.divided-by-var",
        "You divide by running_var + eps instead of its square root. BatchNorm divides by the "
        "standard deviation: s = gamma / sqrt(running_var + eps).",
        (DERIVATION, "batchnorm.eps-role"),
        "divide-by-var",
    ),
    _m(
        "fold_batchnorm.dropped-layer-bias",
        "The layer's own bias is dropped (b' = beta - running_mean * s). It goes through BN "
        "too: b' = (b - running_mean) * s + beta, with b = 0 only when the layer has no bias.",
        (BIAS_NUMERIC, "batchnorm.conv-bias-redundant"),
        "dropped-bias",
    ),
    _m(
        "fold_batchnorm.wrong-weight-axis",
        "You scale the weight along its input channels. BatchNorm scales output channels, which "
        "are dim 0 of the weight: W * s.reshape(-1, 1) for Linear, s.reshape(-1, 1, 1, 1) for "
        "Conv2d (also with groups).",
        (DERIVATION,),
        "input-axis",
    ),
    _m(
        "fold_batchnorm.mutates-layer",
        "You change the layer you were given (in-place edits, returning it, or copy.copy, whose "
        "parameters are shared). Build the result on copy.deepcopy(layer) and assign new "
        "nn.Parameters to it, leaving layer and bn as they were.",
        (DERIVATION,),
        "mutate-return-same",
        "mutate-shallow-copy",
    ),
)
