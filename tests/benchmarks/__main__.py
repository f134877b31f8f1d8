"""`python -m tests.benchmarks [--smoke]`: quizapp's performance next to baselines, as a table.

Each row is the median of several runs of quizapp and of a baseline measured in the same run,
with their ratio and the target. `--smoke` uses tiny sizes and one run, so CI keeps the
benchmark working without paying for it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.benchmarks.genbank import write_bank
from tests.benchmarks.pty_timing import ScreenTiming, time_first_screen

HERE = Path(__file__).resolve().parent
PY = sys.executable
SHIPPED_DECKS = 7  # rows on home with the shipped bank; the baseline app shows as many


@dataclass
class Row:
    """One measurement next to its baseline."""

    name: str
    value: float
    baseline_name: str
    baseline: float
    unit: str
    target: str

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")


def median(runs: int, fn: Callable[[], float]) -> float:
    return statistics.median(fn() for _ in range(runs))


def _env(data: Path) -> dict[str, str]:
    env = dict(os.environ)
    # As on a user's machine, Python caches bytecode: a warm start reads quizapp's .pyc files.
    # (Some sandboxes set this variable, which would make every run recompile quizapp.)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update({"QUIZAPP_DATA_DIR": str(data), "TERM": "xterm-256color", "COLUMNS": "100"})
    return env


def _app_screen(data: Path, banks: list[Path]) -> ScreenTiming:
    argv = [PY, "-m", "quizapp.cli"]
    for bank in banks:
        argv += ["--bank", str(bank)]
    return time_first_screen(argv, b"questions", _env(data))


def _bare_screen(data: Path, rows: int = SHIPPED_DECKS) -> ScreenTiming:
    """The bare app with as many list rows as quizapp's home shows decks."""
    argv = [PY, str(HERE / "bare_app.py"), str(rows)]
    return time_first_screen(argv, b"questions", _env(data))


