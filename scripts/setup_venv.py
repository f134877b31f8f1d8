"""Sets up `.venv` with exactly the locked package versions, and refreshes the lock.

    python3 scripts/setup_venv.py          # the app's packages (the README's run command)
    python3 scripts/setup_venv.py --test   # the app's and the test suite's packages
    python3 scripts/setup_venv.py --lock   # re-resolve requirements.lock to the newest releases

Installing is skipped when `.venv` already holds what `pyproject.toml` and `requirements.lock`
ask for (a stamp file records their digest), so starting the app a second time costs no pip run.
Only the standard library is used: this runs before anything is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"
# The lock tool itself is pinned, so a refresh today and next month resolve the same way.
PIP_TOOLS = "pip-tools==7.6.2"
COMPILE_FLAGS = [
    "--quiet",
    "--upgrade",
    "--extra=test",
    "--all-build-deps",  # setuptools, which builds quizapp itself, is locked too
    "--strip-extras",
    "--allow-unsafe",
    "--no-emit-index-url",
    "--no-emit-find-links",
    "--annotation-style=line",
]


def _bin(env: Path, name: str) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin") / name


def _wanted(extras: str) -> str:
    digest = hashlib.sha256(PYPROJECT.read_bytes() + LOCK.read_bytes()).hexdigest()
    return f"{digest} {extras}\n"


def _stamp(extras: str) -> Path:
    return VENV / f".quizapp-installed{extras or '[app]'}"


def install(extras: str) -> None:
    """Make `.venv` hold quizapp (editable) with `extras`, every package at its locked version."""
    stamp = _stamp(extras)
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == _wanted(extras):
        return
    python = _bin(VENV, "python")
    if not python.exists():
        venv.create(VENV, with_pip=True)
    # PIP_CONSTRAINT (not only -c) so that the isolated build of quizapp uses the locked setuptools.
    env = {**os.environ, "PIP_CONSTRAINT": str(LOCK)}
    command = [str(python), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}{extras}"]
    subprocess.run(command, check=True, env=env, cwd=ROOT)
    # The test set includes the app's, so the run command needs no pip run after the test command.
    for done in {extras, ""}:
        _stamp(done).write_text(_wanted(done), encoding="utf-8")


def refresh_lock() -> None:
    """Resolve every package and its dependencies anew into requirements.lock."""
    with tempfile.TemporaryDirectory(prefix="quizapp-lock-") as tmp:
        tool_env = Path(tmp) / "env"
        venv.create(tool_env, with_pip=True)
        pip = [str(_bin(tool_env, "python")), "-m", "pip", "install", "--quiet", PIP_TOOLS]
        subprocess.run(pip, check=True)
        compile_ = [str(_bin(tool_env, "pip-compile")), *COMPILE_FLAGS, "-o", LOCK.name]
        # The lock's header names this command as the way to refresh it, not pip-compile's own.
        env = {**os.environ, "CUSTOM_COMPILE_COMMAND": "python3 scripts/setup_venv.py --lock"}
        subprocess.run([*compile_, PYPROJECT.name], check=True, cwd=ROOT, env=env)
    print(f"wrote {LOCK.relative_to(ROOT)}; run the test command before committing it")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--test", action="store_true", help="also install the test packages")
    group.add_argument("--lock", action="store_true", help="refresh requirements.lock")
    args = parser.parse_args(argv)
    try:
        if args.lock:
            refresh_lock()
        else:
            install("[test]" if args.test else "")
    except subprocess.CalledProcessError as exc:
        command = " ".join(str(part) for part in exc.cmd)
        print(f"scripts/setup_venv.py: `{command}` failed (exit {exc.returncode})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
