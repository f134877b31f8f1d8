"""The batchnorm_backward drill: a torch.autograd.Function with a hand-written backward.

The submission is `class BatchNormFunction(torch.autograd.Function)` whose forward(ctx, x,
weight, bias, eps) computes training-mode batch norm over dim 0 of an (N, C) input. The
reference computes the same formula and gets its gradients from autograd of that formula, so
every check compares the submission's forward and backward with autograd.

The checks call the submission through a subclass (named like the entry) that records what its
backward returns and watches its forward and backward with a torch function mode: calling
autograd (torch.autograd.grad, .backward(), ...) or building a graph with grad mode enabled there
is recorded, and refused by the "written by hand" check. When autograd refuses what backward
returns (wrong count or shapes), its message and the raw values are recorded, so the report says
why and a mistake can still be named. gradcheck runs on the submission's class itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from quizapp.grading.mistakes_backward import BACKWARD_MISTAKES
from quizapp.grading.modulechecks import probe
from quizapp.grading.suite import (
    Check,
    DrillSuite,
    Inputs,
    Recorded,
    Recorder,
    SubmissionError,
    seeded,
)

ENTRY = "BatchNormFunction"
PROBES = ("N(2,9)", "N(100,1)", "N(0,1e-4)")
# (N, C) and eps per case; N = 2 is the edge where the gradient nearly vanishes, N = C makes
# feature-summed parameter gradients come out with the right shape.
SHAPES: tuple[tuple[tuple[int, int], float], ...] = (
    ((16, 4), 1e-5),
    ((2, 3), 1e-5),
    ((5, 5), 1e-3),
    ((64, 6), 0.1),
)
AUTOGRAD_NAMES = frozenset(
    {"grad", "backward", "vjp", "jvp", "jacobian", "hessian", "vhp", "hvp", "jacrev", "jacfwd"}
)
GRAD_NAMES = ("input", "weight", "bias")
ACCEPTED = "yes"


def formula(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, eps: float) -> Any:
    """Training-mode batch norm over dim 0 with the biased variance."""
    return (x - x.mean(0)) / torch.sqrt(x.var(0, unbiased=False) + eps) * weight + bias


class ReferenceBatchNorm(torch.autograd.Function):
    """The formula forward; backward is autograd of the same formula (the trusted reference).

    Both are computed in float64 and rounded to the input's dtype, so a float32 submission is
    compared with the exact values, not with another float32 computation's rounding errors.
    """

    @staticmethod
    def forward(ctx: Any, x: Any, weight: Any, bias: Any, eps: float) -> Any:
        ctx.save_for_backward(x, weight, bias)
        ctx.eps = eps
        return formula(x.double(), weight.double(), bias.double(), eps).to(x.dtype)

    @staticmethod
    def backward(ctx: Any, dy: Any) -> Any:
        saved = ctx.saved_tensors
        leaves = [t.detach().double().requires_grad_(True) for t in saved]
        with torch.enable_grad():
            y = formula(leaves[0], leaves[1], leaves[2], ctx.eps)
            grads = torch.autograd.grad(y, leaves, dy.double())
        return (*(g.to(t.dtype) for g, t in zip(grads, saved, strict=True)), None)


class AutogradWatch(TorchFunctionMode):
    """Notes autograd calls, and ops run with grad mode on, while the submission's code runs."""

    def __init__(self, found: set[str], where: str) -> None:
        super().__init__()
        self.found = found
        self.where = where

    def __torch_function__(
        self,
        func: Any,
        types: Any,
        args: Sequence[Any] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        name = str(getattr(func, "__name__", ""))
        if name in AUTOGRAD_NAMES:
            self.found.add(f"{self.where} calls torch.autograd ({name})")
        result = func(*args, **(kwargs or {}))
        if torch.is_grad_enabled() and isinstance(result, torch.Tensor) and result.requires_grad:
            self.found.add(f"{self.where} builds an autograd graph (grad mode enabled)")
        return result


class Calls:
    """What the watched Function did: backward's return value and autograd use."""

    def __init__(self) -> None:
        self.returned: tuple[Any, ...] | None = None
        self.autograd: set[str] = set()


def watched(impl: Any, calls: Calls) -> Any:
    """A subclass of the submission's Function that records into `calls`."""
    if not (isinstance(impl, type) and issubclass(impl, torch.autograd.Function)):
        raise SubmissionError(
            f"{ENTRY} must be a class deriving from torch.autograd.Function, got "
            f"{type(impl).__name__}"
        )

    def forward(*args: Any, **kwargs: Any) -> Any:
        with AutogradWatch(calls.autograd, "forward"):
            return impl.forward(*args, **kwargs)

    # torch accepts `vjp` as the name of backward; wrap whichever the submission defines.
    base = torch.autograd.Function
    name = "vjp" if impl.backward is base.backward and impl.vjp is not base.vjp else "backward"
    users = getattr(impl, name)

    def backward(ctx: Any, *grads: Any) -> Any:
        with AutogradWatch(calls.autograd, "backward"):
            out = users(ctx, *grads)
        calls.returned = out if isinstance(out, tuple) else (out,)
        return out

    namespace = {"forward": staticmethod(forward), name: staticmethod(backward)}
    return type(ENTRY, (impl,), namespace)


def _leaves(case: Inputs) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return (
        case["x"].requires_grad_(True),
        case["weight"].requires_grad_(True),
        case["bias"].requires_grad_(True),
    )


def run_gradients(impl: Any, inputs: Inputs, rec: Recorder) -> None:
    """Forward output, then the gradients for a random upstream gradient, per case."""
    for case in inputs["cases"]:
        tag = case["tag"]
        calls = Calls()
        fn = watched(impl, calls)
        leaves = _leaves(case)
        y = fn.apply(*leaves, case["eps"])
        rec.tensor(f"{tag} output", y)
        if not isinstance(y, torch.Tensor) or y.grad_fn is None:
            raise SubmissionError(f"{tag} the output has no grad_fn: return a tensor from forward")
        try:
            grads: list[Any] = list(torch.autograd.grad(y, leaves, case["g"], allow_unused=True))
            verdict = ACCEPTED
        except RuntimeError as exc:
            if calls.returned is None:
                raise
            verdict = str(exc).strip().splitlines()[0]
            grads = [*calls.returned[:3], *[None] * (3 - len(calls.returned))]
        rec.value(f"{tag} autograd accepts what backward returns", verdict)
        for name, grad in zip(GRAD_NAMES, grads, strict=True):
            if grad is None:
                raise SubmissionError(f"{tag} backward returned no gradient (None) for {name}")
            rec.tensor(f"{tag} grad {name}", grad)


def run_by_hand(impl: Any, inputs: Inputs, rec: Recorder) -> None:
    """Which autograd calls or graph building happened inside forward and backward."""
    calls = Calls()
    fn = watched(impl, calls)
    for case in inputs["cases"]:
        calls.returned = None
        y = fn.apply(*_leaves(case), case["eps"])
        try:
            torch.autograd.grad(y, _leaves(case), case["g"], allow_unused=True)
        except RuntimeError:
            if calls.returned is None:
                raise  # backward itself failed; autograd refusing its result is checked elsewhere
    rec.value("autograd used inside the Function", sorted(calls.autograd))


def judge_by_hand(ref: Recorded, got: Recorded, inputs: Inputs) -> str | None:
    used = got.meta.get("autograd used inside the Function")
    if used is None:
        return "nothing was recorded"
    if used:
        return (
            f"{'; '.join(used)}: compute the gradients with the closed-form formulas from plain "
            "tensor ops (autograd is what your backward is checked against)"
        )
    return None


def run_gradcheck(impl: Any, inputs: Inputs, rec: Recorder) -> None:
    """torch.autograd.gradcheck (finite differences) on the submission, float64: "passes" or
    the first line of what gradcheck (or autograd) reports, inputs named."""
    if not (isinstance(impl, type) and issubclass(impl, torch.autograd.Function)):
        raise SubmissionError(f"{ENTRY} must be a class deriving from torch.autograd.Function")
    apply: Any = impl.apply
    for case in inputs["cases"]:
        eps = case["eps"]

        def fn(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, eps: float = eps) -> Any:
            return apply(x, w, b, eps)

        try:
            torch.autograd.gradcheck(fn, _leaves(case))
            verdict = "passes"
        except RuntimeError as exc:
            verdict = str(exc).strip().splitlines()[0].rstrip(",")
            for i, name in enumerate(("x", "weight", "bias")):
                verdict = verdict.replace(f"respect to input {i}", f"respect to {name}")
        rec.value(f"{case['tag']} gradcheck", verdict)


def _case(
    gen: torch.Generator, shape: tuple[int, int], eps: float, kind: str, dtype: str
) -> Inputs:
    n, c = shape
    f64 = torch.float64
    return {
        "tag": f"x {shape} {kind}, eps={eps:g}:",
        "eps": eps,
        "x": probe(gen, shape, kind, dtype),
        "weight": (1 + 0.5 * torch.randn(c, generator=gen, dtype=f64)).to(getattr(torch, dtype)),
        "bias": (0.5 * torch.randn(c, generator=gen, dtype=f64)).to(getattr(torch, dtype)),
        "g": torch.randn(n, c, generator=gen, dtype=f64).to(getattr(torch, dtype)),
    }


def _shapes(kind: str, dtype: str) -> tuple[tuple[tuple[int, int], float], ...]:
    """Every shape in float64. float32 skips N = 2 unless eps dominates (the exact gradient is a
    difference of nearly equal terms, far below float32's rounding of them) and, at offset 100,
    small batches (float32's rounding of the mean alone reaches the tolerance)."""
    if dtype == "float64" or kind == "N(0,1e-4)":
        return SHAPES
    smallest = 16 if kind == "N(100,1)" else 3
    return tuple(s for s in SHAPES if s[0][0] >= smallest)


def _inputs(
    name: str, kind: str, dtype: str, shapes: Sequence[tuple[tuple[int, int], float]]
) -> Callable[[], Inputs]:
    def make() -> Inputs:
        gen = seeded(name)
        return {"cases": [_case(gen, shape, eps, kind, dtype) for shape, eps in shapes]}

    return make


def backward_checks() -> list[Check]:
    checks: list[Check] = []
    for dtype in ("float64", "float32"):
        for kind in PROBES:
            name = f"forward and gradients match autograd, {dtype}, x ~ {kind}"
            shapes = _shapes(kind, dtype)
            checks.append(Check(name, run_gradients, _inputs(name, kind, dtype, shapes)))
    name = "backward is written by hand (no autograd inside the Function)"
    checks.append(
        Check(name, run_by_hand, _inputs(name, "N(2,9)", "float64", SHAPES[:2]), judge_by_hand)
    )
    name = "torch.autograd.gradcheck, float64"
    small = (((6, 3), 1e-5), ((2, 2), 1e-3), ((4, 4), 0.1))
    checks.append(Check(name, run_gradcheck, _inputs(name, "N(2,9)", "float64", small)))
    return checks


def batchnorm_backward() -> DrillSuite:
    bases = frozenset(f"{c.__module__}.{c.__qualname__}" for c in torch.autograd.Function.__mro__)
    return DrillSuite(
        "batchnorm_backward",
        ReferenceBatchNorm,
        backward_checks,
        BACKWARD_MISTAKES,
        allowed_bases=bases,
    )
