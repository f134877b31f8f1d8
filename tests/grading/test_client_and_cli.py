"""The client API (no torch in the caller's process, progress, cancellation) and the CLI
contract of `quizapp check` and `quizapp drills`."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.grading.client import GradingClient

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SOLUTION = ROOT / "solutions" / "batchnorm1d.py"
WRONG = Path(__file__).with_name("wrong") / "batchnorm1d" / "batchnorm.eps-outside-sqrt.py"


def test_client_module_does_not_import_torch() -> None:
    code = (
        "import sys, quizapp.grading.client, quizapp.grading.report, quizapp.cli.grading_commands\n"
        "heavy = [m for m in ('torch', 'numpy', 'textual') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_progress_reports_every_check(grader: GradingClient) -> None:
    seen: list[tuple[int, int, str]] = []
    report = grader.grade(
        "batchnorm1d", SOLUTION.read_text(), str(SOLUTION), progress=lambda *a: seen.append(a)
    )
    assert report.passed
    assert seen and seen[-1][0] == seen[-1][1]
    assert [d for d, _, _ in seen] == list(range(1, len(seen) + 1))


def test_cancel_stops_a_running_check(grader: GradingClient) -> None:
    source = "while True:\n    pass\n"
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    start = time.monotonic()
    report = grader.grade("batchnorm1d", source, "loop.py", cancel=cancel, time_limit=30)
    assert time.monotonic() - start < 5
    assert report.cancelled and not report.passed
    assert grader.grade("batchnorm1d", SOLUTION.read_text(), str(SOLUTION)).passed


def test_unknown_drill_raises_key_error(grader: GradingClient) -> None:
    with pytest.raises(KeyError):
        grader.grade("no-such-drill", "x = 1", "x.py")


def test_check_passing_exits_0_with_json(
    grader: GradingClient, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "batchnorm1d", str(SOLUTION), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"drill", "passed", "checks", "diagnosis", "duration_s"}
    assert data["drill"] == "batchnorm1d" and data["passed"] is True
    assert all(set(c) == {"name", "passed", "message"} for c in data["checks"])
    assert data["diagnosis"] == []


def test_check_failing_exits_1_with_diagnosis(
    grader: GradingClient, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "batchnorm1d", str(WRONG), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is False
    assert [set(d) for d in data["diagnosis"]] == [{"id", "message"}]
    assert data["diagnosis"][0]["id"] == "batchnorm.eps-outside-sqrt"


def test_check_human_output(grader: GradingClient, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "batchnorm1d", str(WRONG)]) == 1
    out = capsys.readouterr().out
    assert "batchnorm.eps-outside-sqrt" in out and "Hint" in out and "FAILED" in out


def test_check_syntax_error_exits_1(
    grader: GradingClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def (:\n")
    assert main(["check", "batchnorm1d", str(bad), "--json"]) == 1
    assert "SyntaxError" in capsys.readouterr().out


def test_check_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "no-such-drill", str(SOLUTION)]) == 2
    assert main(["check", "batchnorm1d", str(tmp_path / "missing.py")]) == 2
    assert main(["check", "batchnorm1d", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown drill" in err and "no such file" in err


def test_drills_lists_ids_and_titles(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drills"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("batchnorm1d ") and "BatchNorm1d" in line for line in lines)
