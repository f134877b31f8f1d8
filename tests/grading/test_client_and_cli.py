"""The client API (no torch in the caller's process, progress, cancellation) and the CLI
contract of `quizapp check` and `quizapp drills`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from quizapp.cli import main
from quizapp.grading.client import GradingClient
from quizapp.grading.report import CheckResult

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SOLUTION = ROOT / "solutions" / "batchnorm1d.py"
WRONG = Path(__file__).with_name("wrong") / "batchnorm1d" / "batchnorm.eps-outside-sqrt.py"
UNBIASED = WRONG.with_name("batchnorm.unbiased-normalization.py")


def test_client_module_does_not_import_torch() -> None:
    code = (
        "import sys, quizapp.grading.client, quizapp.grading.report, quizapp.cli.grading_commands\n"
        "heavy = [m for m in ('torch', 'numpy', 'textual') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_each_check_verdict_streams_in_before_the_report(grader: GradingClient) -> None:
    seen: list[tuple[int, int, CheckResult]] = []
    report = grader.grade(
        "batchnorm1d", WRONG.read_text(), str(WRONG), progress=lambda *a: seen.append(a)
    )
    assert not report.passed
    assert [done for done, _, _ in seen] == list(range(1, len(seen) + 1))
    assert {total for _, total, _ in seen} == {len(seen)}
    # What streamed in is what the report says of each check, failures and their messages too.
    final = {c.name: c for c in report.checks}
    assert [r for _, _, r in seen] == [final[r.name] for _, _, r in seen]
    assert any(not r.passed for _, _, r in seen) and any(r.passed for _, _, r in seen)


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
    assert set(data) == {"drill", "passed", "checks", "diagnosis", "duration_s", "protections"}
    assert data["drill"] == "batchnorm1d" and data["passed"] is True
    assert all(set(c) == {"name", "passed", "message"} for c in data["checks"])
    assert data["diagnosis"] == []
    # What the sandbox enforced on this machine, each in words.
    assert all(set(p) == {"name", "active", "detail"} for p in data["protections"])
    assert {"file-system", "system-calls"} <= {p["name"] for p in data["protections"]}


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


def _human(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    main(["check", *args])
    return capsys.readouterr().out.splitlines()


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    main(["check", *args, "--json"])
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


@pytest.fixture
def columns_80(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


@pytest.mark.usefixtures("grader", "columns_80")
def test_check_failure_reads_verdict_diagnosis_then_compact_checks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = _json(["batchnorm1d", str(UNBIASED)], capsys)
    lines = _human(["batchnorm1d", str(UNBIASED)], capsys)
    failed = [c for c in data["checks"] if not c["passed"]]
    passed = len(data["checks"]) - len(failed)
    assert len(failed) > 10  # the same mismatch in every configuration
    # First line: the verdict, the title, how many checks passed, the time taken.
    assert re.fullmatch(
        rf"FAILED  BatchNorm1d from scratch · {passed} of {len(data['checks'])} checks passed"
        r" · \d+\.\d\ds",
        lines[0],
    )
    # The diagnosis comes before any failing check, with the quiz question to study.
    diagnosis = lines.index("Diagnosis: batchnorm.unbiased-normalization")
    first_failure = next(i for i, line in enumerate(lines) if line.startswith("✗ "))
    quiz = next(i for i, line in enumerate(lines) if "Quiz question to study:" in line)
    assert diagnosis < quiz < first_failure
    assert "biased" in lines[diagnosis + 1] and "(quiz:" not in "\n".join(lines)
    # Compact: one line per way of failing, the full numbers once, the passes in one line.
    assert sum("max abs error" in line for line in lines) == 1
    assert f"✓ {passed} checks passed" in lines
    assert lines[-2].startswith("Hint (1/") or lines[-1].startswith("Hint (1/")
    assert len(lines) <= 25
    assert max(cell_len(line) for line in lines) <= 80


@pytest.mark.usefixtures("grader", "columns_80")
def test_check_verbose_lists_every_check_in_full(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(["batchnorm1d", str(UNBIASED)], capsys)
    lines = _human(["batchnorm1d", str(UNBIASED), "--verbose"], capsys)
    assert lines[0].startswith("FAILED  ")
    for check in data["checks"]:
        assert f"{'✓' if check['passed'] else '✗'} {check['name']}" in lines
    failed = [c for c in data["checks"] if not c["passed"]]
    assert sum("max abs error" in line for line in lines) == len(failed)
    assert lines.index("Diagnosis: batchnorm.unbiased-normalization") < lines.index(
        f"✗ {failed[0]['name']}"
    )


@pytest.mark.usefixtures("grader", "columns_80")
def test_check_verbose_does_not_change_json(capsys: pytest.CaptureFixture[str]) -> None:
    plain = _json(["batchnorm1d", str(UNBIASED)], capsys)
    verbose = _json(["batchnorm1d", str(UNBIASED), "-v"], capsys)
    for data in (plain, verbose):
        data.pop("duration_s")
    assert plain == verbose
    assert set(plain) == {"drill", "passed", "checks", "diagnosis", "protections"}
    assert [set(d) for d in plain["diagnosis"]] == [{"id", "message"}]
    assert re.search(r" \(quiz: [\w.-]+(, [\w.-]+)*\)$", plain["diagnosis"][0]["message"])


@pytest.mark.usefixtures("grader", "columns_80")
def test_check_pass_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _human(["batchnorm1d", str(SOLUTION)], capsys)
    assert len(lines) == 1
    assert re.fullmatch(
        r"PASSED  BatchNorm1d from scratch · (\d+) of \1 checks passed · \d+\.\d\ds", lines[0]
    )


@pytest.mark.usefixtures("grader", "columns_80")
def test_check_crash_shows_traceback_and_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crash = tmp_path / "crash.py"
    crash.write_text(
        SOLUTION.read_text()
        + "\n\n_forward = BatchNorm1d.forward\n\n"
        + "def _crash(self, x):\n"
        + "    for i in range(30):\n"
        + "        print('debug', i)\n"
        + "    raise ValueError('boom')\n\n"
        + "BatchNorm1d.forward = _crash\n"
    )
    lines = _human(["batchnorm1d", str(crash)], capsys)
    text = "\n".join(lines)
    assert lines[0].startswith("FAILED  ")
    assert "    ValueError: boom" in lines
    assert any(line.strip().startswith("line ") and "in _crash" in line for line in lines)
    assert "Your code printed (last 10 lines; --verbose shows all):" in lines
    assert "  debug 29" in lines and "  debug 0" not in lines
    assert text.index("ValueError: boom") < text.index("Your code printed") < text.index("Hint")


@pytest.mark.usefixtures("grader", "columns_80")
def test_check_syntax_error_shows_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def (:\n")
    lines = _human(["batchnorm1d", str(bad)], capsys)
    assert lines[0].startswith("FAILED  ") and "0 of 1 checks passed" in lines[0]
    assert lines[2:5] == [
        "✗ load the submission",
        "    SyntaxError: invalid syntax (line 1, column 5)",
        "        def (:",
    ]


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
