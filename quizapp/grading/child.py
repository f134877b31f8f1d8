"""The code that runs inside the sandboxed child: load the submission, run each check, report.

Everything the child sends is plain data (JSON headers and raw array bytes). It records which
torch functions the submission calls (`torch.*`, `F.*`, tensor methods, `torch.ops.aten.*`), so
the server can refuse the op the drill asks the user to write however an honest answer reaches
it; the server's reading of the source covers what code in this process could hide.
"""

from __future__ import annotations

import linecache
import os
import sys
import traceback
import types
from collections.abc import Sequence
from typing import Any

import numpy as np

from quizapp.grading.protocol import ALLOWED_DTYPES, encode_frame
from quizapp.grading.report import Protection
from quizapp.grading.suite import Check, Inputs, Recorder, SubmissionError, clone_inputs

MAX_ERROR_CHARS = 2000


class _Sender:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def send(self, header: dict[str, Any], arrays: dict[str, Any] | None = None) -> None:
        data = encode_frame(header, _sendable(arrays or {}))
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]


def _sendable(arrays: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, arr in arrays.items():
        a = np.array(arr, order="C", copy=True)
        if a.dtype.str not in ALLOWED_DTYPES:
            a = a.astype(np.float64)
        out[name] = a
    return out


class OpLog:
    """Records the torch functions called while active (a TorchFunctionMode).

    Python-level recording sees every public route to a built-in, `torch.ops.aten.*` included.
    An aten-level TorchDispatchMode as well would add nothing an answer can reach without also
    passing through here, and tripled the cost of a run (0.09 s to 0.28 s for BatchNorm1d).
    """

    def __init__(self) -> None:
        from torch.overrides import TorchFunctionMode

        names: set[str] = set()
        self.names = names

        class _Functions(TorchFunctionMode):
            def __torch_function__(
                self,
                func: Any,
                types: Any,
                args: Sequence[Any] = (),
                kwargs: dict[str, Any] | None = None,
            ) -> Any:
                names.add(str(getattr(func, "__name__", "")).split(".")[0])
                return func(*args, **(kwargs or {}))

        # torch's mode class is untyped; it is only entered and exited here.
        self._functions: Any = _Functions()

    def __enter__(self) -> OpLog:
        self._functions.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._functions.__exit__(None, None, None)

    def take(self) -> list[str]:
        names = sorted(n for n in self.names if n)
        self.names.clear()
        return names


def format_error(exc: BaseException, filename: str) -> str:
    """The exception with only the submission's own frames of its traceback."""
    if isinstance(exc, SystemExit):
        return f"the submission called sys.exit({exc.code!r}); a layer must not exit the process"
    if isinstance(exc, MemoryError):
        return "the submission ran out of memory (MemoryError): it allocates far too much"
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "")
        text = (exc.text or "").rstrip()
        return f"SyntaxError: {exc.msg} ({where})" + (f"\n    {text}" if text else "")
    if isinstance(exc, SubmissionError):
        return str(exc)
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    lines = [f"line {f.lineno}, in {f.name}: {(f.line or '').strip()}" for f in frames[-6:]]
    head = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    text = "\n".join([*lines, head]) if lines else head
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 3] + "..."


def run_submission(
    fd: int,
    *,
    source: str,
    filename: str,
    entry: str,
    checks: Sequence[Check],
    inputs: dict[str, Inputs],
    protections: Sequence[Protection] = (),
) -> None:
    """The child's whole job. Never returns normally: the sandbox exits after it."""
    import torch

    sender = _Sender(fd)
    # Sent before any submission code runs, so the server can trust it; the order is enforced.
    sender.send({"kind": "sandbox", "protections": [p.to_json() for p in protections]})
    # Tracebacks quote the submission's lines from here: its file is not readable in the sandbox.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    torch.manual_seed(0)
    log = OpLog()
    module = types.ModuleType("submission")
    module.__file__ = filename
    sys.modules["submission"] = module
    try:
        code = compile(source, filename, "exec")
        with log:
            exec(code, module.__dict__)
        impl = getattr(module, entry, None)
        if impl is None:
            raise SubmissionError(f"the file does not define `{entry}`; the drill grades that name")
    except BaseException as exc:  # whatever the submission does is reported
        sender.send({"kind": "load", "error": format_error(exc, filename), "ops": log.take()})
        return
    mro = [f"{c.__module__}.{c.__qualname__}" for c in getattr(impl, "__mro__", ())]
    sender.send({"kind": "load", "error": None, "mro": mro, "ops": log.take()})
    for check in checks:
        rec = Recorder()
        header: dict[str, Any] = {"kind": "check", "name": check.name}
        try:
            with log:
                check.run(impl, clone_inputs(inputs[check.name]), rec)
        except BaseException as exc:
            header["error"] = format_error(exc, filename)
            header["error_type"] = type(exc).__name__
        header["meta"] = _jsonable(rec.meta)
        header["ops"] = log.take()
        _flush()
        sender.send(header, rec.arrays)
    _flush()
    sender.send({"kind": "done"})


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # a replaced or closed stream must not stop the run
            continue


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)
