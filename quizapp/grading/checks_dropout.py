"""The Dropout and Dropout2d drills, graded statistically.

Masks are random, so outputs are never compared with torch's: each check computes statistics
(drop rate, survivor scale, agreement between masks) and accepts them within bounds that a
correct layer misses with probability far below one in a million (5.5 sigma per statistic,
about 4e-8, over a few dozen statistics). Catalogued mistakes are matched by the same statistics.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from quizapp.grading.mistakes_dropout import DROPOUT2D_MISTAKES, DROPOUT_MISTAKES
from quizapp.grading.suite import (
    Array,
    Check,
    DrillSuite,
    Finding,
    Inputs,
    Recorded,
    Recorder,
    seeded,
)

Z = 5.5
Stats = dict[str, Any]


def _input(gen: torch.Generator, shape: tuple[int, ...], same_rows: bool) -> torch.Tensor:
    """Values with 1 <= |x| <= 2, so a zero output always means a dropped unit."""
    row_shape = (1, *shape[1:]) if same_rows else shape
    x = (1 + torch.rand(row_shape, generator=gen)) * torch.sign(
        torch.randn(row_shape, generator=gen)
    )
    return x.expand(shape).clone() if same_rows else x


def _units(a: Array, channels: bool) -> Array:
    """Kept/dropped per unit: per element, or per (sample, channel) for Dropout2d."""
    if channels:
        flat = a.reshape(a.shape[0], a.shape[1], -1)
        return np.asarray(np.any(flat != 0, axis=-1))
    return np.asarray(a != 0)


def train_stats(rec: Recorded, inputs: Inputs, channels: bool) -> Stats | str:
    """Statistics of two training calls on the same input (rows identical across the batch)."""
    x = inputs["x"].numpy()
    y1, y2 = rec.arrays.get("call 1"), rec.arrays.get("call 2")
    if y1 is None or y2 is None:
        return "no output was recorded"
    for y in (y1, y2):
        if y.shape != x.shape:
            return f"output shape {y.shape}, expected {x.shape} (the input's)"
        if not np.all(np.isfinite(y)):
            return "the output has NaN or inf values"
    if rec.meta.get("call 1:dtype") != "float32":
        return f"output dtype {rec.meta.get('call 1:dtype')}, expected float32 (the input's)"
    keep1, keep2 = _units(y1, channels), _units(y2, channels)
    stats: Stats = {"n": int(keep1.size), "rate": 1.0 - float(keep1.mean())}
    if channels:
        flat = y1.reshape(y1.shape[0], y1.shape[1], -1)
        partial = np.any(flat == 0, axis=-1) & keep1
        stats["whole_channels"] = not bool(np.any(partial))
    kept = y1 != 0
    ratio = y1[kept] / x[kept]
    stats["scale"] = float(np.median(ratio)) if ratio.size else float("nan")
    stats["scale_spread"] = float(np.max(np.abs(ratio - stats["scale"]))) if ratio.size else 0.0
    stats["same_call"] = float((keep1 == keep2).mean())
    half = keep1.shape[0] // 2
    stats["same_row"] = float((keep1[:half] == keep1[half : 2 * half]).mean())
    stats["half_n"] = int(keep1[:half].size)
    return stats


def _bound(p: float, n: int) -> float:
    return Z * math.sqrt(max(p * (1 - p), 1e-12) / max(n, 1)) + 1e-9


def judge_train(p: float, channels: bool) -> Callable[[Recorded, Recorded, Inputs], str | None]:
    def judge(ref: Recorded, got: Recorded, inputs: Inputs) -> str | None:
        stats = train_stats(got, inputs, channels)
        if isinstance(stats, str):
            return stats
        unit = "channels" if channels else "elements"
        if channels and not stats["whole_channels"]:
            return (
                "some channels are partly dropped: Dropout2d zeroes whole channels, "
                "mask shape (N, C, 1, 1)"
            )
        q = p * p + (1 - p) * (1 - p)
        if abs(stats["same_row"] - q) > _bound(q, stats["half_n"]):
            return (
                f"samples of the batch share {stats['same_row']:.1%} of their mask; expected "
                f"{q:.1%}: every sample needs its own mask (mask shape = input shape)"
            )
        if abs(stats["same_call"] - q) > _bound(q, stats["n"]):
            return (
                f"two calls agree on {stats['same_call']:.1%} of the mask; independent masks agree "
                f"on {q:.1%}: draw a fresh mask on every call"
            )
        if abs(stats["rate"] - p) > _bound(p, stats["n"]):
            return (
                f"drop rate {stats['rate']:.3f} of {stats['n']} {unit} at p={p}; expected "
                f"{p} ± {_bound(p, stats['n']):.3f} (p is the probability of dropping)"
            )
        want = 1 / (1 - p)
        if abs(stats["scale"] - want) > 1e-5 * want or stats["scale_spread"] > 1e-5 * want:
            return (
                f"kept values are multiplied by {stats['scale']:.4g}; expected exactly 1/(1-p) = "
                f"{want:.4g}"
            )
        return None

    return judge


def agree_train(channels: bool) -> Callable[[Recorded, Recorded, Inputs], str | None]:
    """Whether two runs are statistically alike (a catalogued mistake vs the submission)."""

    def agree(other: Recorded, got: Recorded, inputs: Inputs) -> str | None:
        a, b = train_stats(other, inputs, channels), train_stats(got, inputs, channels)
        if isinstance(a, str) or isinstance(b, str):
            return "different"
        # Loose on purpose: the catalogued mistakes differ from each other by far more, and a
        # mask shared across the batch makes the rate of one run noisy.
        for key, tol in (("rate", 0.15), ("same_call", 0.2), ("same_row", 0.2)):
            if abs(a[key] - b[key]) > tol:
                return "different"
        if abs(a["scale"] - b["scale"]) > 1e-5 * max(abs(a["scale"]), 1e-12):
            return "different"
        return None

    return agree


def run_train(p: float | None, inplace: bool = False) -> Callable[[Any, Inputs, Recorder], None]:
    def run(impl: Any, inputs: Inputs, rec: Recorder) -> None:
        layer = impl() if p is None else impl(p=p, inplace=inplace)
        layer.train()
        rec.tensor("call 1", layer(inputs["x"].clone()))
        rec.tensor("call 2", layer(inputs["x"].clone()))

    return run


def run_exact(p: float, mode: str) -> Callable[[Any, Inputs, Recorder], None]:
    """An output that must be exact: eval (identity), p=0 (identity), p=1 (zeros)."""

    def run(impl: Any, inputs: Inputs, rec: Recorder) -> None:
        layer = impl(p=p)
        layer.train(mode == "train")
        x = inputs["x"].clone()
        rec.tensor("output", layer(x))

    return run


def run_rejects(impl: Any, inputs: Inputs, rec: Recorder) -> None:
    for p in (-0.1, 1.5):
        try:
            impl(p=p)
        except Exception as exc:  # which exception is exactly what is checked
            rec.value(f"p={p} raises", type(exc).__name__)
        else:
            rec.value(f"p={p} raises", "nothing")


def run_inplace(impl: Any, inputs: Inputs, rec: Recorder) -> None:
    for inplace in (False, True):
        layer = impl(p=0.5, inplace=inplace)
        layer.train()
        x = inputs["x"].clone()
        y = layer(x)
        rec.tensor(f"inplace={inplace} output", y)
        rec.tensor(f"inplace={inplace} input afterwards", x)


def judge_inplace(ref: Recorded, got: Recorded, inputs: Inputs) -> str | None:
    x = inputs["x"].numpy()
    after = got.arrays.get("inplace=False input afterwards")
    if after is None or not np.array_equal(after, x):
        return "with inplace=False the input tensor was modified; return a new tensor"
    y = got.arrays.get("inplace=True output")
    after = got.arrays.get("inplace=True input afterwards")
    if y is None or after is None or not np.array_equal(after, y):
        return "with inplace=True the input tensor must hold the result (x.mul_(mask))"
    return None


def run_gradient(impl: Any, inputs: Inputs, rec: Recorder) -> None:
    layer = impl(p=0.3)
    layer.train()
    x = inputs["x"].clone().requires_grad_(True)
    y = layer(x)
    rec.tensor("output", y)
    (y * inputs["g"]).sum().backward()
    if x.grad is None:
        raise ValueError("no gradient reached the input")
    rec.tensor("grad input", x.grad)


def judge_gradient(ref: Recorded, got: Recorded, inputs: Inputs) -> str | None:
    x, g = inputs["x"].numpy(), inputs["g"].numpy()
    y, grad = got.arrays.get("output"), got.arrays.get("grad input")
    if y is None or grad is None or grad.shape != x.shape or y.shape != x.shape:
        return "output or input gradient missing or of the wrong shape"
    want = g * (y / x)
    if not np.allclose(grad, want, rtol=1e-5, atol=1e-6):
        err = float(np.max(np.abs(grad - want)))
        return f"input gradient is not grad_out * mask / (1-p) (max abs error {err:.3g})"
    return None


def _exact_judge(kind: str) -> Callable[[Recorded, Recorded, Inputs], str | None]:
    def judge(ref: Recorded, got: Recorded, inputs: Inputs) -> str | None:
        x = inputs["x"].numpy()
        y = got.arrays.get("output")
        if y is None or y.shape != x.shape:
            return "output missing or of the wrong shape"
        want = np.zeros_like(x) if kind == "zeros" else x
        if not np.array_equal(y, want):
            bad = int(np.count_nonzero(y != want))
            what = "all zeros" if kind == "zeros" else "the input unchanged"
            return f"expected {what}; {bad} of {x.size} values differ"
        return None

    return judge


def _same_exact(ref: Recorded, got: Recorded, inputs: Inputs) -> str | None:
    a, b = ref.arrays.get("output"), got.arrays.get("output")
    if a is None or b is None or a.shape != b.shape:
        return "different"
    if np.array_equal(a != 0, b != 0) and np.allclose(a, b, rtol=1e-5):
        return None
    # Both random (dropout active in eval): alike if their drop rates and scales agree.
    ra, rb = float(np.mean(a == 0)), float(np.mean(b == 0))
    return None if abs(ra - rb) < 0.05 and ra > 0 and rb > 0 else "different"


DEFAULT_P = Finding(
    "dropout.wrong-default-p",
    "The default `p` is not torch's: nn.Dropout() drops with p=0.5.",
)
P_ZERO = Finding(
    "dropout.p0-not-handled",
    "p=0 does not return the input unchanged: with nothing dropped the scale 1/(1-p) is 1 and "
    "the output must equal the input (no division by p, no NaN or inf).",
)
P_ONE = Finding(
    "dropout.p1-not-handled",
    "p=1 does not return all zeros: 1/(1-p) divides by zero, so torch returns zeros without "
    "scaling. Handle p=1 before dividing.",
)
P_RANGE = Finding(
    "dropout.p-not-validated",
    "A probability outside [0, 1] is accepted: torch raises ValueError in the constructor "
    "(nn.Dropout(1.5), nn.Dropout(-0.1)). Check p when the layer is made.",
)
INPLACE = Finding(
    "dropout.inplace-not-honoured",
    "The `inplace` argument is not honoured: torch writes the result into the input tensor "
    "(and returns it) only when inplace=True, and leaves the input untouched otherwise.",
)


def dropout_checks(channels: bool) -> list[Check]:
    shape = (64, 256, 2, 2) if channels else (64, 2000)

    def inputs(name: str, same_rows: bool = True) -> Callable[[], Inputs]:
        def make() -> Inputs:
            gen = seeded(name)
            x = _input(gen, shape, same_rows)
            return {"x": x, "g": torch.randn(shape, generator=gen)}

        return make

    checks = []
    for p in (0.2, 0.5, 0.8):
        name = f"training with p={p}: drop rate, scale, fresh masks"
        checks.append(
            Check(name, run_train(p), inputs(name), judge_train(p, channels), agree_train(channels))
        )
    name = "default p is 0.5"
    checks.append(
        Check(
            name,
            run_train(None),
            inputs(name),
            judge_train(0.5, channels),
            agree_train(channels),
            findings=(DEFAULT_P,),
        )
    )
    for p, mode, kind, label, findings in (
        (0.5, "eval", "identity", "eval mode is the identity", ()),
        (0.0, "train", "identity", "p=0 keeps everything", (P_ZERO,)),
        (1.0, "train", "zeros", "p=1 drops everything (no NaN)", (P_ONE,)),
    ):
        checks.append(
            Check(
                label,
                run_exact(p, mode),
                inputs(label, False),
                _exact_judge(kind),
                _same_exact,
                findings=findings,
            )
        )
    checks.append(Check("p outside [0, 1] raises ValueError", run_rejects, findings=(P_RANGE,)))
    checks.append(
        Check(
            "inplace argument",
            run_inplace,
            inputs("inplace", False),
            judge_inplace,
            findings=(INPLACE,),
        )
    )
    checks.append(
        Check(
            "gradient is grad_out * mask / (1-p)",
            run_gradient,
            inputs("grad", False),
            judge_gradient,
        )
    )
    return checks


def dropout() -> DrillSuite:
    return DrillSuite("dropout", nn.Dropout, lambda: dropout_checks(False), DROPOUT_MISTAKES)


def dropout2d() -> DrillSuite:
    return DrillSuite("dropout2d", nn.Dropout2d, lambda: dropout_checks(True), DROPOUT2D_MISTAKES)
