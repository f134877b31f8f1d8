"""The locked install: the README's commands install exactly requirements.lock, once."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import tomllib
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _lock() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        match = re.match(r"([A-Za-z0-9._-]+)==(\S+)", line)
        if match:
            pins[_canonical(match[1])] = match[2]
    return pins


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _setup_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("setup_venv", ROOT / "scripts" / "setup_venv.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_declared_dependency_is_pinned_exactly() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = [
        *project["project"]["dependencies"],
        *project["project"]["optional-dependencies"]["test"],
    ]
    declared += project["build-system"]["requires"]
    pins = _lock()
    missing = [d for d in declared if _canonical(re.split(r"[<>=!~\[ ;]", d)[0]) not in pins]
    assert missing == []
    assert pins["torch"].startswith("2.13.0")


def test_the_suite_runs_on_the_locked_versions() -> None:
    # What the README's test command installed is what the lock says, dependencies included.
    wrong = {}
    for name, version in _lock().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # build-only packages (setuptools) live in pip's build environment
        if installed != version:
            wrong[name] = (installed, version)
    assert wrong == {}


def test_a_current_venv_is_not_reinstalled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    setup = _setup_module()
    monkeypatch.setattr(setup, "VENV", tmp_path)
    calls: list[dict[str, Any]] = []

    def fake_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append({"command": command, **kwargs})
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(setup.subprocess, "run", fake_run)
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python").touch()
    setup.install("[test]")
    assert len(calls) == 1
    assert calls[0]["env"]["PIP_CONSTRAINT"] == str(ROOT / "requirements.lock")
    setup.install("[test]")
    setup.install("")  # the test set holds the app's: no second install
    assert len(calls) == 1
    monkeypatch.setattr(setup, "LOCK", tmp_path / "changed.lock")
    (tmp_path / "changed.lock").write_text("pyyaml==6.0.3\n", encoding="utf-8")
    setup.install("")  # a refreshed lock reinstalls
    assert len(calls) == 2