def _timed(argv: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(
            f"benchmark: `{' '.join(argv)}` exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return elapsed


def run(runs: int, size: int, work: Path) -> list[Row]:
    n_decks = max(1, size // 100)
    bank = write_bank(work / "bank", size, decks=n_decks)
    rows: list[Row] = []
    bare = median(runs, lambda: _bare_screen(work / "bare").seconds)
    bare_big = median(runs, lambda: _bare_screen(work / "bare", SHIPPED_DECKS + n_decks).seconds)

    warm_data = work / "warm"
    _app_screen(warm_data, [])  # fill the cache once
    shipped = median(runs, lambda: _app_screen(warm_data, []).seconds)
    rows.append(
        Row(
            "first screen, shipped bank, warm cache",
            shipped,
            "bare Textual app",
            bare,
            "s",
            "<= 1.3x",
        )
    )

    def cold() -> float:
        shutil.rmtree(work / "cold", ignore_errors=True)
        return _app_screen(work / "cold", [bank]).seconds

    rows.append(
        Row(
            f"first screen, +{size} questions, cold cache",
            median(runs, cold),
            "bare app, same rows",
            bare_big,
            "s",
            "(info)",
        )
    )
    _app_screen(warm_data, [bank])
    warm = median(runs, lambda: _app_screen(warm_data, [bank]).seconds)
    rows.append(
        Row(
            f"first screen, +{size} questions, warm cache",
            warm,
            "bare app, same rows",
            bare_big,
            "s",
            "<= 1.3x",
        )
    )

    files = sorted(str(p) for p in bank.glob("*.yaml"))
    load_code = (
        "import sys, yaml\n"
        "for f in sys.argv[1:]:\n"
        "    yaml.load(open(f, 'rb'), Loader=yaml.CSafeLoader)\n"
    )
    validate = median(runs, lambda: _timed([PY, "-m", "quizapp.cli", "validate", str(bank)]))
    yaml_load = median(runs, lambda: _timed([PY, "-c", load_code, *files]))
    rows.append(
        Row(
            f"quizapp validate, {size} questions",
            validate,
            "yaml.load (libyaml)",
            yaml_load,
            "s",
            "(info)",
        )
    )

    rss = statistics.median(_app_screen(warm_data, [bank]).rss_mb for _ in range(runs))
    bare_rss = statistics.median(_bare_screen(work / "bare").rss_mb for _ in range(runs))
    rows.append(
        Row("UI process memory after start-up", rss, "bare Textual app", bare_rss, "MB", "< 100 MB")
    )
    rows.extend(_grading_rows(runs, work))
    return rows


SOLUTION = HERE.parents[1] / "solutions" / "batchnorm1d.py"
ONE_FORWARD_TEST = """\
import torch

def test_one_forward():
    torch.manual_seed(0)
    x = torch.randn(16, 4)
    ref = torch.nn.BatchNorm1d(4)
    mine = torch.nn.BatchNorm1d(4)
    assert torch.allclose(ref(x), mine(x))
"""


def _grading_rows(runs: int, work: Path) -> list[Row]:
    """The grader: cold first run vs importing torch; warm re-run vs a plain pytest file."""
    from quizapp.grading.client import GradingClient

    check = [PY, "-m", "quizapp.cli", "check", "batchnorm1d", str(SOLUTION)]
    cold = median(runs, lambda: _timed(check))
    torch_import = median(runs, lambda: _timed([PY, "-c", "import torch"]))
    rows = [
        Row(
            "grade BatchNorm1d, first run (CLI, cold)",
            cold,
            "python -c 'import torch'",
            torch_import,
            "s",
            "<= +0.7 s",
        )
    ]
    client = GradingClient()
    source = SOLUTION.read_text(encoding="utf-8")
    try:
        assert client.grade("batchnorm1d", source, str(SOLUTION)).passed  # warms the server

        def warm() -> float:
            start = time.perf_counter()
            client.grade("batchnorm1d", source, str(SOLUTION))
            return time.perf_counter() - start

        warm_s = median(max(runs, 3), warm)
    finally:
        client.close()
    test_file = work / "test_one_forward.py"
    test_file.write_text(ONE_FORWARD_TEST, encoding="utf-8")
    pytest_cmd = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)]
    pytest_s = median(runs, lambda: _timed(pytest_cmd))
    rows.append(
        Row(
            "grade BatchNorm1d, warm re-run (TUI worker API)",
            warm_s,
            "pytest: one forward vs torch",
            pytest_s,
            "s",
            "< 0.3 s",
        )
    )
    # The real app in a pty: open the first drill, run its checks, read the UI's own RSS.
    steps = [(b"d", b"from scratch"), (b"\r", b"Ctrl+R"), (b"\x12", b"checks")]
    app = [PY, "-m", "quizapp.cli"]

    def drill_rss() -> float:
        shutil.rmtree(work / "drill-ui", ignore_errors=True)
        env = _env(work / "drill-ui")
        return time_first_screen(app, b"questions", env, then=steps, timeout=120).rss_mb

    rss = statistics.median(drill_rss() for _ in range(runs))
    bare = _bare_screen(work / "bare").rss_mb
    rows.append(
        Row("UI process memory after a drill run", rss, "bare Textual app", bare, "MB", "< 100 MB")
    )
    return rows


def render(rows: list[Row]) -> str:
    head = f"{'measurement':46} {'quizapp':>9} {'baseline':>9} {'ratio':>6}  target    baseline is"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r.name:46} {r.value:8.3f}{r.unit[0]} {r.baseline:8.3f}{r.unit[0]} "
            f"{r.ratio:6.2f}  {r.target:9} {r.baseline_name}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run (for CI)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=10_000, help="questions in the generated bank")
    args = parser.parse_args()
    runs, size = (1, 200) if args.smoke else (args.runs, args.size)
    with tempfile.TemporaryDirectory(prefix="quizapp-bench-") as tmp:
        rows = run(runs, size, Path(tmp))
    print(render(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
