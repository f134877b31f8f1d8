"""The fold_batchnorm and batchnorm_backward graders: their trusted references agree with torch,
other correct ways of writing the solution pass, and the shortcuts each drill refuses fail."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch.nn.utils.fusion import fuse_conv_bn_eval, fuse_linear_bn_eval

from quizapp.grading.checks_backward import ReferenceBatchNorm, backward_checks
from quizapp.grading.checks_fold import build_pair, fold_checks
from quizapp.grading.client import GradingClient
from quizapp.grading.mistakes_fold import reference_fold

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"
FOLD = (SOLUTIONS / "fold_batchnorm.py").read_text()
BACKWARD = (SOLUTIONS / "batchnorm_backward.py").read_text()
BY_HAND = "backward is written by hand (no autograd inside the Function)"
FORBIDDEN = "written from plain tensor ops"


def test_reference_fold_equals_layer_then_bn_and_torchs_fusion() -> None:
    cases = [case for check in fold_checks() for case in check.make_inputs()["cases"]]
    assert {c["dtype"] for c in cases} == {"float32", "float64"}
    for case in cases:
        layer, bn = build_pair(case)
        x = case["x"]
        with torch.no_grad():
            want = bn(layer(x))
            got = reference_fold(layer, bn)(x)
            tol = 1e-5 if case["dtype"] == "float32" else 1e-12
            torch.testing.assert_close(got, want, rtol=tol, atol=tol * float(want.abs().max()))
            if case["config"].affine:
                fuse = fuse_linear_bn_eval if case["config"].kind == "linear" else fuse_conv_bn_eval
                torch.testing.assert_close(got, fuse(layer, bn)(x), rtol=tol, atol=tol)


def test_reference_backward_equals_torchs_batch_norm_autograd() -> None:
    for check in backward_checks():
        for case in check.make_inputs()["cases"]:
            x, w, b = (
                case[k].detach().clone().requires_grad_(True) for k in ("x", "weight", "bias")
            )
            y = ReferenceBatchNorm.apply(x, w, b, case["eps"])
            grads = torch.autograd.grad(y, (x, w, b), case["g"])
            x64, w64, b64 = (t.detach().double().requires_grad_(True) for t in (x, w, b))
            y64 = F.batch_norm(x64, None, None, w64, b64, training=True, eps=case["eps"])
            want = torch.autograd.grad(y64, (x64, w64, b64), case["g"].double())
            torch.testing.assert_close(y.double(), y64.detach(), rtol=1e-6, atol=1e-6)
            for got, ref in zip(grads, want, strict=True):
                scale = float(ref.abs().max())
                torch.testing.assert_close(got.double(), ref, rtol=1e-6, atol=1e-6 * scale + 1e-9)


# Correct solutions written differently from the reference ones.
STAGED = """
import torch


class BatchNormFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, gamma, beta, eps):
        mu = x.mean(dim=0)
        xc = x - mu
        ivar = 1.0 / torch.sqrt((xc ** 2).mean(dim=0) + eps)
        xhat = xc * ivar
        ctx.save_for_backward(xc, ivar, xhat, gamma)
        return gamma * xhat + beta

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, dout):
        xc, ivar, xhat, gamma = ctx.saved_tensors
        n = dout.shape[0]
        dxhat = dout * gamma
        dvar = (dxhat * xc).sum(0) * -0.5 * ivar ** 3
        dmu = (-dxhat * ivar).sum(0) + dvar * (-2.0 * xc).mean(0)
        dx = dxhat * ivar + dvar * 2.0 * xc / n + dmu / n
        return dx, (dout * xhat).sum(0), dout.sum(0), None
"""
SETUP_CONTEXT = """
import torch


class BatchNormFunction(torch.autograd.Function):
    @staticmethod
    def forward(x, weight, bias, eps):
        var, mean = torch.var_mean(x, dim=0, correction=0)
        return (x - mean) * torch.rsqrt(var + eps) * weight + bias

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, weight, bias, eps = inputs
        ctx.save_for_backward(x, weight)
        ctx.eps = eps

    @staticmethod
    def backward(ctx, dy):
        x, weight = ctx.saved_tensors
        var, mean = torch.var_mean(x, dim=0, correction=0)
        rstd = torch.rsqrt(var + ctx.eps)
        xhat = (x - mean) * rstd
        dx = weight * rstd * (dy - dy.mean(0) - xhat * (dy * xhat).mean(0))
        dx = dx if ctx.needs_input_grad[0] else None
        return dx, (dy * xhat).sum(0), dy.sum(0), None
