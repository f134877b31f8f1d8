"""`quizapp validate` and `quizapp schema` as scripts use them: output lines and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.config import load_settings
from quizapp.study import Study

GOOD = """\
format_version: 1
title: Mine
questions:
  - id: mine.one
    type: true_false
    prompt: p
    explanation: e
    answer: true
"""


def test_validate_shipped_bank_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: ") and "questions in" in out


def test_validate_reports_every_problem_and_exits_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.yaml").write_text("format_version: 1\ntitle: [\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD.replace("true_false", "truefalse"), encoding="utf-8")
    (tmp_path / "c.yaml").write_text(GOOD.replace("mine.one", "mine.two"), encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{tmp_path / 'a.yaml'}:3: YAML syntax error")
    assert lines[1].startswith(f"{tmp_path / 'b.yaml'}:5: unknown type 'truefalse'")
    assert "2 problem(s) in 2 file(s); 1 valid question(s)" in captured.err
    assert "Traceback" not in captured.out + captured.err


def test_validate_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["validate", str(tmp_path / "nope")]) == 2


def test_unknown_option_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--frobnicate"])
    assert exc.value.code == 2


def test_validate_runs_as_a_console_script(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_bytes(b"\xff\xfe")
    proc = subprocess.run(
        [sys.executable, "-m", "quizapp.cli", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"{tmp_path / 'bad.yaml'}:1: byte 0xff is not UTF-8")


def test_schema_describes_every_question_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["required"] == ["format_version", "title", "questions"]
    mapping = schema["properties"]["questions"]["items"]["discriminator"]["mapping"]
    assert set(mapping) == {
        "single_choice",
        "multiple_choice",
        "true_false",
        "numeric",
        "short_answer",
        "open",
        "code_output",
    }
    numeric = schema["$defs"]["Numeric"]
    assert numeric["additionalProperties"] is False
    assert {"answer", "abs_tol", "rel_tol", "solution_code"} <= set(numeric["properties"])


def test_settings_banks_are_loaded_next_to_the_shipped_bank(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "mine.yaml").write_text(GOOD, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "config.toml").write_text(f'banks = ["{decks}"]\nlanguage = "zh"\n', encoding="utf-8")
    study = Study(data)
    assert study.language == "zh"
    assert study.bank.deck_of["mine.one"] == "mine"
    assert any(not d.user for d in study.bank.decks)


def test_broken_settings_file_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("banks = [\n", encoding="utf-8")
    settings = load_settings(tmp_path)
    assert settings.banks == [] and settings.language == "en"
    assert len(settings.problems) == 1 and "config.toml" in settings.problems[0].path


def test_language_choice_is_saved_without_touching_the_rest_of_the_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '# my decks\nbanks = ["~/decks"]  # keep\nlanguage = "en"\n', encoding="utf-8"
    )
    study = Study(tmp_path)
    study.set_language("zh")
    assert config.read_text(encoding="utf-8") == (
        '# my decks\nbanks = ["~/decks"]  # keep\nlanguage = "zh"\n'
    )
    assert Study(tmp_path).language == "zh"
    fresh = tmp_path / "fresh"
    Study(fresh).set_language("zh")
    assert (fresh / "config.toml").read_text(encoding="utf-8") == 'language = "zh"\n'


def test_validate_without_paths_covers_the_decks_in_the_data_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decks = tmp_path / "data" / "decks"  # where `quizapp import` writes
    decks.mkdir(parents=True)
    (decks / "mine.yaml").write_text(GOOD.replace("answer: true", "answer: maybe"), "utf-8")
    assert main(["--data-dir", str(tmp_path / "data"), "validate"]) == 1
    assert f"{decks / 'mine.yaml'}:8: " in capsys.readouterr().out
