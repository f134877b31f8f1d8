"""The fold_batchnorm drill: fold an eval-mode BatchNorm into the Linear or Conv2d before it.

The submission is a function `fold_batchnorm(layer, bn)`. Every check builds torch's own layer
and BatchNorm from random weights and running statistics made in the server (never init values),
calls the function, and records what it returned: the folded module's output on a probe input
(compared with the trusted fold, which equals bn(layer(x)), in float32 and float64), whether it is
a new module of the layer's type with a bias, and whether the layer and bn were left unchanged.

torch's ready-made fusion (`torch.nn.utils.fusion`) is plain Python, so the op log of the child
cannot see it. While the submission runs, a profile hook watches for those functions' code,
whatever name reached it, and announces each call through `handle_torch_function`, so the op log
records it under the function's name and the drill's `forbidden` list refuses it like any op.
"""

from __future__ import annotations

import contextlib
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.overrides import handle_torch_function

from quizapp.grading.mistakes_fold import FOLD_MISTAKES, reference_fold
from quizapp.grading.suite import (
    Check,
    DrillSuite,
    Inputs,
    Recorded,
    Recorder,
    SubmissionError,
    Tolerance,
    compare,
    compare_arrays,
    seeded,
)

FUSION_FUNCTIONS = (
    "fuse_conv_bn_eval",
    "fuse_conv_bn_weights",
    "fuse_linear_bn_eval",
    "fuse_linear_bn_weights",
)
OUTPUT_TOLERANCE = {
    "float32": Tolerance(1e-4, 1e-6, scaled=True),
    "float64": Tolerance(1e-9, 1e-12, scaled=True),
}
DTYPES = ("float32", "float64")


@dataclass(frozen=True)
class FoldConfig:
    """A layer (Linear or Conv2d) and the BatchNorm after it."""

    label: str
    kind: str  # "linear" or "conv"
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    eps: float = 1e-5
    affine: bool = True

    @property
    def channels(self) -> int:
        return int(self.args[1])

    def layer(self) -> nn.Module:
        if self.kind == "linear":
            return nn.Linear(*self.args, **self.kwargs)
        return nn.Conv2d(*self.args, **self.kwargs)

    def batchnorm(self) -> nn.Module:
        cls = nn.BatchNorm1d if self.kind == "linear" else nn.BatchNorm2d
        return cls(self.channels, eps=self.eps, affine=self.affine)


# Most layers have as many input channels per group as output channels, so that scaling the
# wrong weight axis gives numbers (and is recognised) rather than a shape error.
CONFIGS = (
    FoldConfig("Linear(6, 6), BatchNorm1d(6)", "linear", (6, 6)),
    FoldConfig(
        "Linear(6, 6, bias=False), BatchNorm1d(6, eps=1e-3)",
        "linear",
        (6, 6),
        {"bias": False},
        eps=1e-3,
    ),
    FoldConfig("Linear(5, 3), BatchNorm1d(3, eps=0.1)", "linear", (5, 3), eps=0.1),
    FoldConfig("Linear(6, 6), BatchNorm1d(6, affine=False)", "linear", (6, 6), affine=False),
    FoldConfig("Conv2d(4, 4, 3), BatchNorm2d(4)", "conv", (4, 4, 3)),
    FoldConfig(
        "Conv2d(4, 4, 3, bias=False), BatchNorm2d(4, eps=1e-3)",
        "conv",
        (4, 4, 3),
        {"bias": False},
        eps=1e-3,
    ),
    FoldConfig(
        "Conv2d(8, 4, 3, stride=2, padding=1, groups=2), BatchNorm2d(4, eps=0.1)",
        "conv",
        (8, 4, 3),
        {"stride": 2, "padding": 1, "groups": 2},
        eps=0.1,
    ),
    FoldConfig(
        "Conv2d(4, 4, 3, padding=2, dilation=2, bias=False), BatchNorm2d(4, affine=False)",
        "conv",
        (4, 4, 3),
        {"padding": 2, "dilation": 2, "bias": False},
        affine=False,
    ),
    FoldConfig(
        "Conv2d(3, 6, (3, 1), stride=(2, 1), padding=(1, 0), groups=3), BatchNorm2d(6)",
        "conv",
        (3, 6, (3, 1)),
        {"stride": (2, 1), "padding": (1, 0), "groups": 3},
    ),
)


# ---------------------------------------------------------------- torch.nn.utils.fusion watch


