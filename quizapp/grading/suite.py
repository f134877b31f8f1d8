"""The shape of a drill's checks: what runs on the submission, how numbers are compared.

A `Check` has one `run(impl, inputs, rec)` function. The child runs it on the submission; the
trusted server runs the very same function on torch's reference and on every catalogued mistake,
so the user's numbers can be compared with both. Inputs are made in the server before the fork.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch

Array = np.ndarray[Any, Any]
Inputs = dict[str, Any]


class SubmissionError(Exception):
    """The submission returned or exposed something of the wrong kind (raised by the harness)."""


@dataclass(slots=True)
class Recorded:
    """What one run of a check produced: arrays and JSON facts, or the error it raised."""

    arrays: dict[str, Array] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    error_type: str | None = None
    ops: tuple[str, ...] = ()


class Recorder:
    """Collects a check's results as plain numbers; used identically in child and server."""

    def __init__(self) -> None:
        self.arrays: dict[str, Array] = {}
        self.meta: dict[str, Any] = {}

    def tensor(self, name: str, value: Any) -> None:
        """Record a tensor's values, dtype and shape (a non-tensor is the submission's fault)."""
        import torch

        if not isinstance(value, torch.Tensor):
            raise SubmissionError(f"{name}: expected a torch.Tensor, got {type(value).__name__}")
        # The harness's own calls are not the submission's: keep them out of the op recorder
        # (and out of a tensor subclass's overrides).
        with torch._C.DisableTorchFunction():
            t = torch.Tensor.detach(value)
            self.meta[f"{name}:dtype"] = str(t.dtype).removeprefix("torch.")
            if t.dtype in (torch.bfloat16, torch.complex64, torch.complex128) or t.is_complex():
                t = t.real.to(torch.float64) if t.is_complex() else t.to(torch.float32)
            self.arrays[name] = np.array(t.cpu().contiguous().numpy(), copy=True)

    def value(self, name: str, value: Any) -> None:
        """Record a JSON-able fact (keys, flags, an exception's type)."""
        self.meta[name] = value

    def result(self) -> Recorded:
        return Recorded(dict(self.arrays), dict(self.meta))


@dataclass(frozen=True, slots=True)
class Tolerance:
    """Elementwise `|got - want| <= atol + rtol * |want|`; `scaled` uses max|want| instead."""

    rtol: float
    atol: float
    scaled: bool = False


FLOAT32 = Tolerance(1e-4, 1e-4)
FLOAT64 = Tolerance(1e-9, 1e-9)
GRAD32 = Tolerance(1e-4, 1e-6, scaled=True)
GRAD64 = Tolerance(1e-9, 1e-12, scaled=True)


def tolerance_for(name: str, want: Array) -> Tolerance:
    """Gradients are compared relative to their scale, everything else elementwise."""
    grad = "grad" in name
    if want.dtype == np.float64:
        return GRAD64 if grad else FLOAT64
    return GRAD32 if grad else FLOAT32


@dataclass(frozen=True, slots=True)
class Finding:
    """What a check (or a group of checks) failing on its own says about the submission.

    `when` picks the finding among a check's several: it applies if an array whose name
    contains one of these words differs from torch's, or the check's error mentions one.
    """

    id: str
    message: str
    when: tuple[str, ...] = ()


RunFn = Callable[[Any, Inputs, Recorder], None]
JudgeFn = Callable[[Recorded, Recorded, Inputs], "str | None"]


def _no_inputs() -> Inputs:
    return {}


@dataclass(frozen=True)
class Check:
    """One named check.

    Attributes:
        run: executes the check on an implementation, recording what to compare.
        make_inputs: builds the inputs (in the trusted server, before the fork).
        judge: decides pass/fail from (reference, submission); None means "same numbers".
        agree: whether two runs behave alike, used to match catalogued mistakes; None means
            "same numbers" (statistical checks compare statistics instead).
        findings, baseline: turn a failure of this check into named findings (see below).
    """

    name: str
    run: RunFn
    make_inputs: Callable[[], Inputs] = _no_inputs
    judge: JudgeFn | None = None
    agree: JudgeFn | None = None
    # The aspect this check probes on its own: named when it fails and no catalogued mistake
    # explains it. A check with a `baseline` (the same check on the default configuration)
    # names its findings only for a failure the baseline does not share.
    findings: tuple[Finding, ...] = ()
    baseline: str | None = None

    def verdict(self, ref: Recorded, got: Recorded, inputs: Inputs) -> str | None:
        """None if the submission passes, else what is wrong."""
        if got.error is not None:
            return got.error
        if self.judge is not None:
            return self.judge(ref, got, inputs)
        return compare(ref, got)

    def matches(self, other: Recorded, got: Recorded, inputs: Inputs) -> bool:
        """Whether the submission behaved like `other` (a catalogued mistake) here."""
        if other.error is not None or got.error is not None:
            # A crash explains a crash only when it is the same error, message included: any
            # two shape bugs raise RuntimeError, and that alone says nothing about the cause.
            return (
                other.error_type is not None
                and other.error_type == got.error_type
                and error_line(other.error) == error_line(got.error)
            )
        if self.agree is not None:
            return self.agree(other, got, inputs) is None
        return compare(other, got) is None


