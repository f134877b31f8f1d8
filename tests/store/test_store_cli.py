"""`quizapp stats` and `quizapp export`: exit codes, JSON shape, data folder options."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from store_helpers import true_false

from quizapp.cli import main
from quizapp.store.opening import DB_NAME
from quizapp.store.progress import ProgressStore
from quizapp.store.schema import SCHEMA_VERSION


@pytest.fixture
def data(tmp_path: Path) -> Path:
    with ProgressStore.open(tmp_path) as store:
        store.record_answer(true_false("cli.q1"), deck="cli", answer=True, correct=True, seconds=4)
        store.record_answer(true_false("cli.q2"), deck="cli", answer=True, correct=False, seconds=4)
        store.record_drill_run("batchnorm1d", code_hash="h", passed=True, duration=0.4, review=True)
    return tmp_path


def test_stats_json(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(data), "stats", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["report_version"] == 1
    assert report["totals"]["attempts"] == 3 and report["totals"]["correct"] == 2
    assert report["drills"]["passed"] == 1
    assert {"decks", "tags", "streak", "due", "weakest", "daily", "by_mode"} <= set(report)


def test_stats_human(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(data), "stats"]) == 0
    out = capsys.readouterr().out
    assert "Overview" in out and "attempts" in out and "█" in out


def test_stats_reads_quizapp_data_dir(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZAPP_DATA_DIR", str(data))
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["attempts"] == 3


def test_stats_on_an_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path / "new"), "stats"]) == 0
    assert "No answers recorded yet" in capsys.readouterr().out


def test_stats_after_a_garbage_file_says_where_it_went(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / DB_NAME).write_bytes(b"garbage" * 100)
    assert main(["--data-dir", str(tmp_path), "stats", "--json"]) == 0
    err = capsys.readouterr().err
    assert ".bak" in err and "moved" in err


def test_export_json_to_file(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "progress.json"
    assert main(["--data-dir", str(data), "export", "--format", "json", "--output", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == "quizapp-progress" and doc["schema_version"] == SCHEMA_VERSION
    assert [a["item_id"] for a in doc["attempts"]] == ["cli.q1", "cli.q2", "batchnorm1d"]
    assert all(a["uid"] for a in doc["attempts"])
    assert doc["drill_runs"][0]["attempt_id"] == doc["attempts"][2]["id"]
    assert {c["item_id"] for c in doc["cards"]} == {"cli.q1", "cli.q2", "batchnorm1d"}
    assert doc["report"]["totals"]["attempts"] == 3
    assert set(doc) == {
        "format",
        "schema_version",
        "exported_at",
        "report",
        "attempts",
        "drill_runs",
        "cards",
        "settings",
    }


def test_export_markdown_to_stdout(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(data), "export", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# quizapp progress")
    assert "## History" in out and "cli.q2" in out and "## Drill runs" in out


def test_export_to_an_unwritable_place_fails_clearly(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--data-dir", str(data), "export", "--output", str(data / "no" / "such" / "x.md")])
    assert code == 1
    assert "cannot write" in capsys.readouterr().err


def test_export_bad_format_is_usage(data: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--data-dir", str(data), "export", "--format", "pdf"])
    assert exc.value.code == 2


def test_core_modules_import_no_ui_and_no_torch() -> None:
    code = (
        "import sys\n"
        "import quizapp.store.progress, quizapp.store.report, quizapp.store.export\n"
        "import quizapp.store.workspace, quizapp.quiz.sessions, quizapp.cli.progress_commands\n"
        "bad = [m for m in ('textual', 'torch') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