def _fusion_code_keys() -> frozenset[tuple[str, str]]:
    import torch.nn.utils.fusion as fusion

    keys = set()
    for name in FUSION_FUNCTIONS:
        code = getattr(fusion, name).__code__
        keys.add((code.co_filename, code.co_name))
    return frozenset(keys)


# Taken in the server at import, before any submission could replace the functions.
FUSION_CODE = _fusion_code_keys()


def _announce(name: str) -> None:
    """Make a call visible to active torch function modes (the child's op log) by its name."""

    def marker(*args: Any, **kwargs: Any) -> None:
        return None

    marker.__name__ = marker.__qualname__ = name
    if torch._C._is_torch_function_mode_enabled():
        handle_torch_function(marker, ())


@contextlib.contextmanager
def watch_fusion() -> Iterator[None]:
    """Announce every call of torch's fusion functions (any alias, reloaded or not)."""
    keys = FUSION_CODE
    names = {name for _, name in keys}
    seen: list[str] = []

    def profile(frame: types.FrameType, event: str, arg: Any) -> None:
        if event == "call":
            code = frame.f_code
            if code.co_name in names and (code.co_filename, code.co_name) in keys:
                seen.append(code.co_name)

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(previous)
        for name in dict.fromkeys(seen):
            _announce(name)


# ---------------------------------------------------------------- building and calling


def _dtype(name: str) -> torch.dtype:
    dtype: torch.dtype = getattr(torch, name)
    return dtype


def build_pair(case: Inputs) -> tuple[nn.Module, nn.Module]:
    """torch's layer and BatchNorm with the case's weights and statistics, both in eval mode."""
    config: FoldConfig = case["config"]
    dtype = _dtype(case["dtype"])
    layer = config.layer().to(dtype).eval()
    bn = config.batchnorm().to(dtype).eval()
    with torch.no_grad():
        for module, values in ((layer, case["layer"]), (bn, case["bn"])):
            for name, value in values.items():
                getattr(module, name).copy_(value)
    return layer, bn


def call_fold(impl: Any, layer: nn.Module, bn: nn.Module) -> Any:
    with watch_fusion():
        return impl(layer, bn)


def _as_module(fused: Any, layer: nn.Module) -> nn.Module:
    if not isinstance(fused, nn.Module):
        raise SubmissionError(
            f"fold_batchnorm returned {type(fused).__name__}; it must return a new "
            f"nn.{type(layer).__name__} (the folded module)"
        )
    return fused


def _describe(fused: Any, layer: nn.Module) -> str:
    if fused is layer:
        return "the layer it was given"
    if type(fused) is type(layer):
        return f"a new {type(layer).__name__}"
    kind = type(fused)
    return f"a {kind.__module__}.{kind.__qualname__}"


def _settings(module: nn.Module) -> list[Any]:
    names = (
        *("in_features", "out_features", "in_channels", "out_channels", "kernel_size"),
        *("stride", "padding", "dilation", "groups", "padding_mode"),
    )
    return [[n, repr(getattr(module, n))] for n in names if hasattr(module, n)]


def run_output(impl: Any, inputs: Inputs, rec: Recorder) -> None:
    """The folded module's output on the probe input (no gradient needed)."""
    for case in inputs["cases"]:
        layer, bn = build_pair(case)
        fused = _as_module(call_fold(impl, layer, bn), layer)
        with torch.no_grad():
            rec.tensor(f"{case['tag']} folded output", fused(case["x"]))


def run_structure(impl: Any, inputs: Inputs, rec: Recorder) -> None:
    """What kind of module comes back: new, of the layer's type and settings, with a bias."""
    for case in inputs["cases"]:
        tag = case["tag"]
        layer, bn = build_pair(case)
        fused = call_fold(impl, layer, bn)
        rec.value(f"{tag} returns", _describe(fused, layer))
        fused = _as_module(fused, layer)
        rec.value(f"{tag} settings of the returned module", _settings(fused))
        rec.value(
            f"{tag} parameters of the returned module",
            sorted(name for name, _ in fused.named_parameters()),
        )
        rec.value(f"{tag} returned module has a bias", getattr(fused, "bias", None) is not None)


def run_unchanged(impl: Any, inputs: Inputs, rec: Recorder) -> None:
    """The layer's and bn's parameters and statistics after the call (they must not change)."""
    for case in inputs["cases"]:
        tag = case["tag"]
        layer, bn = build_pair(case)
        call_fold(impl, layer, bn)
        for who, module in (("layer", layer), ("bn", bn)):
            for name, value in [*module.named_parameters(), *module.named_buffers()]:
                rec.tensor(f"{tag} {who}.{name} after the call", value)
            rec.value(f"{tag} {who} has a bias", getattr(module, "bias", None) is not None)


