"""The warm grading server: imports torch once, then forks a sandboxed child per submission.

Run as `python -m quizapp.grading.server`; it speaks the JSON-lines protocol of `protocol.py`
on stdin/stdout (anything else printed goes to stderr). It is single-threaded, which is what
makes `os.fork` safe, and torch uses one thread for the same reason.
"""

from __future__ import annotations

import os
import select
import sys
import time
import traceback
from typing import Any

# One thread everywhere, set before numpy or torch load their libraries: the child may not start
# threads, and a BLAS that tries to start its pool there would hang.
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"

from quizapp.grading.confine import non_dumpable  # noqa: E402 - after the thread settings
from quizapp.grading.protocol import (  # noqa: E402
    LineBuffer,
    ProtocolError,
    decode_line,
    encode_line,
)
from quizapp.grading.report import CheckResult, Protection  # noqa: E402
from quizapp.grading.sandbox import DEFAULT_MEMORY_MIB, Limits  # noqa: E402
from quizapp.grading.zygote import Zygote, ZygoteError  # noqa: E402


class Server:
    """Reads requests, grades one submission at a time, watches for cancellation meanwhile."""

    def __init__(self, in_fd: int, out_fd: int, zygote: Zygote) -> None:
        self.zygote = zygote
        self.in_fd = in_fd
        self.out_fd = out_fd
        self.lines = LineBuffer()
        self.pending: list[dict[str, Any]] = []
        self.prepared: dict[str, Any] = {}
        self.current: int | None = None
        self.closed = False

    def send(self, message: dict[str, Any]) -> None:
        data = encode_line(message)
        view = memoryview(data)
        while view:
            view = view[os.write(self.out_fd, view) :]

    def _read(self) -> bool:
        """Read what is available on stdin into `pending`; False at end of input."""
        chunk = os.read(self.in_fd, 1 << 20)
        if not chunk:
            self.closed = True
            return False
        for line in self.lines.feed(chunk):
            if line.strip():
                try:
                    self.pending.append(decode_line(line))
                except ProtocolError as exc:
                    self.send({"type": "error", "message": str(exc)})
        return True

    def _cancel_requested(self) -> bool:
        """Called while a child runs and stdin is readable: True to stop the run."""
        if not self._read():
            return True
        for message in list(self.pending):
            if message.get("op") == "cancel" and message.get("req") in (None, self.current):
                self.pending.remove(message)
                return True
        return False

    def serve(self) -> None:
        self.send({"type": "ready", "pid": os.getpid()})
        while True:
            while not self.pending:
                if self.closed:
                    return
                select.select([self.in_fd], [], [])
                self._read()
            message = self.pending.pop(0)
            op = message.get("op")
            if op == "grade":
                self._grade(message)
            elif op == "ping":
                self.send({"type": "pong", "req": message.get("req")})
            elif op == "shutdown":
                return

    def _grade(self, message: dict[str, Any]) -> None:
        from quizapp.grading.runner import grade

        req = message.get("req")
        self.current = req if isinstance(req, int) else None
        try:
            drill_id = str(message["drill"])
            prepared, drill = self._prepare(drill_id)
            limit = float(message.get("time_limit") or drill.time_limit_s)
            memory = int(message.get("memory_mib") or DEFAULT_MEMORY_MIB)

            def progress(done: int, total: int, result: CheckResult) -> None:
                self.send(
                    {
                        "type": "progress",
                        "req": req,
                        "done": done,
                        "total": total,
                        "check": result.name,
                        "passed": result.passed,
                        "message": result.message,
                    }
                )

            report = grade(
                prepared,
                drill,
                str(message["source"]),
                str(message.get("filename") or "submission.py"),
                zygote=self.zygote,
                limits=Limits(time_s=limit, memory_mib=memory),
                progress=progress,
                control_fd=self.in_fd,
                on_control=self._cancel_requested,
            )
            self.send({"type": "report", "req": req, "report": report.to_wire()})
        except KeyError as exc:
            self.send({"type": "error", "req": req, "message": f"unknown drill {exc}"})
        except ZygoteError as exc:
            # No clean process is left to fork from: end, and the client starts a new server.
            self.send({"type": "error", "req": req, "message": f"the grader must restart: {exc}"})
            raise
        except Exception:  # the client gets the grader's own failure, in words
            self.send({"type": "error", "req": req, "message": traceback.format_exc(limit=8)})
        finally:
            self.current = None

    def _prepare(self, drill_id: str) -> tuple[Any, Any]:
        from quizapp.bank.drill import load_drills
        from quizapp.grading.registry import load_suite
        from quizapp.grading.runner import PreparedSuite

        if drill_id not in self.prepared:
            drills = load_drills().drills
            if drill_id not in drills:
                raise KeyError(drill_id)
            self.prepared[drill_id] = (PreparedSuite.build(load_suite(drill_id)), drills[drill_id])
        prepared: tuple[Any, Any] = self.prepared[drill_id]
        return prepared


def warm_up() -> None:
    """Import torch and run one forward/backward of the reference layers, paying lazy init now."""
    import torch
    from torch import nn

    torch.set_num_threads(1)
    x = torch.randn(8, 4, 5, requires_grad=True)
    for layer in (nn.BatchNorm1d(4), nn.LayerNorm(5), nn.GroupNorm(2, 4), nn.Dropout(0.3)):
        layer(x).sum().backward()
    x2 = torch.randn(4, 3, requires_grad=True, dtype=torch.float64)
    (x2.var(0, unbiased=False) + x2.mean(0)).rsqrt().sum().backward()  # type: ignore[no-untyped-call]
    import torch.overrides

    import quizapp.grading.modulechecks
    import quizapp.grading.runner  # noqa: F401 - imported now so children inherit them
    from quizapp.grading.child import OpLog

    # The function-mode machinery initializes lazily: pay it here, once.
    with OpLog():
        y = nn.BatchNorm1d(5)(torch.randn(4, 5, requires_grad=True))
        (y * y).sum().backward()


def main() -> int:
    out_fd = os.dup(1)
    os.dup2(2, 1)  # stray prints must never corrupt the protocol
    sys.stdout = sys.stderr
    start = time.monotonic()
    warm_up()
    # Forked now, warm and before any reference is computed or any request is read.
    zygote = Zygote.start()
    hidden = non_dumpable()
    zygote.protections.insert(
        0,
        Protection(
            "server-memory",
            hidden,
            "the server's reference results cannot be read through /proc or ptrace"
            if hidden
            else "PR_SET_DUMPABLE refused: the server's memory is readable by your user",
        ),
    )
    print(f"quizapp grading server warm in {time.monotonic() - start:.2f}s", file=sys.stderr)
    try:
        Server(0, out_fd, zygote).serve()
    finally:
        zygote.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
