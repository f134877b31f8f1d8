"""The drill YAML format: validation messages with lines, and `quizapp validate` on drills."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from quizapp.bank.drill import load_drill_file, load_drills
from quizapp.cli import main
from quizapp.grading.protocol import FrameReader, ProtocolError, encode_frame

SHIPPED = Path(__file__).resolve().parents[2] / "questions" / "drills" / "batchnorm1d.yaml"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "drills"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_drill_loads() -> None:
    drill, problems = load_drill_file(SHIPPED)
    assert problems == [] and drill is not None
    assert drill.entry == "BatchNorm1d" and drill.kind == "module" and len(drill.hints) >= 2


def test_problems_have_lines(tmp_path: Path) -> None:
    text = (
        SHIPPED.read_text()
        .replace("kind: module", "kind: modul")
        .replace("id: batchnorm1d", "id: other")
    )
    path = _write(tmp_path, "batchnorm1d.yaml", text)
    drill, problems = load_drill_file(path)
    assert drill is None
    lines = {p.line for p in problems}
    kind_line = text.splitlines().index("kind: modul") + 1
    assert kind_line in lines


def test_id_must_match_file_and_starter_must_define_entry(tmp_path: Path) -> None:
    text = SHIPPED.read_text().replace("class BatchNorm1d(nn.Module)", "class Other(nn.Module)")
    path = _write(tmp_path, "renamed.yaml", text)
    _, problems = load_drill_file(path)
    messages = " ".join(p.message for p in problems)
    assert "differs from the file name" in messages and "must define `BatchNorm1d`" in messages


def test_validate_command_checks_drills(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "batchnorm1d.yaml", SHIPPED.read_text().replace("hints:", "hintz:"))
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:" in out and "hintz" in out
    assert main(["validate", str(SHIPPED)]) == 0


def test_load_drills_reports_duplicates(tmp_path: Path) -> None:
    _write(tmp_path, "batchnorm1d.yaml", SHIPPED.read_text())
    result = load_drills([SHIPPED.parent, tmp_path])
    assert any("duplicate drill id" in p.message for p in result.problems)


def test_frames_roundtrip_and_refuse_bad_data() -> None:
    arr = np.arange(6, dtype=np.float64).reshape(2, 3)
    frames = FrameReader().feed(encode_frame({"kind": "check"}, {"a": arr}))
    assert np.array_equal(frames[0].arrays["a"], arr)
    obj = encode_frame({"kind": "x"}, {"a": np.array([1.0])}).replace(b"<f8", b"|O8")
    with pytest.raises(ProtocolError):
        FrameReader().feed(obj)
    lying = encode_frame({"kind": "x"}, {"a": np.zeros(4)}).replace(b'"nbytes":32', b'"nbytes":8')
    with pytest.raises(ProtocolError):
        FrameReader().feed(lying)


def test_drills_load_from_the_cache_without_yaml_or_pydantic(tmp_path: Path) -> None:
    """Home lists the drills after its first paint; with a warm cache that costs no parsing."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from quizapp.bank.cache import DeckCache\n"
        "from quizapp.bank.drill import load_drills\n"
        f"drills = load_drills(cache=DeckCache(Path({str(tmp_path)!r})))\n"
        "print(len(drills.drills), len(drills.problems), 'yaml' in sys.modules,"
        " 'pydantic' in sys.modules)\n"
    )
    cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    warm = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count = len(load_drills().drills)
    assert cold.stdout.split() == [str(count), "0", "True", "True"]
    assert warm.stdout.split() == [str(count), "0", "False", "False"]


def test_a_cached_drill_is_not_trusted_after_its_file_changes(tmp_path: Path) -> None:
    from quizapp.bank.cache import DeckCache

    cache = DeckCache(tmp_path / "cache")
    path = _write(tmp_path, "batchnorm1d.yaml", SHIPPED.read_text())
    assert load_drill_file(path, cache)[0] is not None
    path.write_text(SHIPPED.read_text().replace("kind: module", "kind: modul"), encoding="utf-8")
    drill, problems = load_drill_file(path, cache)
    assert drill is None and problems
    for entry in (tmp_path / "cache").iterdir():  # a damaged entry is rebuilt, not trusted
        entry.write_bytes(b"garbage")
    assert load_drill_file(path, cache)[0] is None