def judge_output(ref: Recorded, got: Recorded, inputs: Inputs) -> str | None:
    """Same dtype and shape, values within the dtype's tolerance relative to the output scale."""
    tol = OUTPUT_TOLERANCE[inputs["dtype"]]
    for key, value in ref.meta.items():
        if got.meta.get(key) != value:
            return compare(Recorded(meta={key: value}), got)
    for key, want in ref.arrays.items():
        have = got.arrays.get(key)
        if have is None:
            return f"{key}: nothing was recorded"
        message = compare_arrays(key, want, have, tol)
        if message is not None:
            return message
    return None


def judge_unchanged(ref: Recorded, got: Recorded, inputs: Inputs) -> str | None:
    """Bit-for-bit the values passed in: anything else means the call changed them."""
    for key, want in ref.arrays.items():
        have = got.arrays.get(key)
        if have is None:
            return f"{key}: nothing was recorded"
        if have.shape != want.shape or not np.array_equal(have, want):
            return (
                f"{key} differs from the value passed in: the call changed its input; "
                "fold into a copy (copy.deepcopy) and leave layer and bn as they were"
            )
    for key, value in ref.meta.items():
        if got.meta.get(key) != value:
            change = "removed from" if value else "added to"
            return (
                f"{key.replace(' has a bias', '')}: a bias was {change} the module you were "
                "given; fold into a copy (copy.deepcopy) instead"
            )
    return None


# ---------------------------------------------------------------- inputs


def _case(config: FoldConfig, dtype: str, gen: torch.Generator) -> Inputs:
    f64 = torch.float64

    def randn(*shape: int) -> torch.Tensor:
        return torch.randn(*shape, generator=gen, dtype=f64)

    def cast(t: torch.Tensor) -> torch.Tensor:
        return t.to(_dtype(dtype))

    shape = (8, config.args[0]) if config.kind == "linear" else (2, config.args[0], 7, 6)
    x = randn(*shape) * 3 + 2
    layer = {
        name: cast(randn(*p.shape) * 0.5 + (0.0 if name == "weight" else 0.3))
        for name, p in config.layer().named_parameters()
    }
    c = config.channels
    # running_var spans small to large values, where eps placement and sqrt matter.
    bn = {
        "running_mean": cast(randn(c) * 1.5),
        "running_var": cast(10 ** (torch.rand(c, generator=gen, dtype=f64) * 3.0 - 2.5)),
        "num_batches_tracked": torch.tensor(100, dtype=torch.long),
    }
    if config.affine:
        bn["weight"] = cast(1 + 0.5 * randn(c))
        bn["bias"] = cast(0.5 * randn(c))
    return {
        "tag": f"{config.label}:",
        "config": config,
        "dtype": dtype,
        "layer": layer,
        "bn": bn,
        "x": cast(x),
    }


def _output_inputs(config: FoldConfig, dtype: str, name: str) -> Callable[[], Inputs]:
    def make() -> Inputs:
        gen = seeded(name)
        return {"dtype": dtype, "cases": [_case(config, dtype, gen)]}

    return make


def _all_inputs(name: str, dtype: str) -> Callable[[], Inputs]:
    def make() -> Inputs:
        gen = seeded(name)
        return {"dtype": dtype, "cases": [_case(c, dtype, gen) for c in CONFIGS]}

    return make


def fold_checks() -> list[Check]:
    checks: list[Check] = []
    for config in CONFIGS:
        for dtype in DTYPES:
            name = f"folded output equals bn(layer(x)), {config.label}, {dtype}"
            checks.append(
                Check(
                    name,
                    run_output,
                    _output_inputs(config, dtype, name),
                    judge=judge_output,
                    agree=judge_output,
                )
            )
    name = "returns a new module of the layer's type, settings and a bias"
    checks.append(Check(name, run_structure, _all_inputs(name, "float32")))
    name = "leaves the layer and bn unchanged"
    checks.append(Check(name, run_unchanged, _all_inputs(name, "float64"), judge=judge_unchanged))
    return checks


def fold_batchnorm() -> DrillSuite:
    return DrillSuite("fold_batchnorm", reference_fold, fold_checks, FOLD_MISTAKES)
