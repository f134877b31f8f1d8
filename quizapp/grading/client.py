"""The grading API the CLI and the TUI call; it never imports torch.

`GradingClient` starts the warm server (`python -m quizapp.grading.server`) on first use, keeps
it for later runs and restarts it if it dies. Calls are serialized by a lock, so a TUI worker
thread and the main thread can share one client. `grade()` reports progress through a callback
and stops early when its `cancel` event is set.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Protocol

from quizapp.grading.protocol import LineBuffer, ProtocolError, decode_line, encode_line
from quizapp.grading.report import CheckResult, Report

# (checks judged so far, checks in all, the newest check's result), as each check is judged.
Progress = Callable[[int, int, CheckResult], None]
START_TIMEOUT_S = 120.0
POLL_S = 0.05


class CancelFlag(Protocol):
    """Anything with `is_set()`, such as `threading.Event`."""

    def is_set(self) -> bool: ...


class GraderError(Exception):
    """The grader itself failed (not the submission): the server died or misbehaved."""


class GradingClient:
    """A connection to one grading server process, started lazily."""

    def __init__(self, python: str | None = None) -> None:
        self.python = python or sys.executable
        self._proc: subprocess.Popen[bytes] | None = None
        self._lines = LineBuffer()
        self._queue: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._req = 0
        self._stderr: IO[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        """Start the server now (it imports torch) and wait until it is ready."""
        with self._lock:
            self._ensure_started()

    def close(self) -> None:
        """Stop the server process."""
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def _ensure_started(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._stop()
        self._lines = LineBuffer()
        self._queue = []
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server
        env = dict(os.environ)
        # The server must import this very quizapp, whatever the caller's working folder.
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, env.get("PYTHONPATH", "")) if p
        )
        self._proc = subprocess.Popen(
            [self.python, "-m", "quizapp.grading.server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            close_fds=True,
        )
        message = self._next_message(time.monotonic() + START_TIMEOUT_S, None)
        if message.get("type") != "ready":
            raise GraderError(f"the grading server did not start: {message}")
        return self._proc

    def _server_log(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")[-2000:]

    def _next_message(self, deadline: float, cancel: Callable[[], None] | None) -> dict[str, Any]:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        fd = proc.stdout.fileno()
        while not self._queue:
            if cancel is not None:
                cancel()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._stop()
                raise GraderError("the grading server stopped answering")
            ready, _, _ = select.select([fd], [], [], min(POLL_S, remaining))
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                log = self._server_log()
                self._stop()
                raise GraderError(f"the grading server exited unexpectedly\n{log}".strip())
            for line in self._lines.feed(chunk):
                try:
                    self._queue.append(decode_line(line))
                except ProtocolError as exc:
                    self._stop()
                    raise GraderError(str(exc)) from exc
        return self._queue.pop(0)

    def _send(self, message: dict[str, Any]) -> None:
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        try:
            proc.stdin.write(encode_line(message))
            proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            self._stop()
            raise GraderError("the grading server is gone") from exc

    def grade(
        self,
        drill_id: str,
        source: str,
        filename: str = "submission.py",
        *,
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
        time_limit: float | None = None,
        memory_mib: int | None = None,
    ) -> Report:
        """Grade `source` (the text of the user's file named `filename`) against a drill.

        Raises:
            KeyError: no such drill.
            GraderError: the grader itself failed.
        """
        with self._lock:
            self._ensure_started()
            self._req += 1
            req = self._req
            self._send(
                {
                    "op": "grade",
                    "req": req,
                    "drill": drill_id,
                    "source": source,
                    "filename": filename,
                    "time_limit": time_limit,
                    "memory_mib": memory_mib,
                }
            )
            sent_cancel = False

            def check_cancel() -> None:
                nonlocal sent_cancel
                if cancel is not None and not sent_cancel and cancel.is_set():
                    sent_cancel = True
                    self._send({"op": "cancel", "req": req})

            # The server enforces the submission's time limit; this only guards against a
            # server that hangs.
            deadline = time.monotonic() + START_TIMEOUT_S + (time_limit or 120.0)
            while True:
                message = self._next_message(deadline, check_cancel)
                if message.get("req") != req:
                    continue
                kind = message.get("type")
                if kind == "progress" and progress is not None:
                    result = CheckResult(
                        str(message["check"]), bool(message["passed"]), str(message["message"])
                    )
                    progress(int(message["done"]), int(message["total"]), result)
                elif kind == "report":
                    return Report.from_wire(message["report"])
                elif kind == "error":
                    text = str(message.get("message", ""))
                    if text.startswith("unknown drill"):
                        raise KeyError(drill_id)
                    raise GraderError(text)


_shared: GradingClient | None = None
_shared_lock = threading.Lock()


def shared_client() -> GradingClient:
    """The process-wide client (one warm server per app)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = GradingClient()
        return _shared


def grade(
    drill_id: str,
    source: str,
    filename: str = "submission.py",
    *,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    time_limit: float | None = None,
) -> Report:
    """Grade with the shared client; see `GradingClient.grade`."""
    return shared_client().grade(
        drill_id, source, filename, progress=progress, cancel=cancel, time_limit=time_limit
    )


def failed_report(drill_id: str, name: str, message: str) -> Report:
    """A report for a run that never reached the grader (e.g. an unreadable file)."""
    return Report(drill_id, False, (CheckResult(name, False, message),))
