"""Runs bank snippets as a fresh interpreter would, all in one process to pay torch's import once.

Reads a JSON list of snippets on stdin and writes a JSON list of their stdout (or error).
Before each snippet the default torch generator is put back to the seed a fresh process starts
with, so a snippet prints here what it prints when a user pastes it into `python`.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import traceback

FRESH_PROCESS_SEED = 67280421310721  # torch.initial_seed() in a new process


def run(code: str) -> dict[str, str]:
    try:
        import torch

        torch.manual_seed(FRESH_PROCESS_SEED)
    except ImportError:  # pragma: no cover - torch is a dependency
        pass
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "<snippet>", "exec"), {"__name__": "__main__"})
    except BaseException:
        return {"stdout": out.getvalue(), "error": traceback.format_exc(limit=-3)}
    return {"stdout": out.getvalue(), "error": ""}


if __name__ == "__main__":
    snippets = json.load(sys.stdin)
    json.dump([run(code) for code in snippets], sys.stdout)