@dataclass(frozen=True)
class Mistake:
    """A catalogued mistake and wrong implementations that reproduce it in the server."""

    id: str
    message: str
    related: tuple[str, ...]
    impls: tuple[Any, ...]


@dataclass(frozen=True)
class DrillSuite:
    """Everything the server needs to grade one drill (the YAML adds texts and limits)."""

    drill_id: str
    reference: Any
    build_checks: Callable[[], list[Check]]
    mistakes: tuple[Mistake, ...] = ()
    # Classes the submission may inherit from (module + qualname); any other torch class is
    # the built-in layer in disguise.
    allowed_bases: frozenset[str] = frozenset({"builtins.object", "torch.nn.modules.module.Module"})
    warm_up: Callable[[], None] | None = None


def error_line(error: str | None) -> str:
    """The last non-empty line of an error report (`Type: message`), without the traceback."""
    lines = [line.strip() for line in (error or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def seeded(name: str) -> torch.Generator:
    """A generator seeded from a check's name, so inputs are the same in every process."""
    import torch

    return torch.Generator().manual_seed(zlib.crc32(name.encode()))


def clone_inputs(value: Any) -> Any:
    """A deep copy of tensors in dicts/lists/tuples, so no run can alter another's inputs."""
    import torch

    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, dict):
        return {k: clone_inputs(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(clone_inputs(v) for v in value)
    return value


def compare(want: Recorded, got: Recorded) -> str | None:
    """None if `got` has the same facts and numbers as `want` within tolerance, else why not."""
    for key, value in want.meta.items():
        if key not in got.meta:
            return f"{_label(key)}: nothing was recorded"
        if got.meta[key] != value:
            return _meta_message(key, value, got.meta[key])
    for key, w in want.arrays.items():
        g = got.arrays.get(key)
        if g is None:
            return f"{_label(key)}: nothing was recorded"
        message = compare_arrays(key, w, g)
        if message is not None:
            return message
    return None


def _label(key: str) -> str:
    return key.replace(":dtype", " dtype")


def _meta_message(key: str, want: Any, got: Any) -> str:
    if key.endswith(":dtype"):
        return f"{_label(key)} is {got}, torch gives {want}"
    return f"{key}: expected {_show(want)}, got {_show(got)}"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 300 else text[:297] + "..."


def compare_arrays(name: str, want: Array, got: Array, tol: Tolerance | None = None) -> str | None:
    """None if the arrays agree within tolerance, else max errors and a sample of values."""
    if want.shape != got.shape:
        return f"{name}: shape {tuple(got.shape)}, torch gives {tuple(want.shape)}"
    if want.size == 0:
        return None
    tol = tol or tolerance_for(name, want)
    w = want.astype(np.float64, copy=False)
    g = got.astype(np.float64, copy=False)
    if not tol.scaled:
        # The common case first, in one pass: every value within tolerance (NaN compares false
        # here and takes the full path below).
        with np.errstate(invalid="ignore", over="ignore"):
            if bool(np.all(np.abs(g - w) <= tol.atol + tol.rtol * np.abs(w))):
                return None
    both_nan = np.isnan(w) & np.isnan(g)
    err = np.where(both_nan, 0.0, np.abs(g - w))
    err = np.where(np.isnan(err), np.inf, err)
    scale = np.abs(w)
    limit = tol.atol + tol.rtol * (
        float(np.max(np.where(np.isfinite(scale), scale, 0.0))) if tol.scaled else scale
    )
    bad = err > limit
    if not np.any(bad):
        return None
    return mismatch_message(name, w, g, err, bad)


def mismatch_message(name: str, w: Array, g: Array, err: Array, bad: Array) -> str:
    max_abs = float(np.max(err))
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(np.abs(w) > 0, err / np.abs(w), np.where(err > 0, np.inf, 0.0))
    max_rel = float(np.max(rel))
    worst = np.argsort(-np.where(bad, err, -1.0), axis=None)[:3]
    idx = [np.unravel_index(int(i), w.shape) for i in worst]
    sample = ", ".join(
        f"[{','.join(str(int(j)) for j in ix)}] want {_num(w[ix])} got {_num(g[ix])}" for ix in idx
    )
    return (
        f"{name}: {int(np.count_nonzero(bad))}/{w.size} values differ; max abs error "
        f"{max_abs:.3g}, max rel error {max_rel:.3g}; {sample}"
    )


def _num(x: Any) -> str:
    value = float(x)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    return f"{value:.6g}"


def recorded_from_frame(header: Mapping[str, Any], arrays: dict[str, Array]) -> Recorded:
    """A child's check frame as a `Recorded` (the header was already validated as JSON)."""
    meta = header.get("meta")
    ops = header.get("ops")
    error = header.get("error")
    error_type = header.get("error_type")
    return Recorded(
        arrays=dict(arrays),
        meta=dict(meta) if isinstance(meta, dict) else {},
        error=str(error) if error is not None else None,
        error_type=str(error_type) if error_type is not None else None,
        ops=tuple(str(o) for o in ops) if isinstance(ops, list) else (),
    )
