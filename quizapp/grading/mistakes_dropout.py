"""Catalogued Dropout and Dropout2d mistakes, each a flawed layer run in the server."""

from __future__ import annotations

import functools

import torch
from torch import nn

from quizapp.grading.suite import Mistake


class FlawedDropout(nn.Module):
    """Inverted dropout from plain ops (whole channels if `channels`), correct unless flawed."""

    def __init__(
        self, p: float = 0.5, inplace: bool = False, *, flaw: str = "", channels: bool = False
    ) -> None:
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace
        self.flaw = flaw
        self.channels = channels
        self._mask: torch.Tensor | None = None

    def _mask_for(self, x: torch.Tensor, keep: float) -> torch.Tensor:
        shape = list(x.shape)
        if self.channels and self.flaw != "elementwise-mask":
            shape = shape[:2] + [1] * (x.dim() - 2)
        if self.flaw == "mask-shared-across-batch":
            shape[0] = 1
        if self.flaw == "same-mask-every-call" and self._mask is not None:
            return self._mask
        mask = torch.empty(shape, dtype=x.dtype).bernoulli_(keep)
        self._mask = mask
        return mask

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        p, flaw = self.p, self.flaw
        if not self.training and flaw != "active-in-eval":
            return x * (1 - p) if flaw == "classic" else x
        if flaw == "nothing-dropped":
            return x
        keep = p if flaw == "p-is-keep" else 1 - p
        if keep == 0:
            return x * 0
        mask = self._mask_for(x, keep)
        if flaw in ("no-rescale", "classic"):
            scale = 1.0
        elif flaw == "scale-by-keep":
            scale = keep
        else:
            scale = 1 / keep
        if self.inplace:
            return x.mul_(mask * scale)
        return x * mask * scale


def _m(id_: str, message: str, related: str, flaw: str, channels: bool) -> Mistake:
    impl = functools.partial(FlawedDropout, flaw=flaw, channels=channels)
    return Mistake(id_, message, (related,), (impl,))


def _catalog(channels: bool) -> tuple[Mistake, ...]:
    common = (
        _m(
            "dropout.no-rescale",
            "Kept units are not rescaled. Inverted dropout multiplies them by 1/(1-p) in "
            "training so the expected output equals the input and eval can be the identity.",
            "dropout.inverted-scaling-why",
            "no-rescale",
            channels,
        ),
        _m(
            "dropout.scale-by-keep",
            "You multiply kept units by (1-p) in training; inverted dropout divides by (1-p).",
            "dropout.inverted-scaling-why",
            "scale-by-keep",
            channels,
        ),
        _m(
            "dropout.classic-test-scaling",
            "This is classic dropout (no rescale in training, multiply by (1-p) at test time). "
            "torch uses inverted dropout: divide kept units by (1-p) in training, identity in "
            "eval.",
            "dropout.inverted-scaling-why",
            "classic",
            channels,
        ),
        _m(
            "dropout.p-is-keep",
            "You treat p as the keep probability. In torch p is the probability of dropping: keep "
            "each unit with probability 1-p (invisible at p=0.5).",
            "dropout.p-is-drop-probability",
            "p-is-keep",
            channels,
        ),
        _m(
            "dropout.active-in-eval",
            "Dropout is still active in eval mode. Check self.training: in eval the layer returns "
            "its input unchanged.",
            "dropout.train-eval-code",
            "active-in-eval",
            channels,
        ),
        _m(
            "dropout.nothing-dropped",
            "Nothing is dropped in training: the layer returns its input unchanged. In training "
            "mode zero each unit with probability p (a fresh Bernoulli(1-p) mask every call) "
            "and scale the kept ones by 1/(1-p).",
            "dropout.train-eval-code",
            "nothing-dropped",
            channels,
        ),
        _m(
            "dropout.same-mask-every-call",
            "The mask is reused across calls. Draw a fresh random mask on every forward.",
            "dropout.fresh-mask-every-call-and-sample",
            "same-mask-every-call",
            channels,
        ),
        _m(
            "dropout.mask-shared-across-batch",
            "All samples of the batch share one mask. The mask must have the batch dimension: "
            "every sample gets its own.",
            "dropout.fresh-mask-every-call-and-sample",
            "mask-shared-across-batch",
            channels,
        ),
    )
    if not channels:
        return common
    return (
        *common,
        _m(
            "dropout2d.elementwise-mask",
            "You drop single elements. Dropout2d drops whole channels: draw the mask with shape "
            "(N, C, 1, 1) and broadcast it over H and W.",
            "dropout.dropout2d-mask-shape",
            "elementwise-mask",
            channels,
        ),
    )


DROPOUT_MISTAKES = _catalog(False)
DROPOUT2D_MISTAKES = _catalog(True)