"""
AUTOGRAD_IN_BACKWARD = BACKWARD.replace(
    "        xhat, std, weight = ctx.saved_tensors\n",
    "        xhat, std, weight = ctx.saved_tensors\n"
    "        with torch.enable_grad():\n"
    "            xh = xhat.detach().requires_grad_(True)\n"
    "            w = weight.detach().requires_grad_(True)\n"
    "            (torch.autograd.grad((xh * w).sum(), w))\n",
)
GRAPH_IN_FORWARD = """
import torch


class BatchNormFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, eps):
        with torch.enable_grad():
            leaves = [t.detach().requires_grad_(True) for t in (x, weight, bias)]
            xl, wl, bl = leaves
            y = (xl - xl.mean(0)) / torch.sqrt(xl.var(0, unbiased=False) + eps) * wl + bl
        ctx.graph = (leaves, y)
        return y.detach()

    @staticmethod
    def backward(ctx, dy):
        leaves, y = ctx.graph
        for t in leaves:
            t.grad = None
        y.backward(dy, retain_graph=True)
        return leaves[0].grad, leaves[1].grad, leaves[2].grad, None
"""
FUNC_VJP = """
import torch


def bn(x, w, b, eps):
    return (x - x.mean(0)) / torch.sqrt(x.var(0, unbiased=False) + eps) * w + b


class BatchNormFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, eps):
        ctx.save_for_backward(x, weight, bias)
        ctx.eps = eps
        return bn(x, weight, bias, eps)

    @staticmethod
    def backward(ctx, dy):
        x, w, b = ctx.saved_tensors
        _, vjp = torch.func.vjp(lambda x, w, b: bn(x, w, b, ctx.eps), x, w, b)
        return (*vjp(dy), None)
"""


@pytest.mark.slow
@pytest.mark.parametrize("source", [STAGED, SETUP_CONTEXT], ids=["staged", "setup_context"])
def test_other_correct_backwards_pass(grader: GradingClient, source: str) -> None:
    report = grader.grade("batchnorm_backward", source, "/tmp/bn.py")
    assert [(c.name, c.message) for c in report.checks if not c.passed] == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "source",
    [AUTOGRAD_IN_BACKWARD, GRAPH_IN_FORWARD, FUNC_VJP],
    ids=["autograd.grad", "graph-in-forward", "func.vjp"],
)
def test_autograd_inside_the_function_fails(grader: GradingClient, source: str) -> None:
    report = grader.grade("batchnorm_backward", source, "/tmp/bn.py")
    assert not report.passed
    by_hand = [c for c in report.checks if c.name == BY_HAND]
    assert by_hand and not by_hand[0].passed
    assert "autograd" in by_hand[0].message


@pytest.mark.slow
@pytest.mark.parametrize(
    "call",
    [
        "torch.nn.utils.fusion.fuse_linear_bn_eval(layer, bn)",
        "torch.nn.utils.fuse_linear_bn_eval(layer, bn)",
        "importlib.reload(torch.nn.utils.fusion).fuse_linear_bn_eval(layer, bn)",
        "getattr(importlib.import_module('torch.nn.utils.fu' + 'sion'), 'fuse_linear_bn_weights')"
        "(layer.weight, layer.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias)",
    ],
    ids=["module", "reexport", "reloaded", "runtime-name"],
)
def test_torchs_fusion_is_refused_under_any_name(grader: GradingClient, call: str) -> None:
    source = FOLD.replace(
        "def fold_batchnorm(layer, bn):\n",
        "def fold_batchnorm(layer, bn):\n"
        "    import importlib\n"
        "    import torch.nn.utils.fusion\n"
        "    if isinstance(layer, nn.Linear) and bn.affine:\n"
        f"        {call}\n",
    )
    report = grader.grade("fold_batchnorm", source, "/tmp/fold.py")
    assert not report.passed
    assert [c.name for c in report.checks if not c.passed] == [FORBIDDEN]
    assert [d.id for d in report.diagnosis] == ["fold_batchnorm.uses-builtin"]
