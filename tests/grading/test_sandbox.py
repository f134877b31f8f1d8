"""Whatever a submission does in its own process, it cannot pass by it, and the report says
what happened: exits, crashes, loops, memory hogs, floods, forged reports, patched torch."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from quizapp.grading.client import GradingClient
from quizapp.grading.report import Report

pytestmark = pytest.mark.slow

SOLUTION = (Path(__file__).resolve().parents[2] / "solutions" / "batchnorm1d.py").read_text()
# A layer that is wrong (unbiased variance) but would pass if comparisons were fooled.
WRONG = SOLUTION.replace("var = x.var(dims, unbiased=False)", "var = x.var(dims)")


def _inject(code: str) -> str:
    """The reference solution with `code` run first thing in forward."""
    anchor = "    def forward(self, x):\n"
    assert anchor in SOLUTION
    return SOLUTION.replace(
        anchor, anchor + "".join(f"        {line}\n" for line in code.splitlines())
    )


def _grade(grader: GradingClient, source: str, limit: float = 3.0) -> Report:
    return grader.grade("batchnorm1d", source, "/tmp/escape.py", time_limit=limit)


def _messages(report: Report) -> str:
    return "\n".join(f"{c.name}: {c.message}" for c in report.checks if not c.passed)


def test_wrong_layer_really_fails(grader: GradingClient) -> None:
    assert not _grade(grader, WRONG).passed


def test_patching_comparisons_in_the_child_does_not_help(grader: GradingClient) -> None:
    source = (
        "import torch, numpy\n"
        "torch.allclose = lambda *a, **k: True\n"
        "torch.testing.assert_close = lambda *a, **k: None\n"
        "numpy.allclose = lambda *a, **k: True\n"
        "torch.Tensor.__eq__ = lambda *a: True\n" + WRONG
    )
    report = _grade(grader, source)
    assert not report.passed
    assert "values differ" in _messages(report)


def test_printing_a_fake_report_is_just_output(grader: GradingClient) -> None:
    fake = '{"type": "report", "req": 1, "report": {"drill": "batchnorm1d", "passed": true}}'
    source = f"print({fake!r})\nimport sys\nprint({fake!r}, file=sys.stderr)\n" + WRONG
    report = _grade(grader, source)
    assert not report.passed
    assert '"passed": true' in report.output


def test_writing_to_every_inherited_fd_cannot_forge_a_pass(grader: GradingClient) -> None:
    fake = (
        '{"type":"report","req":%d,"report":{"drill":"batchnorm1d","passed":true,'
        '"checks":[],"diagnosis":[],"duration_s":0}}\n'
    )
    source = (
        "import os\n"
        "for fd in range(3, 256):\n"
        "    for req in range(1, 200):\n"
        "        try:\n"
        f"            os.write(fd, ({fake!r} % req).encode())\n"
        "        except OSError:\n"
        "            break\n" + WRONG
    )
    report = _grade(grader, source)
    assert not report.passed
    assert "result channel" in _messages(report)


def test_os_exit_zero_at_import(grader: GradingClient) -> None:
    report = _grade(grader, "import os\nos._exit(0)\n")
    assert not report.passed
    assert "exited with status 0" in _messages(report)


def test_os_exit_zero_in_forward(grader: GradingClient) -> None:
    source = _inject("import os; os._exit(0)")
    report = _grade(grader, source)
    assert not report.passed
    assert "exited with status 0" in _messages(report)
    assert any(c.message.startswith("not run") for c in report.checks)


def test_sys_exit_zero(grader: GradingClient) -> None:
    report = _grade(grader, "import sys\nsys.exit(0)\n")
    assert not report.passed
    assert "sys.exit(0)" in _messages(report)
    in_forward = _inject("raise SystemExit(0)")
    report = _grade(grader, in_forward)
    assert not report.passed
    assert "sys.exit(0)" in _messages(report)


def test_infinite_loop_is_stopped_near_the_limit(grader: GradingClient) -> None:
    source = _inject("while True: pass")
    start = time.monotonic()
    report = _grade(grader, source, limit=1.5)
    assert time.monotonic() - start < 5
    assert not report.passed
    assert "time limit" in _messages(report)


def test_memory_hog_fails_and_says_so(grader: GradingClient) -> None:
    source = "hog = []\nwhile True:\n    hog.append(bytearray(50_000_000))\n"
    report = grader.grade("batchnorm1d", source, "/tmp/hog.py", time_limit=10, memory_mib=512)
    assert not report.passed
    assert "memory" in _messages(report).lower()
    torch_hog = _inject("big = torch.ones(10**11)")
    report = _grade(grader, torch_hog)
    assert not report.passed
    assert "memory" in _messages(report).lower()


def test_output_flood_is_truncated_and_fails(grader: GradingClient) -> None:
    source = "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n"
    start = time.monotonic()
    report = _grade(grader, source, limit=20)
    assert time.monotonic() - start < 10
    assert not report.passed
    assert "printed more than" in _messages(report)
    assert len(report.output) < 20_000
    chatty = _inject("print('x' * 10000)")
    report = _grade(grader, chatty)
    assert not report.passed
    assert "bytes; at most" in _messages(report)


def test_import_time_exception_shows_only_user_frames(grader: GradingClient) -> None:
    source = "import torch\n\ndef helper():\n    return 1 / 0\n\nhelper()\n"
    report = _grade(grader, source)
    assert not report.passed
    message = _messages(report)
    assert "ZeroDivisionError" in message
    assert "line 4, in helper" in message
    assert "quizapp" not in message and "site-packages" not in message


def test_exception_in_forward_is_trimmed_to_user_frames(grader: GradingClient) -> None:
    source = _inject("x = x @ torch.ones(3, 3)")
    message = _messages(_grade(grader, source))
    assert "in forward" in message and "RuntimeError" in message
    assert "quizapp/grading" not in message


def test_syntax_error(grader: GradingClient) -> None:
    report = _grade(grader, "import torch\nclass BatchNorm1d(:\n    pass\n")
    assert not report.passed
    message = _messages(report)
    assert "SyntaxError" in message and "line 2" in message


def test_missing_entry(grader: GradingClient) -> None:
    report = _grade(grader, "import torch\nclass BatchNorm(torch.nn.Module):\n    pass\n")
    assert "does not define `BatchNorm1d`" in _messages(report)


def test_segfault_is_a_crash_report(grader: GradingClient) -> None:
    report = _grade(grader, "import ctypes\nctypes.string_at(0)\n")
    assert not report.passed
    assert "segmentation fault" in _messages(report)
    # The server survives and grades the next submission.
    assert _grade(grader, SOLUTION).passed


@pytest.mark.parametrize(
    "source",
    [
        "import torch\nclass BatchNorm1d(torch.nn.BatchNorm1d):\n    pass\n",
        "import torch\nBatchNorm1d = torch.nn.BatchNorm1d\n",
        "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n"
        "class BatchNorm1d(nn.BatchNorm1d):\n    def forward(self, x):\n"
        "        return F.batch_norm(x, self.running_mean, self.running_var, self.weight,"
        " self.bias, self.training, 0.1 if self.momentum is None else self.momentum, self.eps)\n",
        SOLUTION.replace(
            "    def forward(self, x):\n",
            "    def forward(self, x):\n"
            "        f = getattr(torch.nn.functional, 'batch' + '_norm')\n"
            "        return f(x, self.running_mean, self.running_var, self.weight, self.bias,"
            " self.training, self.momentum or 0.1, self.eps)\n",
        ),
        SOLUTION.replace(
            "    def forward(self, x):\n",
            "    def forward(self, x):\n        return torch.ops.aten.native_batch_norm(x, "
            "self.weight, self.bias, self.running_mean, self.running_var, self.training, "
            "self.momentum or 0.1, self.eps)[0]\n",
        ),
    ],
    ids=["subclass", "alias", "functional", "runtime-alias", "aten"],
)
def test_using_the_builtin_op_fails_clearly(grader: GradingClient, source: str) -> None:
    report = _grade(grader, source)
    assert not report.passed
    forbidden = [c for c in report.checks if c.name == "written from plain tensor ops"]
    assert forbidden and not forbidden[0].passed
    assert "batchnorm1d.uses-builtin" in [d.id for d in report.diagnosis]


def test_escape_sequences_the_submission_prints_never_reach_the_terminal(
    grader: GradingClient,
) -> None:
    # Set the window title, clear the screen, write the clipboard (OSC 52), spoof with RLO.
    attack = "\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07\u202eevil"
    report = _grade(grader, _inject(f"print({attack!r})\nraise ValueError({attack!r})"))
    shown = report.output + _messages(report)
    assert "pwned" in report.output and "evil" in shown  # still there to read, as text
    assert not any(ch in shown for ch in "\x1b\x07\u202e")
